import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  IFREQ_BYTES, emitIfreq, emitRtentry, emitSockaddrIn, emitSockaddrNl, formatIpv4, ifreqAddr, ifreqHwaddr, ifreqInt,
  ifreqName, intUnion, maskToPrefix, netStrerror, parseIpv4, parseSockaddrIn, prefixToMask,
} from './socket';

describe('socket structs', () => {
  it('sockaddr_in is family LE, port and address in network order', () => {
    const b = emitSockaddrIn({ addr: parseIpv4('10.0.2.15')!, port: 8080 });
    expect([...b]).toEqual([2, 0, 0x1f, 0x90, 10, 0, 2, 15, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseSockaddrIn(b)).toEqual({ addr: 0x0a00020f, port: 8080 });
  });

  it('sockaddr_in round-trips every address and port', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 65535 }), (addr, port) => {
      expect(parseSockaddrIn(emitSockaddrIn({ addr, port }))).toEqual({ addr, port });
    }));
  });

  it('refuses other families and short buffers', () => {
    expect(parseSockaddrIn(new Uint8Array(4))).toBeUndefined();
    expect(parseSockaddrIn(emitSockaddrNl(0, 0))).toBeUndefined();
  });

  it('sockaddr_nl is 12 bytes: family 16, pid, groups', () => {
    expect([...emitSockaddrNl(5, 1)]).toEqual([16, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('ifreq holds a 16-byte name and the union', () => {
    const r = emitIfreq('eth0', emitSockaddrIn({ addr: parseIpv4('255.255.255.0')!, port: 0 }));
    expect(r.length).toBe(IFREQ_BYTES);
    expect(ifreqName(r)).toBe('eth0');
    expect(formatIpv4(ifreqAddr(r)!)).toBe('255.255.255.0');
    expect(ifreqInt(emitIfreq('lo', intUnion(1500)))).toBe(1500);
    const hw = emitIfreq('eth0', new Uint8Array([1, 0, 0x52, 0x54, 0, 0x12, 0x34, 0x56]));
    expect(ifreqHwaddr(hw)).toEqual({ family: 1, mac: '52:54:00:12:34:56' });
    expect(ifreqName(emitIfreq('a-very-long-interface-name'))).toBe('a-very-long-int');
  });

  it('rtentry puts dst/gateway/genmask, flags, metric+1 and the device pointer at LP64 offsets', () => {
    const b = emitRtentry({ dest: 0, gateway: parseIpv4('10.0.2.2')!, mask: 0, flags: 3, metric: 0, devPtr: 0x1000 });
    const v = new DataView(b.buffer);
    expect(b.length).toBe(120);
    expect(parseSockaddrIn(b.subarray(24, 40))?.addr).toBe(0x0a000202);
    expect(v.getUint16(56, true)).toBe(3);
    expect(v.getInt16(80, true)).toBe(1);
    expect(v.getBigUint64(88, true)).toBe(0x1000n);
  });
});

describe('addresses', () => {
  it('parses dotted quads strictly', () => {
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIpv4('256.1.1.1')).toBeUndefined();
    expect(parseIpv4('1.2.3')).toBeUndefined();
    expect(parseIpv4('example.com')).toBeUndefined();
  });

  it('converts masks and prefixes', () => {
    expect(formatIpv4(prefixToMask(24))).toBe('255.255.255.0');
    expect(prefixToMask(0)).toBe(0);
    expect(prefixToMask(32)).toBe(0xffffffff);
    expect(maskToPrefix(0xffffff00)).toBe(24);
    expect(maskToPrefix(0xff00ff00)).toBeUndefined();
    for (let n = 0; n <= 32; n++) expect(maskToPrefix(prefixToMask(n))).toBe(n);
  });

  it('has glibc texts for socket errnos', () => {
    expect(netStrerror(-111)).toBe('Connection refused');
    expect(netStrerror(-110)).toBe('Connection timed out');
    expect(netStrerror(-2)).toBe('No such file or directory');
  });
});
