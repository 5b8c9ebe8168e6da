import { describe, expect, it } from 'vitest';
import { BROADCAST_MAC, formatIpv4, ipv4 } from '../../../guest/net/wire/bytes';
import { ARP_REPLY, ARP_REQUEST } from '../../../guest/net/wire/arp';
import { DHCPACK, DHCPDISCOVER, DHCPNAK, DHCPOFFER, DHCPRELEASE, DHCPREQUEST, parseDhcp } from '../../../guest/net/wire/dhcp';
import { DNS_RCODE_NXDOMAIN, DNS_TYPE_A, DNS_TYPE_PTR, emitDns, parseDns, type DnsRepr } from '../../../guest/net/wire/dns';
import { arpFrame, icmpFrame, udpFrame, type DecodedFrame } from '../../../guest/net/wire/frame';
import { USER_DNS, USER_GATEWAY, virtualMac } from './addresses';
import { GUEST_MAC, ScriptedGuest } from './testing';

const GUEST_IP = ipv4('10.0.2.15');
const GW_MAC = virtualMac(USER_GATEWAY);
const HOST_IP = ipv4('93.184.216.34');
const OPTS = { dns: { 'example.com': '93.184.216.34', 'multi.test': ['10.1.0.1', '10.1.0.2'] }, hosts: [{ ip: '93.184.216.34', udpEchoPorts: [7], http: { port: 80, pages: { '/': '<html>hi</html>\n' } } }] };

function only<K extends DecodedFrame['kind']>(frames: DecodedFrame[], kind: K): Extract<DecodedFrame, { kind: K }> {
  expect(frames.map((f) => f.kind)).toEqual([kind]);
  return frames[0] as Extract<DecodedFrame, { kind: K }>;
}

function dnsQuery(name: string, type = DNS_TYPE_A): Uint8Array {
  const q: DnsRepr = { id: 77, response: false, opcode: 0, authoritative: false, truncated: false, recursionDesired: true, recursionAvailable: false, rcode: 0, questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [] };
  return udpFrame({ srcMac: GUEST_MAC, dstMac: virtualMac(USER_DNS), src: GUEST_IP, dst: USER_DNS }, { srcPort: 5353, dstPort: 53, payload: emitDns(q) });
}

