// A scripted guest on a hub with the user network, for tests and the pcap oracle: it sends
// hand-built frames and collects decoded replies.

import { EventScheduler } from '../../../emulator/time/scheduler';
import { Prng } from '../../../emulator/random/prng';
import { BROADCAST_MAC, ipv4, type Ipv4Addr } from '../../../guest/net/wire/bytes';
import { emitDns, parseDns } from '../../../guest/net/wire/dns';
import { BOOTREQUEST, DHCP_CLIENT_PORT, DHCP_FLAG_BROADCAST, DHCP_SERVER_PORT, emitDhcp, type DhcpOptions } from '../../../guest/net/wire/dhcp';
import { arpFrame, decodeFrame, icmpFrame, tcpFrame, udpFrame, type DecodedFrame } from '../../../guest/net/wire/frame';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, type TcpRepr } from '../../../guest/net/wire/tcp';
import { EthernetHub, type HubPort } from '../link';
import { PcapWriter } from '../pcap';
import { USER_DNS, USER_GATEWAY, virtualMac } from './addresses';
import { UserNetwork, type UserNetOptions } from './network';

export const GUEST_MAC = '52:54:00:12:34:56';

export class ScriptedGuest {
  readonly sched = new EventScheduler();
  readonly hub: EthernetHub;
  readonly net: UserNetwork;
  readonly port: HubPort;
  readonly pcap = new PcapWriter(true);
  readonly inbox: DecodedFrame[] = [];
  readonly undecodable: string[] = [];

  constructor(opts: UserNetOptions = {}, seed = 1, readonly mac = GUEST_MAC) {
    const prng = new Prng(seed);
    this.hub = new EthernetHub('user0', this.sched, prng);
    this.hub.addTap((t, f) => this.pcap.add(t, f));
    this.net = new UserNetwork(this.sched, prng.fork('user-net'), opts);
    this.net.attach(this.hub);
    this.port = this.hub.attach('guest', (f) => {
      const d = decodeFrame(f);
      if (d.ok) this.inbox.push(d.value);
      else this.undecodable.push(d.error);
    });
  }

  /** Sends a frame and runs the simulation for `forNs`; returns what arrived meanwhile. */
  exchange(frame: Uint8Array, forNs = 1_000_000): DecodedFrame[] {
    this.port.send(frame);
    return this.run(forNs);
  }

  run(forNs: number): DecodedFrame[] {
    this.sched.runUntil(this.sched.now + forNs);
    return this.inbox.splice(0);
  }

  dhcp(xid: number, options: DhcpOptions, ciaddr = 0, src = 0): DecodedFrame[] {
    const payload = emitDhcp({ op: BOOTREQUEST, hops: 0, xid, secs: 0, flags: ciaddr ? 0 : DHCP_FLAG_BROADCAST, ciaddr, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: this.mac, options });
    const dst = ciaddr ? USER_GATEWAY : 0xffffffff;
    return this.exchange(udpFrame({ srcMac: this.mac, dstMac: ciaddr ? virtualMac(USER_GATEWAY) : BROADCAST_MAC, src, dst }, { srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload }));
  }

  tcp(src: Ipv4Addr, dst: Ipv4Addr, seg: TcpRepr, forNs = 1_000_000): DecodedFrame[] {
    return this.exchange(tcpFrame({ srcMac: this.mac, dstMac: virtualMac(USER_GATEWAY), src, dst }, seg), forNs);
  }
}

const ascii = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

/**
 * A whole guest session against the user network, as a real client would run it: DHCP DORA,
 * ARP for the gateway, ping, a DNS lookup, and an HTTP/1.0 fetch from a simulated host.
 * Returns the HTTP response text.
 */
export function runSampleSession(g: ScriptedGuest): string {
  const ip = ipv4('10.0.2.15');
  const gwMac = virtualMac(USER_GATEWAY);
  g.dhcp(0x1001, { messageType: 1, parameterList: [1, 3, 6, 51, 54], other: [] });
  g.dhcp(0x1001, { messageType: 3, requestedIp: ip, serverId: USER_GATEWAY, other: [] });
  g.exchange(arpFrame({ srcMac: g.mac, dstMac: BROADCAST_MAC }, { operation: 1, senderMac: g.mac, senderIp: ip, targetMac: '00:00:00:00:00:00', targetIp: USER_GATEWAY }));
  g.exchange(icmpFrame({ srcMac: g.mac, dstMac: gwMac, src: ip, dst: USER_GATEWAY, ident: 1 }, { kind: 'echoRequest', ident: 0x77, seq: 1, data: ascii('abcdefghijklmnopqrstuvwabcdefghi') }));
  const query = emitDns({ id: 0x4242, response: false, opcode: 0, authoritative: false, truncated: false, recursionDesired: true, recursionAvailable: false, rcode: 0, questions: [{ name: 'example.com', type: 1, class: 1 }], answers: [], authorities: [], additionals: [] });
  const dnsReply = g.exchange(udpFrame({ srcMac: g.mac, dstMac: virtualMac(USER_DNS), src: ip, dst: USER_DNS, ident: 2 }, { srcPort: 41000, dstPort: 53, payload: query }));
  const answer = dnsReply[0]?.kind === 'udp' ? parseDns(dnsReply[0].udp.payload) : null;
  const a = answer?.ok ? answer.value.answers[0]?.data : undefined;
  if (!a || !('address' in a) || typeof a.address !== 'number') throw new Error('sample session: no A record for example.com');
  return httpGet(g, ip, a.address);
}

function httpGet(g: ScriptedGuest, ip: Ipv4Addr, server: Ipv4Addr): string {
  const seg = (seq: number, ack: number, flags: number, payload: Uint8Array = new Uint8Array(0)): TcpRepr => ({ srcPort: 45000, dstPort: 80, seq, ack, flags, window: 64240, urgent: 0, options: flags & TCP_SYN ? { mss: 1460 } : {}, payload });
  const [synAck] = tcpOf(g.tcp(ip, server, seg(9000, 0, TCP_SYN)));
  let rcv = (synAck.seq + 1) >>> 0;
  const req = ascii('GET / HTTP/1.0\r\nHost: example.com\r\n\r\n');
  g.tcp(ip, server, seg(9001, rcv, TCP_ACK));
  const segs = tcpOf(g.tcp(ip, server, seg(9001, rcv, TCP_ACK | TCP_PSH, req)));
  let body = '';
  let fin = false;
  for (const s of segs) {
    body += String.fromCharCode(...s.payload);
    rcv = (s.seq + s.payload.length + (s.flags & TCP_FIN ? 1 : 0)) >>> 0;
    fin ||= (s.flags & TCP_FIN) !== 0;
    g.tcp(ip, server, seg(9001 + req.length, rcv, TCP_ACK));
  }
  if (fin) g.tcp(ip, server, seg(9001 + req.length, rcv, TCP_FIN | TCP_ACK));
  return body;
}

function tcpOf(frames: DecodedFrame[]): TcpRepr[] {
  return frames.flatMap((f) => (f.kind === 'tcp' ? [f.tcp] : []));
}
