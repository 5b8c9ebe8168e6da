// NETLINK_ROUTE requests (net/core/rtnetlink.c, net/ipv4/devinet.c, fib_frontend.c) answered
// from the IPv4 stack: RTM_GETLINK/GETADDR/GETROUTE (dumps end in NLMSG_DONE), RTM_NEWLINK /
// SETLINK (up/down, mtu), RTM_GETNEIGH dumps of the ARP cache, RTM_NEWADDR/DELADDR, RTM_NEWROUTE/DELROUTE, and NLMSG_ERROR with
// the error or an ack as Linux encodes it (an error quotes the whole request, an ack only its
// header). Routes are reported from the main table only.

import { EINVAL, ENODEV, EPERM } from '../../kernel/errno';
import { EOPNOTSUPP, ENETUNREACH } from '../../kernel/net/errno-net';
import { fibOrder, interfaceFlags, prefixToMask } from '../../kernel/net/ifreq';
import { AF_INET, type InterfaceInfo, type IpStack, type RouteEntry } from '../socket';
import {
  attr, attrIn, attrStr, attrU32, concat, emitIfAddr, emitIfInfo, emitMessage, emitRtMsg, inAttr, parseAttrs,
  parseIfAddr, parseIfInfo, parseRtMsg, strAttr, u32Attr, u8Attr, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDR_BYTES, NLM_F_ACK,
  NLM_F_DUMP, NLM_F_MULTI, RTM_DELADDR, RTM_DELROUTE, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE, RTM_NEWADDR,
  RTM_NEWLINK, RTM_NEWROUTE, RTM_SETLINK, IFLA_ADDRESS, IFLA_BROADCAST, IFLA_CARRIER, IFLA_IFNAME, IFLA_MTU,
  IFLA_OPERSTATE, IFLA_TXQLEN, IFLA_STATS, IFLA_LINKMODE, IFLA_QDISC, IFLA_GROUP, IFLA_PROMISCUITY,
  IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES, IFLA_MIN_MTU, IFLA_MAX_MTU, IFA_ADDRESS, IFA_LOCAL, IFA_LABEL,
  IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_F_PERMANENT, RTA_DST, RTA_GATEWAY, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_TABLE,
  RT_TABLE_MAIN, RTPROT_BOOT, RTPROT_KERNEL, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RTN_UNICAST,
  RTM_GETNEIGH, RTM_NEWNEIGH, NDA_DST, NDA_LLADDR, NDA_PROBES, NUD_INCOMPLETE, NUD_REACHABLE, emitNdMsg,
  type NlMsg,
} from './codec';

export interface RtnlContext {
  net: IpStack | undefined;
  /** CAP_NET_ADMIN: changes need it. */
  admin: boolean;
  /** The requesting socket's port id (replies carry it). */
  portId: number;
}

const ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
const IF_OPER_DOWN = 2, IF_OPER_UP = 6, IF_OPER_UNKNOWN = 0;
const MAC_ZERO = '00:00:00:00:00:00';

function macBytes(mac: string): Uint8Array {
  return Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16) & 0xff));
}

/** The replies to one request: zero or more messages, to be delivered as one datagram. */
export function handleRtnl(m: NlMsg, ctx: RtnlContext): Uint8Array[] {
  const dump = (m.flags & NLM_F_DUMP) === NLM_F_DUMP;
  if (dump && (m.type === RTM_GETLINK || m.type === RTM_GETADDR || m.type === RTM_GETROUTE || m.type === RTM_GETNEIGH)) {
    const parts = dumpOf(m, ctx);
    return [...parts, emitMessage(NLMSG_DONE, NLM_F_MULTI, m.seq, ctx.portId, new Uint8Array(4))];
  }
  const r = request(m, ctx);
  if (r instanceof Uint8Array) return [r];
  if (r === 0 && !(m.flags & NLM_F_ACK)) return [];
  return [errorMessage(m, r, ctx.portId)];
}