describe('user network', () => {
  it('answers ARP for the gateway and DNS addresses only', () => {
    const g = new ScriptedGuest(OPTS);
    const ask = (ip: number): DecodedFrame[] => g.exchange(arpFrame({ srcMac: GUEST_MAC, dstMac: BROADCAST_MAC }, { operation: ARP_REQUEST, senderMac: GUEST_MAC, senderIp: GUEST_IP, targetMac: '00:00:00:00:00:00', targetIp: ip }));
    const r = only(ask(USER_GATEWAY), 'arp');
    expect(r.arp).toEqual({ operation: ARP_REPLY, senderMac: '52:55:0a:00:02:02', senderIp: USER_GATEWAY, targetMac: GUEST_MAC, targetIp: GUEST_IP });
    expect(r.eth.dst).toBe(GUEST_MAC);
    expect(only(ask(USER_DNS), 'arp').arp.senderMac).toBe('52:55:0a:00:02:03');
    expect(ask(ipv4('10.0.2.9'))).toEqual([]);
  });

  it('runs DHCP: DISCOVER → OFFER, REQUEST → ACK, wrong address → NAK, RELEASE frees', () => {
    const g = new ScriptedGuest(OPTS);
    const offer = only(g.dhcp(1, { messageType: DHCPDISCOVER, parameterList: [1, 3, 6], other: [] }), 'udp');
    expect(offer.eth.dst).toBe(BROADCAST_MAC);
    expect([offer.ip.src, offer.ip.dst, offer.udp.srcPort, offer.udp.dstPort]).toEqual([USER_GATEWAY, 0xffffffff, 67, 68]);
    const o = parseDhcp(offer.udp.payload);
    expect(o.ok && formatIpv4(o.value.yiaddr)).toBe('10.0.2.15');
    expect(o.ok && o.value.options).toEqual({ messageType: DHCPOFFER, serverId: USER_GATEWAY, leaseTimeS: 86400, subnetMask: ipv4('255.255.255.0'), router: [USER_GATEWAY], dns: [USER_DNS], other: [] });
    const ack = parseDhcp(only(g.dhcp(1, { messageType: DHCPREQUEST, requestedIp: GUEST_IP, serverId: USER_GATEWAY, other: [] }), 'udp').udp.payload);
    expect(ack.ok && [ack.value.options.messageType, ack.value.yiaddr, ack.value.xid]).toEqual([DHCPACK, GUEST_IP, 1]);
    // A renewal is unicast from the bound address (RFC 2131 §4.3.2, RENEWING).
    const renew = only(g.dhcp(2, { messageType: DHCPREQUEST, other: [] }, GUEST_IP, GUEST_IP), 'udp');
    expect([renew.ip.dst, renew.eth.dst]).toEqual([GUEST_IP, GUEST_MAC]);
    const nak = parseDhcp(only(g.dhcp(3, { messageType: DHCPREQUEST, requestedIp: ipv4('10.0.2.200'), other: [] }), 'udp').udp.payload);
    expect(nak.ok && nak.value.options.messageType).toBe(DHCPNAK);
    expect(g.net.dhcp.leaseOf(GUEST_MAC)).toBe(GUEST_IP);
    expect(g.dhcp(4, { messageType: DHCPRELEASE, other: [] }, GUEST_IP, GUEST_IP)).toEqual([]);
    expect(g.net.dhcp.leaseOf(GUEST_MAC)).toBeNull();
  });

  it('gives a second client the next address', () => {
    const g = new ScriptedGuest(OPTS);
    g.dhcp(1, { messageType: DHCPDISCOVER, other: [] });
    const second = g.net.dhcp.handle({ op: 1, hops: 0, xid: 5, secs: 0, flags: 0, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: '52:54:00:00:00:99', options: { messageType: DHCPDISCOVER, other: [] } });
    expect(second && formatIpv4(second.message.yiaddr)).toBe('10.0.2.16');
    expect(second?.broadcastFrame).toBe(false);
  });

  it('answers pings to the gateway and simulated hosts; other hosts are unreachable', () => {
    const g = new ScriptedGuest(OPTS);
    const ping = (dst: number): DecodedFrame[] => g.exchange(icmpFrame({ srcMac: GUEST_MAC, dstMac: GW_MAC, src: GUEST_IP, dst }, { kind: 'echoRequest', ident: 9, seq: 3, data: Uint8Array.from([1, 2, 3]) }));
    const r = only(ping(USER_GATEWAY), 'icmp');
    expect(r.icmp).toEqual({ kind: 'echoReply', ident: 9, seq: 3, data: Uint8Array.from([1, 2, 3]) });
    expect([r.ip.src, r.ip.dst, r.eth.src]).toEqual([USER_GATEWAY, GUEST_IP, GW_MAC]);
    expect(only(ping(HOST_IP), 'icmp').ip.src).toBe(HOST_IP);
    const un = only(ping(ipv4('8.8.8.8')), 'icmp');
    expect(un.icmp.kind === 'destUnreachable' && un.icmp.code).toBe(1);
  });

  it('serves DNS from its table: A, several A, PTR, NXDOMAIN, NODATA', () => {
    const g = new ScriptedGuest(OPTS);
    const ask = (name: string, type = DNS_TYPE_A): DnsRepr => {
      const u = only(g.exchange(dnsQuery(name, type)), 'udp');
      expect([u.ip.src, u.udp.srcPort, u.udp.dstPort]).toEqual([USER_DNS, 53, 5353]);
      const d = parseDns(u.udp.payload);
      if (!d.ok) throw new Error(d.error);
      return d.value;
    };
    const a = ask('Example.COM');
    expect([a.id, a.response, a.rcode, a.answers.map((x) => x.data)]).toEqual([77, true, 0, [{ type: 1, address: HOST_IP }]]);
    expect(ask('multi.test').answers.length).toBe(2);
    expect(ask('34.216.184.93.in-addr.arpa', DNS_TYPE_PTR).answers[0].data).toEqual({ type: DNS_TYPE_PTR, target: 'example.com' });
    expect(ask('nowhere.test').rcode).toBe(DNS_RCODE_NXDOMAIN);
    const aaaa = ask('example.com', 28);
    expect([aaaa.rcode, aaaa.answers]).toEqual([0, []]);
  });

  it('echoes UDP on the echo port and reports closed ports', () => {
    const g = new ScriptedGuest(OPTS);
    const send = (dst: number, port: number): DecodedFrame[] => g.exchange(udpFrame({ srcMac: GUEST_MAC, dstMac: GW_MAC, src: GUEST_IP, dst }, { srcPort: 4000, dstPort: port, payload: Uint8Array.from([104, 105]) }));
    const e = only(send(HOST_IP, 7), 'udp');
    expect([e.udp.srcPort, e.udp.dstPort, [...e.udp.payload]]).toEqual([7, 4000, [104, 105]]);
    const un = only(send(USER_GATEWAY, 9), 'icmp');
    expect(un.icmp.kind === 'destUnreachable' && un.icmp.code).toBe(3);
    expect(g.net.stats.udpEchoes).toBe(1);
  });

  it('counts malformed frames and drops them', () => {
    const g = new ScriptedGuest(OPTS);
    const f = dnsQuery('example.com');
    f[30] ^= 0xff;
    expect(g.exchange(f)).toEqual([]);
    expect(g.exchange(dnsQuery('example.com').subarray(0, 30))).toEqual([]);
    expect(g.net.stats.malformed).toBe(2);
    expect(g.exchange(new Uint8Array(20).fill(0xff))).toEqual([]);
    expect(g.net.stats.ignored).toBe(1);
  });
});
