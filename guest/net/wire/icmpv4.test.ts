import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitIcmpv4, icmpQuote, parseIcmpv4 } from './icmpv4';
import { emitIpv4, simpleIpv4 } from './ipv4';
import { icmpRepr } from './testing/arbitraries';

describe('icmpv4', () => {
  it('round-trips every kind', () => {
    fc.assert(fc.property(icmpRepr, (r) => { expect(parseIcmpv4(emitIcmpv4(r))).toEqual({ ok: true, value: r }); }));
  });

  it('emits an echo request whose checksum matches a hand computation', () => {
    // type 8, code 0, id 1, seq 1, no data: sum 0x0800 + 0x0001 + 0x0001 = 0x0802 → checksum 0xf7fd.
    expect(emitIcmpv4({ kind: 'echoRequest', ident: 1, seq: 1, data: new Uint8Array(0) })).toEqual(Uint8Array.from([8, 0, 0xf7, 0xfd, 0, 1, 0, 1]));
  });

  it('quotes the IP header plus 8 bytes of an offending datagram', () => {
    const d = emitIpv4(simpleIpv4(1, 2, 17, new Uint8Array(100)));
    expect(icmpQuote(d)).toEqual(d.subarray(0, 28));
  });

  it('reports short messages and checksum errors', () => {
    expect(parseIcmpv4(new Uint8Array(7)).ok).toBe(false);
    const m = emitIcmpv4({ kind: 'echoReply', ident: 9, seq: 9, data: Uint8Array.from([1, 2, 3]) });
    m[9] ^= 0x10;
    expect(parseIcmpv4(m)).toEqual({ ok: false, error: 'icmp: checksum mismatch' });
  });
});