/** NLMSG_ERROR: the error (0 for an ack), then the request's header, or the whole request on error. */
export function errorMessage(m: NlMsg, error: number, portId: number): Uint8Array {
  const quoted = error === 0 ? m.raw.subarray(0, NLMSG_HDR_BYTES) : m.raw;
  const payload = new Uint8Array(4 + quoted.length);
  new DataView(payload.buffer).setInt32(0, error, true);
  payload.set(quoted, 4);
  return emitMessage(NLMSG_ERROR, error === 0 ? 0x100 : 0, m.seq, portId, payload);
}

function dumpOf(m: NlMsg, ctx: RtnlContext): Uint8Array[] {
  const net = ctx.net;
  if (!net) return [];
  const family = m.payload.length > 0 ? m.payload[0] : 0;
  const flags = NLM_F_MULTI;
  if (m.type === RTM_GETLINK) return net.interfaces().map((i) => linkMessage(i, RTM_NEWLINK, flags, m.seq, ctx.portId));
  if (family !== 0 && family !== AF_INET) return [];
  if (m.type === RTM_GETNEIGH) return neighMessages(net, m.seq, ctx.portId);
  if (m.type === RTM_GETADDR) {
    return net.interfaces().flatMap((i) => i.addresses.map((a) => addrMessage(i, a, RTM_NEWADDR, flags, m.seq, ctx.portId)));
  }
  return fibOrder(net.routes()).map((r) => routeMessage(net, r, RTM_NEWROUTE, flags, m.seq, ctx.portId));
}

/** The ARP cache as RTM_NEWNEIGH messages (ip neigh): complete entries REACHABLE, others INCOMPLETE. */
function neighMessages(net: IpStack, seq: number, portId: number): Uint8Array[] {
  const ifaces = net.interfaces();
  return net.arpTable().map((e) => {
    const index = ifaces.find((i) => i.name === e.ifname)?.index ?? 0;
    const hdr = emitNdMsg({ family: AF_INET, index, state: e.complete ? NUD_REACHABLE : NUD_INCOMPLETE, type: RTN_UNICAST });
    const attrs = [inAttr(NDA_DST, e.addr), ...(e.complete ? [attr(NDA_LLADDR, macBytes(e.mac))] : []), u32Attr(NDA_PROBES, 0)];
    return emitMessage(RTM_NEWNEIGH, NLM_F_MULTI, seq, portId, concat([hdr, ...attrs]));
  });
}

export function linkMessage(i: InterfaceInfo, type: number, flags: number, seq: number, portId: number): Uint8Array {
  const s = i.stats;
  // struct rtnl_link_stats: 23 u32 counters; the first eight are rx/tx packets, bytes, errors, dropped.
  const stats = new Uint8Array(23 * 4);
  const sv = new DataView(stats.buffer);
  [s.rxPackets, s.txPackets, s.rxBytes, s.txBytes, s.rxErrors, s.txErrors, s.rxDropped, s.txDropped].forEach((x, j) => sv.setUint32(4 * j, x >>> 0, true));
  const oper = i.loopback ? IF_OPER_UNKNOWN : i.up && i.linkUp ? IF_OPER_UP : IF_OPER_DOWN;
  const attrs = [
    strAttr(IFLA_IFNAME, i.name), u32Attr(IFLA_TXQLEN, 1000), u8Attr(IFLA_OPERSTATE, oper), u8Attr(IFLA_LINKMODE, 0),
    u32Attr(IFLA_MTU, i.mtuBytes), u32Attr(IFLA_MIN_MTU, i.loopback ? 0 : 68), u32Attr(IFLA_MAX_MTU, i.loopback ? 0 : 65535),
    u32Attr(IFLA_GROUP, 0), u32Attr(IFLA_PROMISCUITY, 0), u32Attr(IFLA_NUM_TX_QUEUES, 1), u32Attr(IFLA_NUM_RX_QUEUES, 1),
    u8Attr(IFLA_CARRIER, i.linkUp ? 1 : 0), strAttr(IFLA_QDISC, i.loopback ? 'noqueue' : 'pfifo_fast'),
    attr(IFLA_ADDRESS, macBytes(i.loopback ? MAC_ZERO : i.mac)),
    attr(IFLA_BROADCAST, macBytes(i.loopback ? MAC_ZERO : 'ff:ff:ff:ff:ff:ff')), attr(IFLA_STATS, stats),
  ];
  const hdr = emitIfInfo({ family: 0, type: i.loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER, index: i.index, flags: interfaceFlags(i, true), change: 0 });
  return emitMessage(type, flags, seq, portId, concat([hdr, ...attrs]));
}

