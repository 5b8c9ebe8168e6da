// `-netdev user`: QEMU's built-in network, inside the simulation. One port on a hub plays the
// gateway (10.0.2.2: ARP, ping), the DHCP server, the DNS server (10.0.2.3) and any simulated
// hosts (addresses outside 10.0.2.0/24 reached through the gateway: ping, UDP echo, HTTP).
// Nothing leaves the simulation: anything else gets an ICMP unreachable from the gateway.
// Malformed frames are counted and dropped.

import type { EventScheduler } from '../../../emulator/time/scheduler';
import type { Prng } from '../../../emulator/random/prng';
import { BROADCAST_MAC, IPV4_BROADCAST, ipv4, type Ipv4Addr, type Mac } from '../../../guest/net/wire/bytes';
import { ARP_REPLY, ARP_REQUEST } from '../../../guest/net/wire/arp';
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT, emitDhcp, parseDhcp } from '../../../guest/net/wire/dhcp';
import { DNS_PORT, emitDns, parseDns } from '../../../guest/net/wire/dns';
import { arpFrame, decodeFrame, icmpFrame, tcpFrame, udpFrame, type DecodedFrame } from '../../../guest/net/wire/frame';
import { ICMP_UNREACH_PORT, icmpQuote } from '../../../guest/net/wire/icmpv4';
import { emitIpv4, type Ipv4Repr } from '../../../guest/net/wire/ipv4';
import type { TcpRepr } from '../../../guest/net/wire/tcp';
import type { UdpRepr } from '../../../guest/net/wire/udp';
import type { EthernetHub, HubPort } from '../link';
import { inUserNet, USER_BROADCAST, USER_DNS, USER_GATEWAY, virtualMac } from './addresses';
import { DhcpServer } from './dhcp-server';
import { answerDns, DnsTable } from './dns-server';
import { TcpResponder } from './tcp-responder';

const ICMP_UNREACH_HOST = 1;

export interface SimHostConfig {
  ip: string;
  udpEchoPorts?: number[];
  http?: { port: number; pages: Record<string, string> };
}

export interface UserNetOptions {
  /** Name → IPv4 address(es) served by 10.0.2.3 (the description's extra.dns / extra.hosts). */
  dns?: Record<string, string | string[]>;
  hosts?: SimHostConfig[];
}

export interface UserNetStats {
  rxFrames: number;
  malformed: number;
  ignored: number;
  arpReplies: number;
  icmpEchoReplies: number;
  dhcpReplies: number;
  dnsReplies: number;
  udpEchoes: number;
  unreachables: number;
}

interface SimHost {
  ip: Ipv4Addr;
  udpEchoPorts: readonly number[];
  http: TcpResponder | null;
}

export class UserNetwork {
  readonly stats: UserNetStats = { rxFrames: 0, malformed: 0, ignored: 0, arpReplies: 0, icmpEchoReplies: 0, dhcpReplies: 0, dnsReplies: 0, udpEchoes: 0, unreachables: 0 };
  readonly dhcp = new DhcpServer();
  private readonly dnsTable: DnsTable;
  private readonly hosts: SimHost[];
  private port: HubPort | null = null;
  private ident = 0;

  constructor(sched: EventScheduler, prng: Prng, opts: UserNetOptions = {}) {
    this.dnsTable = new DnsTable(opts.dns ?? {});
    this.hosts = (opts.hosts ?? []).map((h) => {
      const ip = ipv4(h.ip);
      const http = h.http ? new TcpResponder(sched, prng.fork(`user:tcp:${h.ip}`), h.http.port, h.http.pages, (dstMac, dst, seg) => this.sendTcp(ip, dstMac, dst, seg)) : null;
      return { ip, udpEchoPorts: h.udpEchoPorts ?? [], http };
    });
  }

  attach(hub: EthernetHub, portName = 'user'): HubPort {
    this.port = hub.attach(portName, (f) => this.receive(f));
    return this.port;
  }

  receive(frame: Uint8Array): void {
    this.stats.rxFrames++;
    const d = decodeFrame(frame);
    if (!d.ok) {
      this.stats.malformed++;
      return;
    }
    const handled = this.dispatch(d.value);
    if (!handled) this.stats.ignored++;
  }

  private dispatch(d: DecodedFrame): boolean {
    const eth = d.eth;
    if (eth.dst !== BROADCAST_MAC && !eth.dst.startsWith('52:55:')) return false;
    switch (d.kind) {
      case 'arp':
        return this.arp(d.arp.operation, eth.src, d.arp.senderIp, d.arp.targetIp);
      case 'icmp':
        return this.icmp(d);
      case 'udp':
        return this.udp(eth.src, d.ip, d.udp);
      case 'tcp':
        return this.tcp(eth.src, d.ip, d.tcp);
      default:
        return false;
    }
  }

  private isVirtual(ip: Ipv4Addr): boolean {
    return ip === USER_GATEWAY || ip === USER_DNS || this.hosts.some((h) => h.ip === ip);
  }

