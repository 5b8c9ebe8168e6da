import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitArp, parseArp } from './arp';
import { arpRepr } from './testing/arbitraries';

describe('arp', () => {
  it('round-trips', () => {
    fc.assert(fc.property(arpRepr, (r) => { expect(parseArp(emitArp(r))).toEqual({ ok: true, value: r }); }));
  });

  it('rejects other hardware/protocol types, lengths and operations', () => {
    const good = emitArp({ operation: 1, senderMac: '52:54:00:12:34:56', senderIp: 1, targetMac: '00:00:00:00:00:00', targetIp: 2 });
    const bad = (i: number, v: number): Uint8Array => {
      const b = good.slice();
      b[i] = v;
      return b;
    };
    expect(parseArp(good.subarray(0, 27)).ok).toBe(false);
    expect(parseArp(bad(1, 6)).ok).toBe(false);
    expect(parseArp(bad(2, 0x86)).ok).toBe(false);
    expect(parseArp(bad(4, 8)).ok).toBe(false);
    expect(parseArp(bad(7, 3))).toMatchObject({ ok: false, error: expect.stringMatching(/operation 3/) });
  });
});
