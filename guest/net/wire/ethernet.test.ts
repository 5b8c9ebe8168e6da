import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitEthernet, ETHERTYPE_IPV4, parseEthernet } from './ethernet';
import { bytes, mac } from './testing/arbitraries';

describe('ethernet', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(mac, mac, fc.integer({ min: 0x600, max: 0xffff }), bytes(100), (dst, src, ethertype, payload) => {
        const r = { dst, src, ethertype, payload };
        const p = parseEthernet(emitEthernet(r));
        expect(p).toEqual({ ok: true, value: r });
      }),
    );
  });

  it('pads to 60 bytes only when asked', () => {
    const r = { dst: 'ff:ff:ff:ff:ff:ff', src: '52:54:00:12:34:56', ethertype: ETHERTYPE_IPV4, payload: new Uint8Array(10) };
    expect(emitEthernet(r).length).toBe(24);
    expect(emitEthernet(r, true).length).toBe(60);
  });

  it('rejects short frames and 802.3 length fields', () => {
    expect(parseEthernet(new Uint8Array(13)).ok).toBe(false);
    const f = new Uint8Array(20);
    f[12] = 0x00;
    f[13] = 0x40;
    expect(parseEthernet(f)).toMatchObject({ ok: false, error: expect.stringMatching(/802.3/) });
  });
});
