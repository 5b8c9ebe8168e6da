// rtnetlink as `ip` uses it: requests built and replies read with the one netlink codec the
// kernel answers with (guest/net/netlink/codec.ts: nlmsghdr, ifinfomsg, ifaddrmsg, rtmsg, rtattr
// TLVs), plus the reply records the applet prints. Malformed input is reported, never thrown.

import {
  NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
  RTM_DELADDR, RTM_DELROUTE, RTM_GETADDR, RTM_GETLINK, RTM_GETROUTE, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE,
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_BOOT,
  attr, emitIfAddr, emitIfInfo, emitRtMsg, emitMessage as emitNl, inAttr, parseAttrs, parseMessages, u32Attr, type NlMsg,
} from '../../../net/netlink/codec';

export {
  NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
  RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RT_TABLE_MAIN, RTN_UNICAST, RTPROT_BOOT,
  attr as emitAttr, inAttr, parseAttrs, parseMessages, u32Attr,
};
export const RTM = {
  NEWLINK: RTM_NEWLINK, GETLINK: RTM_GETLINK, NEWADDR: RTM_NEWADDR, DELADDR: RTM_DELADDR, GETADDR: RTM_GETADDR,
  NEWROUTE: RTM_NEWROUTE, DELROUTE: RTM_DELROUTE, GETROUTE: RTM_GETROUTE,
} as const;
export const IFLA = { ADDRESS: 1, BROADCAST: 2, IFNAME: 3, MTU: 4, QDISC: 6, TXQLEN: 13, OPERSTATE: 16 } as const;
export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4 } as const;
export const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, TABLE: 15 } as const;
const AF_INET = 2, AF_UNSPEC = 0;

export type NlMessage = NlMsg;
export type Attrs = Map<number, Uint8Array>;

/** One request from this process (nlmsg_pid 0: the kernel fills in the port). */
export function emitMessage(type: number, flags: number, seq: number, body: Uint8Array, attrs: readonly Uint8Array[] = []): Uint8Array {
  const payload = new Uint8Array(((body.length + 3) & ~3) + attrs.reduce((n, a) => n + a.length, 0));
  payload.set(body);
  let at = (body.length + 3) & ~3;
  for (const a of attrs) {
    payload.set(a, at);
    at += a.length;
  }
  return emitNl(type, flags, seq, 0, payload);
}

/** NLMSG_ERROR's code (0 = ack, else -errno). */
export function errorCode(m: NlMessage): number {
  return m.payload.length >= 4 ? new DataView(m.payload.buffer, m.payload.byteOffset, 4).getInt32(0, true) : -22;
}

export const attrU32 = (a: Uint8Array | undefined): number | undefined => (a && a.length >= 4 ? new DataView(a.buffer, a.byteOffset, 4).getUint32(0, true) : undefined);
export const attrIn = (a: Uint8Array | undefined): number | undefined => (a && a.length >= 4 ? new DataView(a.buffer, a.byteOffset, 4).getUint32(0, false) : undefined);
export const attrStr = (a: Uint8Array | undefined): string | undefined => (a ? new TextDecoder().decode(a.subarray(0, a.indexOf(0) < 0 ? a.length : a.indexOf(0))) : undefined);
export const attrMac = (a: Uint8Array | undefined): string | undefined => (a ? [...a].map((x) => x.toString(16).padStart(2, '0')).join(':') : undefined);

export function ifinfomsg(index: number, flags: number, change: number): Uint8Array {
  return emitIfInfo({ family: AF_UNSPEC, type: 0, index, flags, change });
}

export function ifaddrmsg(prefixLen: number, scope: number, index: number): Uint8Array {
  return emitIfAddr({ family: AF_INET, prefixLen, flags: 0, scope, index });
}

export function rtmsg(dstLen: number, scope: number, protocol = RTPROT_BOOT): Uint8Array {
  return emitRtMsg({ family: AF_INET, dstLen, srcLen: 0, tos: 0, table: RT_TABLE_MAIN, protocol, scope, type: RTN_UNICAST, flags: 0 });
}

export interface LinkInfo {
  index: number;
  type: number;
  flags: number;
  name: string;
  mtu?: number;
  qdisc?: string;
  txqlen?: number;
  address?: string;
  broadcast?: string;
}

export function parseLink(m: NlMessage): LinkInfo | undefined {
  if (m.type !== RTM.NEWLINK || m.payload.length < 16) return undefined;
  const v = new DataView(m.payload.buffer, m.payload.byteOffset, 16);
  const a = parseAttrs(m.payload.subarray(16));
  return {
    index: v.getInt32(4, true), type: v.getUint16(2, true), flags: v.getUint32(8, true), name: attrStr(a.get(IFLA.IFNAME)) ?? '?',
    mtu: attrU32(a.get(IFLA.MTU)), qdisc: attrStr(a.get(IFLA.QDISC)), txqlen: attrU32(a.get(IFLA.TXQLEN)),
    address: attrMac(a.get(IFLA.ADDRESS)), broadcast: attrMac(a.get(IFLA.BROADCAST)),
  };
}

export interface AddrInfo {
  index: number;
  prefixLen: number;
  scope: number;
  local: number;
  broadcast?: number;
  label?: string;
}

export function parseAddr(m: NlMessage): AddrInfo | undefined {
  if (m.type !== RTM.NEWADDR || m.payload.length < 8 || m.payload[0] !== AF_INET) return undefined;
  const a = parseAttrs(m.payload.subarray(8));
  const local = attrIn(a.get(IFA.LOCAL)) ?? attrIn(a.get(IFA.ADDRESS));
  if (local === undefined) return undefined;
  return {
    index: new DataView(m.payload.buffer, m.payload.byteOffset + 4, 4).getUint32(0, true), prefixLen: m.payload[1]!, scope: m.payload[3]!,
    local, broadcast: attrIn(a.get(IFA.BROADCAST)), label: attrStr(a.get(IFA.LABEL)),
  };
}

export interface RouteInfo {
  dstLen: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  dst?: number;
  gateway?: number;
  oif?: number;
  prefsrc?: number;
  priority?: number;
}

export function parseRoute(m: NlMessage): RouteInfo | undefined {
  if (m.type !== RTM.NEWROUTE || m.payload.length < 12 || m.payload[0] !== AF_INET) return undefined;
  const p = m.payload;
  const a = parseAttrs(p.subarray(12));
  return {
    dstLen: p[1]!, table: attrU32(a.get(RTA.TABLE)) ?? p[4]!, protocol: p[5]!, scope: p[6]!, type: p[7]!,
    dst: attrIn(a.get(RTA.DST)), gateway: attrIn(a.get(RTA.GATEWAY)), oif: attrU32(a.get(RTA.OIF)),
    prefsrc: attrIn(a.get(RTA.PREFSRC)), priority: attrU32(a.get(RTA.PRIORITY)),
  };
}
