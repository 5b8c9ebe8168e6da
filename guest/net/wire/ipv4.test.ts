import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitIpv4, parseIpv4, simpleIpv4 } from './ipv4';
import { ipv4Repr } from './testing/arbitraries';

// A real captured header (the worked example of the IPv4 header checksum): 192.168.0.1 →
// 192.168.0.199, UDP, TTL 64, DF, total length 115, checksum 0xb861.
const CAPTURED = Uint8Array.from([0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]);

function withPayload(header: Uint8Array, totalBytes: number): Uint8Array {
  const b = new Uint8Array(totalBytes);
  b.set(header);
  return b;
}

describe('ipv4', () => {
  it('parses a captured header and re-emits it byte for byte', () => {
    const p = parseIpv4(withPayload(CAPTURED, 115));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.value).toMatchObject({ ttl: 64, protocol: 17, src: 0xc0a80001, dst: 0xc0a800c7, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0 });
    expect(p.value.payload.length).toBe(95);
    expect(emitIpv4(p.value).subarray(0, 20)).toEqual(CAPTURED);
  });

  it('round-trips, options and fragment fields included', () => {
    fc.assert(fc.property(ipv4Repr, (r) => { expect(parseIpv4(emitIpv4(r))).toEqual({ ok: true, value: r }); }));
  });

  it('drops Ethernet padding after the total length', () => {
    const d = emitIpv4(simpleIpv4(1, 2, 17, Uint8Array.from([1, 2, 3])));
    const padded = new Uint8Array(46);
    padded.set(d);
    const p = parseIpv4(padded);
    expect(p.ok && p.value.payload).toEqual(Uint8Array.from([1, 2, 3]));
  });

  it('reports checksum errors, bad versions, lengths and the reserved flag', () => {
    const good = withPayload(CAPTURED, 115);
    const flip = (i: number, v: number): Uint8Array => {
      const b = good.slice();
      b[i] = v;
      return b;
    };
    expect(parseIpv4(flip(11, 0x62))).toMatchObject({ ok: false, error: 'ipv4: header checksum mismatch' });
    expect(parseIpv4(flip(11, 0x62), { ignoreChecksum: true }).ok).toBe(true);
    expect(parseIpv4(flip(0, 0x65)).ok).toBe(false);
    expect(parseIpv4(flip(0, 0x44)).ok).toBe(false);
    expect(parseIpv4(good.subarray(0, 100)).ok).toBe(false);
    expect(parseIpv4(good.subarray(0, 19)).ok).toBe(false);
    const reserved = emitIpv4({ ...simpleIpv4(1, 2, 17, new Uint8Array(0)), dontFragment: false });
    reserved[6] |= 0x80;
    reserved[10] = 0;
    reserved[11] = 0;
    expect(parseIpv4(reserved, { ignoreChecksum: true })).toMatchObject({ ok: false, error: 'ipv4: reserved flag set' });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => { expect(typeof parseIpv4(b).ok).toBe('boolean'); }));
  });
});