export function addrMessage(i: InterfaceInfo, a: { addr: number; prefixLen: number }, type: number, flags: number, seq: number, portId: number): Uint8Array {
  const scope = i.loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
  const attrs = [inAttr(IFA_ADDRESS, a.addr), inAttr(IFA_LOCAL, a.addr)];
  if (!i.loopback && a.prefixLen < 31) attrs.push(inAttr(IFA_BROADCAST, (a.addr | ~prefixToMask(a.prefixLen)) >>> 0));
  // struct ifa_cacheinfo: preferred and valid lifetimes "forever", creation/update stamps (not modelled: 0).
  const cache = new Uint8Array(16);
  new DataView(cache.buffer).setUint32(0, 0xffffffff, true);
  new DataView(cache.buffer).setUint32(4, 0xffffffff, true);
  attrs.push(strAttr(IFA_LABEL, i.name), u32Attr(IFA_FLAGS, IFA_F_PERMANENT), attr(IFA_CACHEINFO, cache));
  const hdr = emitIfAddr({ family: AF_INET, prefixLen: a.prefixLen, flags: IFA_F_PERMANENT, scope, index: i.index });
  return emitMessage(type, flags, seq, portId, concat([hdr, ...attrs]));
}

export function routeMessage(net: IpStack, r: RouteEntry, type: number, flags: number, seq: number, portId: number): Uint8Array {
  const iface = net.interfaces().find((i) => i.name === r.ifname);
  const src = iface?.addresses.find((a) => ((a.addr ^ r.dest) & prefixToMask(a.prefixLen)) === 0 && a.prefixLen <= r.prefixLen);
  const connected = r.gateway === 0 && src !== undefined && src.prefixLen === r.prefixLen;
  const hdr = emitRtMsg({
    family: AF_INET, dstLen: r.prefixLen, srcLen: 0, tos: 0, table: RT_TABLE_MAIN, protocol: connected ? RTPROT_KERNEL : RTPROT_BOOT,
    scope: r.gateway === 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE, type: RTN_UNICAST, flags: 0,
  });
  const attrs = [u32Attr(RTA_TABLE, RT_TABLE_MAIN)];
  if (r.prefixLen > 0) attrs.push(inAttr(RTA_DST, r.dest));
  if (r.metric > 0) attrs.push(u32Attr(RTA_PRIORITY, r.metric));
  if (connected && src) attrs.push(inAttr(RTA_PREFSRC, src.addr));
  if (r.gateway !== 0) attrs.push(inAttr(RTA_GATEWAY, r.gateway));
  if (iface) attrs.push(u32Attr(RTA_OIF, iface.index));
  return emitMessage(type, flags, seq, portId, concat([hdr, ...attrs]));
}