  private arp(op: number, srcMac: Mac, senderIp: Ipv4Addr, targetIp: Ipv4Addr): boolean {
    // Only the gateway and DNS live on the link; simulated hosts are reached through the gateway.
    if (op !== ARP_REQUEST || (targetIp !== USER_GATEWAY && targetIp !== USER_DNS)) return false;
    const mac = virtualMac(targetIp);
    this.stats.arpReplies++;
    this.send(arpFrame({ srcMac: mac, dstMac: srcMac }, { operation: ARP_REPLY, senderMac: mac, senderIp: targetIp, targetMac: srcMac, targetIp: senderIp }));
    return true;
  }

  private icmp(d: Extract<DecodedFrame, { kind: 'icmp' }>): boolean {
    const { ip, icmp, eth } = d;
    if (icmp.kind !== 'echoRequest') return false;
    if (!this.isVirtual(ip.dst)) return this.unreachable(eth.src, ip, ICMP_UNREACH_HOST);
    this.stats.icmpEchoReplies++;
    this.send(icmpFrame(this.l3(ip.dst, eth.src, ip.src), { kind: 'echoReply', ident: icmp.ident, seq: icmp.seq, data: icmp.data }));
    return true;
  }

  private udp(srcMac: Mac, ip: Ipv4Repr, udp: UdpRepr): boolean {
    if (udp.dstPort === DHCP_SERVER_PORT && (ip.dst === IPV4_BROADCAST || ip.dst === USER_GATEWAY || ip.dst === USER_BROADCAST)) return this.dhcpRequest(udp);
    if (ip.dst === USER_DNS && udp.dstPort === DNS_PORT) return this.dnsQuery(srcMac, ip, udp);
    const host = this.hosts.find((h) => h.ip === ip.dst);
    if (host && host.udpEchoPorts.includes(udp.dstPort)) {
      this.stats.udpEchoes++;
      this.send(udpFrame(this.l3(ip.dst, srcMac, ip.src), { srcPort: udp.dstPort, dstPort: udp.srcPort, payload: udp.payload }));
      return true;
    }
    if (ip.dst === IPV4_BROADCAST || ip.dst === USER_BROADCAST) return false;
    return this.unreachable(srcMac, ip, this.isVirtual(ip.dst) ? ICMP_UNREACH_PORT : ICMP_UNREACH_HOST);
  }

  private tcp(srcMac: Mac, ip: Ipv4Repr, tcp: TcpRepr): boolean {
    const host = this.hosts.find((h) => h.ip === ip.dst);
    if (host?.http) {
      host.http.segment(srcMac, ip.src, tcp);
      return true;
    }
    if (!this.isVirtual(ip.dst)) return this.unreachable(srcMac, ip, ICMP_UNREACH_HOST);
    TcpResponder.resetFor(tcp, (seg) => this.sendTcp(ip.dst, srcMac, ip.src, seg));
    return true;
  }

  private dhcpRequest(udp: UdpRepr): boolean {
    const m = parseDhcp(udp.payload);
    if (!m.ok) {
      this.stats.malformed++;
      return true;
    }
    const r = this.dhcp.handle(m.value);
    if (!r) return false;
    this.stats.dhcpReplies++;
    const dstMac = r.broadcastFrame ? BROADCAST_MAC : m.value.chaddr;
    this.send(udpFrame(this.l3(USER_GATEWAY, dstMac, r.dstIp), { srcPort: DHCP_SERVER_PORT, dstPort: DHCP_CLIENT_PORT, payload: emitDhcp(r.message) }));
    return true;
  }

  private dnsQuery(srcMac: Mac, ip: Ipv4Repr, udp: UdpRepr): boolean {
    const q = parseDns(udp.payload);
    if (!q.ok) {
      this.stats.malformed++;
      return true;
    }
    const answer = answerDns(q.value, this.dnsTable);
    if (!answer) return false;
    this.stats.dnsReplies++;
    this.send(udpFrame(this.l3(USER_DNS, srcMac, ip.src), { srcPort: DNS_PORT, dstPort: udp.srcPort, payload: emitDns(answer) }));
    return true;
  }

  /** ICMP destination unreachable from the gateway, quoting the offending datagram. */
  private unreachable(srcMac: Mac, ip: Ipv4Repr, code: number): boolean {
    if (!inUserNet(ip.src)) return false;
    this.stats.unreachables++;
    const quoted = icmpQuote(emitIpv4(ip));
    this.send(icmpFrame(this.l3(USER_GATEWAY, srcMac, ip.src), { kind: 'destUnreachable', code, nextHopMtu: 0, original: quoted }));
    return true;
  }

  private sendTcp(from: Ipv4Addr, dstMac: Mac, dst: Ipv4Addr, seg: TcpRepr): void {
    this.send(tcpFrame(this.l3(from, dstMac, dst), seg));
  }

  /** Replies from addresses outside the link still come from the gateway's MAC (routed). */
  private l3(src: Ipv4Addr, dstMac: Mac, dst: Ipv4Addr): { srcMac: Mac; dstMac: Mac; src: Ipv4Addr; dst: Ipv4Addr; ident: number } {
    const srcMac = inUserNet(src) ? virtualMac(src) : virtualMac(USER_GATEWAY);
    this.ident = (this.ident + 1) & 0xffff;
    return { srcMac, dstMac, src, dst, ident: this.ident };
  }

  private send(frame: Uint8Array): void {
    this.port?.send(frame);
  }
}
