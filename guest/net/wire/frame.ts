// Whole frames: builders for the common Ethernet/IPv4/{UDP,TCP,ICMP} stacks and one decoder that
// peels every layer the wire folder knows. Used by the host-side network models and by tests.

import { ok, type Ipv4Addr, type Mac, type Parsed } from './bytes';
import { emitEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4, parseEthernet, type EthernetRepr } from './ethernet';
import { emitArp, parseArp, type ArpRepr } from './arp';
import { emitIpv4, IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP, parseIpv4, simpleIpv4, type Ipv4Repr } from './ipv4';
import { emitIcmpv4, parseIcmpv4, type Icmpv4Repr } from './icmpv4';
import { emitUdp, parseUdp, type UdpRepr } from './udp';
import { emitTcp, parseTcp, type TcpRepr } from './tcp';

export interface L2Addrs {
  srcMac: Mac;
  dstMac: Mac;
}

export interface L3Addrs extends L2Addrs {
  src: Ipv4Addr;
  dst: Ipv4Addr;
  ident?: number;
}

export function arpFrame(l2: L2Addrs, arp: ArpRepr): Uint8Array {
  return emitEthernet({ dst: l2.dstMac, src: l2.srcMac, ethertype: ETHERTYPE_ARP, payload: emitArp(arp) }, true);
}

function ipFrame(a: L3Addrs, protocol: number, payload: Uint8Array): Uint8Array {
  const ip = emitIpv4(simpleIpv4(a.src, a.dst, protocol, payload, a.ident ?? 0));
  return emitEthernet({ dst: a.dstMac, src: a.srcMac, ethertype: ETHERTYPE_IPV4, payload: ip }, true);
}

export function udpFrame(a: L3Addrs, udp: UdpRepr): Uint8Array {
  return ipFrame(a, IP_PROTO_UDP, emitUdp(udp, a.src, a.dst));
}

export function tcpFrame(a: L3Addrs, tcp: TcpRepr): Uint8Array {
  return ipFrame(a, IP_PROTO_TCP, emitTcp(tcp, a.src, a.dst));
}

export function icmpFrame(a: L3Addrs, icmp: Icmpv4Repr): Uint8Array {
  return ipFrame(a, IP_PROTO_ICMP, emitIcmpv4(icmp));
}

export type DecodedFrame =
  | { kind: 'arp'; eth: EthernetRepr; arp: ArpRepr }
  | { kind: 'udp'; eth: EthernetRepr; ip: Ipv4Repr; udp: UdpRepr }
  | { kind: 'tcp'; eth: EthernetRepr; ip: Ipv4Repr; tcp: TcpRepr }
  | { kind: 'icmp'; eth: EthernetRepr; ip: Ipv4Repr; icmp: Icmpv4Repr }
  | { kind: 'ipv4'; eth: EthernetRepr; ip: Ipv4Repr }
  | { kind: 'ethernet'; eth: EthernetRepr };

/** Decodes as deep as it can; any checksum or format error in a known layer is an error. */
export function decodeFrame(frame: Uint8Array): Parsed<DecodedFrame> {
  const eth = parseEthernet(frame);
  if (!eth.ok) return eth;
  if (eth.value.ethertype === ETHERTYPE_ARP) {
    const arp = parseArp(eth.value.payload);
    return arp.ok ? ok({ kind: 'arp', eth: eth.value, arp: arp.value }) : arp;
  }
  if (eth.value.ethertype !== ETHERTYPE_IPV4) return ok({ kind: 'ethernet', eth: eth.value });
  const ip = parseIpv4(eth.value.payload);
  if (!ip.ok) return ip;
  const i = ip.value;
  // Only a first fragment carries the transport header; later ones are opaque here.
  if (i.fragmentOffsetBytes !== 0 || i.moreFragments) return ok({ kind: 'ipv4', eth: eth.value, ip: i });
  if (i.protocol === IP_PROTO_UDP) {
    const udp = parseUdp(i.payload, i.src, i.dst);
    return udp.ok ? ok({ kind: 'udp', eth: eth.value, ip: i, udp: udp.value }) : udp;
  }
  if (i.protocol === IP_PROTO_TCP) {
    const tcp = parseTcp(i.payload, i.src, i.dst);
    return tcp.ok ? ok({ kind: 'tcp', eth: eth.value, ip: i, tcp: tcp.value }) : tcp;
  }
  if (i.protocol === IP_PROTO_ICMP) {
    const icmp = parseIcmpv4(i.payload);
    return icmp.ok ? ok({ kind: 'icmp', eth: eth.value, ip: i, icmp: icmp.value }) : icmp;
  }
  return ok({ kind: 'ipv4', eth: eth.value, ip: i });
}
