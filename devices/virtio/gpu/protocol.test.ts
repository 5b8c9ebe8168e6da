import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CMD, CTRL_HDR_BYTES, emitCtrlHdr, emitRequest, parseCtrlHdr, parseResourceCreate2d, parseSetScanout,
  parseTransferToHost2d, parseUpdateCursor, rectWords,
} from './protocol';

describe('virtio-gpu wire structures', () => {
  it('control header round-trips and is 24 bytes', () => {
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat(), fc.integer({ min: 0, max: 255 }), (type, flags, fenceId, ctxId, ringIdx) => {
      const h = { type: type >>> 0, flags: flags >>> 0, fenceId, ctxId: ctxId >>> 0, ringIdx };
      const b = emitCtrlHdr(h);
      expect(b.length).toBe(CTRL_HDR_BYTES);
      expect(parseCtrlHdr(b)).toEqual(h);
    }));
  });

  it('places the fields where the specification structs have them', () => {
    const h = { type: CMD.TRANSFER_TO_HOST_2D, flags: 0, fenceId: 0n, ctxId: 0, ringIdx: 0 };
    const t = emitRequest(h, [...rectWords({ x: 1, y: 2, width: 3, height: 4 }), 0x1_0000_0005n, 9, 0]);
    expect(t.length).toBe(56);
    expect(parseTransferToHost2d(t)).toEqual({ r: { x: 1, y: 2, width: 3, height: 4 }, offset: 0x1_0000_0005n, resourceId: 9 });
    const s = emitRequest({ ...h, type: CMD.SET_SCANOUT }, [...rectWords({ x: 0, y: 0, width: 640, height: 480 }), 2, 7]);
    expect(s.length).toBe(48);
    expect(parseSetScanout(s)).toEqual({ r: { x: 0, y: 0, width: 640, height: 480 }, scanoutId: 2, resourceId: 7 });
    const c = emitRequest({ ...h, type: CMD.RESOURCE_CREATE_2D }, [5, 1, 800, 600]);
    expect(c.length).toBe(40);
    expect(parseResourceCreate2d(c)).toEqual({ resourceId: 5, format: 1, width: 800, height: 600 });
    const u = emitRequest({ ...h, type: CMD.UPDATE_CURSOR }, [0, 10, 20, 0, 3, 1, 2, 0]);
    expect(u.length).toBe(56);
    expect(parseUpdateCursor(u)).toEqual({ pos: { scanoutId: 0, x: 10, y: 20 }, resourceId: 3, hotX: 1, hotY: 2 });
  });

  it('short buffers parse to undefined rather than reading past the end', () => {
    const full = emitRequest({ type: CMD.SET_SCANOUT, flags: 0, fenceId: 0n, ctxId: 0, ringIdx: 0 }, [0, 0, 16, 16, 0, 1]);
    for (let n = 0; n < full.length; n++) expect(parseSetScanout(full.subarray(0, n))).toBeUndefined();
    expect(parseCtrlHdr(full.subarray(0, 23))).toBeUndefined();
  });
});
