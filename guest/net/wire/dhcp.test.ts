import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOOTREQUEST, DHCPDISCOVER, emitDhcp, parseDhcp } from './dhcp';
import { dhcpRepr } from './testing/arbitraries';

const DISCOVER = {
  op: BOOTREQUEST, hops: 0, xid: 0x3903f326, secs: 0, flags: 0, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: '00:0b:82:01:fc:42',
  options: { messageType: DHCPDISCOVER, requestedIp: 0, parameterList: [1, 3, 58, 59], other: [] },
};

describe('dhcp', () => {
  it('round-trips', () => {
    fc.assert(fc.property(dhcpRepr, (r) => { expect(parseDhcp(emitDhcp(r))).toEqual({ ok: true, value: r }); }));
  });

  it('pads to the 300-byte BOOTP minimum and ends options with END', () => {
    const b = emitDhcp(DISCOVER);
    expect(b.length).toBe(300);
    expect([...b.subarray(236, 240)]).toEqual([99, 130, 83, 99]);
    expect([...b.subarray(240, 243)]).toEqual([53, 1, 1]);
  });

  it('rejects plain BOOTP, non-Ethernet, missing END and truncated options', () => {
    const b = emitDhcp(DISCOVER);
    const mod = (i: number, v: number): Uint8Array => {
      const c = b.slice();
      c[i] = v;
      return c;
    };
    expect(parseDhcp(mod(236, 0)).ok).toBe(false);
    expect(parseDhcp(mod(1, 6)).ok).toBe(false);
    expect(parseDhcp(mod(0, 3)).ok).toBe(false);
    expect(parseDhcp(b.subarray(0, 245))).toMatchObject({ ok: false });
    expect(parseDhcp(mod(242, 9))).toMatchObject({ ok: false, error: expect.stringMatching(/option 53/) });
    expect(parseDhcp(b.subarray(0, 200)).ok).toBe(false);
  });
});
