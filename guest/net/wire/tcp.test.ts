import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitTcp, parseTcp, TCP_SYN } from './tcp';
import { tcpRepr, u32 } from './testing/arbitraries';

describe('tcp', () => {
  it('round-trips header, options and payload', () => {
    fc.assert(fc.property(tcpRepr, u32, u32, (r, src, dst) => { expect(parseTcp(emitTcp(r, src, dst), src, dst)).toEqual({ ok: true, value: r }); }));
  });

  it('lays out a Linux-style SYN option block', () => {
    const b = emitTcp({ srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TCP_SYN, window: 0, urgent: 0, options: { mss: 1460, sackPermitted: true, timestamp: { value: 1, echo: 0 }, windowScale: 7 }, payload: new Uint8Array(0) }, 1, 2);
    expect(b[12] >> 4).toBe(10);
    expect([...b.subarray(20)]).toEqual([2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
  });

  it('skips unknown options and reports broken ones', () => {
    const base = { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0, window: 0, urgent: 0, options: { mss: 536 }, payload: new Uint8Array(0) };
    const b = emitTcp(base, 1, 2);
    const withUnknown = new Uint8Array(28);
    withUnknown.set(b.subarray(0, 24));
    withUnknown[12] = 7 << 4;
    withUnknown.set([30, 4, 0xaa, 0xbb], 24);
    const p = parseTcp(withUnknown, 1, 2, { ignoreChecksum: true });
    expect(p.ok && p.value.options).toEqual({ mss: 536 });
    const broken = b.slice();
    broken[21] = 9;
    expect(parseTcp(broken, 1, 2, { ignoreChecksum: true }).ok).toBe(false);
    const badOffset = b.slice();
    badOffset[12] = 4 << 4;
    expect(parseTcp(badOffset, 1, 2, { ignoreChecksum: true }).ok).toBe(false);
    b[17] ^= 1;
    expect(parseTcp(b, 1, 2)).toEqual({ ok: false, error: 'tcp: checksum mismatch' });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => { expect(typeof parseTcp(b, 1, 2, { ignoreChecksum: true }).ok).toBe('boolean'); }));
  });
});
