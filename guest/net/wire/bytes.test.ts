import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finishChecksum, formatIpv4, ipv4, isValidMac, macBytes, onesSum, pseudoHeaderSum, readMac } from './bytes';

describe('wire bytes', () => {
  it('computes the RFC 1071 §3 example sum', () => {
    // The worked example in RFC 1071: 0001 f203 f4f5 f6f7 sums to ddf2.
    expect(onesSum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0, 8)).toBe(0xddf2);
    expect(finishChecksum(0xddf2)).toBe(0x220d);
  });

  it('pads an odd trailing byte with zero', () => {
    expect(onesSum(Uint8Array.from([0x12, 0x34, 0x56]), 0, 3)).toBe(0x1234 + 0x5600);
  });

  it('pseudo-header sum equals summing the 12 pseudo-header bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffff }), (s, d, len) => {
        const b = new Uint8Array(12);
        const v = new DataView(b.buffer);
        v.setUint32(0, s);
        v.setUint32(4, d);
        b[9] = 17;
        v.setUint16(10, len);
        expect(pseudoHeaderSum(s, d, 17, len)).toBe(onesSum(b, 0, 12));
      }),
    );
  });

  it('converts addresses both ways and rejects malformed text', () => {
    expect(ipv4('10.0.2.15')).toBe(0x0a00020f);
    expect(formatIpv4(0xc0a800c7)).toBe('192.168.0.199');
    expect(() => ipv4('10.0.2')).toThrow(/bad IPv4/);
    expect(() => ipv4('10.0.2.256')).toThrow(/bad IPv4/);
    expect(readMac(macBytes('52:54:00:AB:cd:ef'), 0)).toBe('52:54:00:ab:cd:ef');
    expect(() => macBytes('52:54:00')).toThrow(/bad MAC/);
    expect(isValidMac('52:54:00:12:34:56')).toBe(true);
    expect(isValidMac('52-54-00-12-34-56')).toBe(false);
  });
});
