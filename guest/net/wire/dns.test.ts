import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNS_CLASS_IN, DNS_TYPE_A, emitDns, parseDns, type DnsRepr } from './dns';
import { dnsRepr } from './testing/arbitraries';

const QUERY: DnsRepr = {
  id: 0x1234, response: false, opcode: 0, authoritative: false, truncated: false, recursionDesired: true, recursionAvailable: false, rcode: 0,
  questions: [{ name: 'example.com', type: DNS_TYPE_A, class: DNS_CLASS_IN }], answers: [], authorities: [], additionals: [],
};

describe('dns', () => {
  it('round-trips, compression included', () => {
    fc.assert(fc.property(dnsRepr, (r) => { expect(parseDns(emitDns(r))).toEqual({ ok: true, value: r }); }));
  });

  it('emits a query exactly as resolvers do', () => {
    const hex = Buffer.from(emitDns(QUERY)).toString('hex');
    expect(hex).toBe('123401000001000000000000076578616d706c6503636f6d0000010001');
  });

  it('compresses a repeated name to a pointer at the question', () => {
    const r: DnsRepr = { ...QUERY, response: true, answers: [{ name: 'example.com', class: 1, ttlS: 60, data: { type: 1, address: 0x5db8d822 } }] };
    const b = emitDns(r);
    expect([...b.subarray(29, 31)]).toEqual([0xc0, 0x0c]);
    expect(b.length).toBe(29 + 16);
  });

  it('rejects forward pointers, pointer loops, bad labels and truncation', () => {
    const q = emitDns(QUERY);
    const loop = q.slice();
    loop[12] = 0xc0;
    loop[13] = 12;
    expect(parseDns(loop)).toMatchObject({ ok: false, error: expect.stringMatching(/backwards/) });
    const ext = q.slice();
    ext[12] = 0x47;
    expect(parseDns(ext).ok).toBe(false);
    expect(parseDns(q.subarray(0, 20)).ok).toBe(false);
    expect(parseDns(q.subarray(0, 11)).ok).toBe(false);
    const many = q.slice();
    many[5] = 2;
    expect(parseDns(many).ok).toBe(false);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 12, maxLength: 80 }), (b) => { expect(typeof parseDns(b).ok).toBe('boolean'); }));
  });
});
