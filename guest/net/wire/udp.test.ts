import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitUdp, parseUdp } from './udp';
import { bytes, u16, u32 } from './testing/arbitraries';

describe('udp', () => {
  it('round-trips with the pseudo-header checksum', () => {
    fc.assert(
      fc.property(u16, u16, bytes(300), u32, u32, (srcPort, dstPort, payload, src, dst) => {
        const r = { srcPort, dstPort, payload };
        const b = emitUdp(r, src, dst);
        expect(b[6] | b[7]).not.toBe(0);
        expect(parseUdp(b, src, dst)).toEqual({ ok: true, value: r });
      }),
    );
  });

  it('fails the checksum when an address differs, accepts a zero checksum', () => {
    const b = emitUdp({ srcPort: 1, dstPort: 2, payload: Uint8Array.from([9]) }, 0x0a00020f, 0x0a000202);
    expect(parseUdp(b, 0x0a00020f, 0x0a000203)).toEqual({ ok: false, error: 'udp: checksum mismatch' });
    b[6] = 0;
    b[7] = 0;
    expect(parseUdp(b, 0x0a00020f, 0x0a000203).ok).toBe(true);
  });

  it('rejects bad length fields', () => {
    const b = emitUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(4) }, 1, 2);
    expect(parseUdp(b.subarray(0, 10), 1, 2)).toMatchObject({ ok: false, error: expect.stringMatching(/length field 12/) });
    b[5] = 4;
    expect(parseUdp(b, 1, 2, { ignoreChecksum: true }).ok).toBe(false);
    expect(parseUdp(new Uint8Array(7), 1, 2).ok).toBe(false);
  });
});
