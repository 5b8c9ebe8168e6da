import { describe, expect, it } from 'vitest';
import { emitPcapGlobalHeader, emitPcapRecord, parsePcap, PcapWriter } from './pcap';

describe('pcap', () => {
  it('writes the classic global header (little-endian, v2.4, Ethernet)', () => {
    expect(Buffer.from(emitPcapGlobalHeader(true)).toString('hex')).toBe('4d3cb2a1020004000000000000000000000004000100000' + '0');
    expect(Buffer.from(emitPcapGlobalHeader(false)).subarray(0, 4).toString('hex')).toBe('d4c3b2a1');
  });

  it('stores virtual time exactly in nanosecond files and truncated in microsecond files', () => {
    const ns = emitPcapRecord({ timeNs: 3_123_456_789, data: new Uint8Array(60) }, true);
    const us = emitPcapRecord({ timeNs: 3_123_456_789, data: new Uint8Array(60) }, false);
    const v = (b: Uint8Array): number[] => [0, 4, 8, 12].map((o) => new DataView(b.buffer).getUint32(o, true));
    expect(v(ns)).toEqual([3, 123_456_789, 60, 60]);
    expect(v(us)).toEqual([3, 123_456, 60, 60]);
  });

  it('round-trips through the reader', () => {
    const w = new PcapWriter(true);
    w.add(0, Uint8Array.from([1, 2, 3]));
    w.add(1_500_000_001, new Uint8Array(1514).fill(7));
    const p = parsePcap(w.bytes());
    expect(p.ok && p.value.records.map((r) => [r.timeNs, r.data.length])).toEqual([[0, 3], [1_500_000_001, 1514]]);
    expect(p.ok && [p.value.nanos, p.value.linktype]).toEqual([true, 1]);
  });

  it('reports bad magic and truncated records', () => {
    const b = new PcapWriter(false);
    b.add(5, new Uint8Array(10));
    const bytes = b.bytes();
    expect(parsePcap(bytes.subarray(0, bytes.length - 1))).toMatchObject({ ok: false });
    expect(parsePcap(bytes.subarray(0, 30))).toMatchObject({ ok: false });
    const bad = bytes.slice();
    bad[0] = 0;
    expect(parsePcap(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/magic/) });
  });
});