/** A non-dump request: a reply message, 0 (success) or -errno. */
function request(m: NlMsg, ctx: RtnlContext): Uint8Array | number {
  const net = ctx.net;
  switch (m.type) {
    case RTM_GETLINK: {
      const i = findLink(net, m.payload);
      return typeof i === 'number' ? i : linkMessage(i, RTM_NEWLINK, 0, m.seq, ctx.portId);
    }
    case RTM_NEWLINK: case RTM_SETLINK: return ctx.admin ? setLink(net, m.payload) : -EPERM;
    case RTM_NEWADDR: case RTM_DELADDR: return ctx.admin ? changeAddr(net, m.type, m.payload) : -EPERM;
    case RTM_NEWROUTE: case RTM_DELROUTE: return ctx.admin ? changeRoute(net, m.type, m.payload) : -EPERM;
    case RTM_GETADDR: case RTM_GETROUTE: return -EOPNOTSUPP;
    default: return -EOPNOTSUPP;
  }
}

function findLink(net: IpStack | undefined, payload: Uint8Array): InterfaceInfo | number {
  const h = parseIfInfo(payload);
  if (!h) return -EINVAL;
  const name = attrStr(parseAttrs(payload.subarray(16)), IFLA_IFNAME);
  const i = net?.interfaces().find((x) => (h.index > 0 ? x.index === h.index : x.name === name));
  return i ?? -ENODEV;
}

function setLink(net: IpStack | undefined, payload: Uint8Array): number {
  const i = findLink(net, payload);
  if (typeof i === 'number' || !net) return typeof i === 'number' ? i : -ENODEV;
  const h = parseIfInfo(payload)!;
  const mtu = attrU32(parseAttrs(payload.subarray(16)), IFLA_MTU);
  if (mtu !== undefined) {
    const r = net.setMtu(i.name, mtu);
    if (r < 0) return r;
  }
  // rtnl_dev_combine_flags: ifi_change 0 means every flag comes from ifi_flags.
  const change = h.change === 0 ? 0xffffffff : h.change;
  if ((h.flags !== 0 || h.change !== 0) && change & 1) return net.setUp(i.name, (h.flags & 1) !== 0);
  return 0;
}

function changeAddr(net: IpStack | undefined, type: number, payload: Uint8Array): number {
  const h = parseIfAddr(payload);
  if (!h || h.family !== AF_INET || h.prefixLen > 32) return -EINVAL;
  const i = net?.interfaces().find((x) => x.index === h.index);
  if (!i || !net) return -ENODEV;
  const a = parseAttrs(payload.subarray(8));
  const addr = attrIn(a, IFA_LOCAL) ?? attrIn(a, IFA_ADDRESS);
  if (addr === undefined) return -EINVAL;
  const entry = { addr, prefixLen: h.prefixLen };
  return type === RTM_NEWADDR ? net.addAddress(i.name, entry) : net.removeAddress(i.name, entry);
}

function changeRoute(net: IpStack | undefined, type: number, payload: Uint8Array): number {
  const h = parseRtMsg(payload);
  if (!h || (h.family !== AF_INET && h.family !== 0) || h.dstLen > 32) return -EINVAL;
  if (!net) return -ENODEV;
  const a = parseAttrs(payload.subarray(12));
  const dest = attrIn(a, RTA_DST) ?? 0, gateway = attrIn(a, RTA_GATEWAY) ?? 0, oif = attrU32(a, RTA_OIF);
  if ((dest & ~prefixToMask(h.dstLen)) !== 0) return -EINVAL;
  let ifname: string | undefined;
  if (oif !== undefined) {
    ifname = net.interfaces().find((i) => i.index === oif)?.name;
    if (!ifname) return -ENODEV;
  } else {
    const via = gateway !== 0 ? gateway : dest;
    ifname = net.interfaces().find((i) => i.addresses.some((x) => ((x.addr ^ via) & prefixToMask(x.prefixLen)) === 0))?.name;
    if (!ifname) return -ENETUNREACH;
  }
  const route: RouteEntry = { dest, prefixLen: h.dstLen, gateway, ifname, metric: attrU32(a, RTA_PRIORITY) ?? 0 };
  return type === RTM_NEWROUTE ? net.addRoute(route) : net.removeRoute(route);
}
