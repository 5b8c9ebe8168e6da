// Netlink framing (include/uapi/linux/netlink.h, rtnetlink.h): struct nlmsghdr (16 bytes),
// attributes (struct rtattr / nlattr: u16 len, u16 type, payload, padded to 4), and the
// rtnetlink headers ifinfomsg (16), ifaddrmsg (8) and rtmsg (12). Pure parse/emit; parsing
// never throws and stops at the first malformed header.

export const NLMSG_HDR_BYTES = 16;
export const NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_ECHO = 0x8;
export const NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = 0x300;
export const NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
export const RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19;
export const RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26, RTM_NEWNEIGH = 28, RTM_GETNEIGH = 30;
export const NDA_DST = 1, NDA_LLADDR = 2, NDA_PROBES = 4;
export const NUD_INCOMPLETE = 0x01, NUD_REACHABLE = 0x02;

export const IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_QDISC = 6, IFLA_STATS = 7;
export const IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_LINKMODE = 17, IFLA_STATS64 = 23, IFLA_GROUP = 27;
export const IFLA_PROMISCUITY = 30, IFLA_NUM_TX_QUEUES = 31, IFLA_NUM_RX_QUEUES = 32, IFLA_CARRIER = 33;
export const IFLA_MIN_MTU = 50, IFLA_MAX_MTU = 51;
export const IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_CACHEINFO = 6, IFA_FLAGS = 8;
export const RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6, RTA_PREFSRC = 7, RTA_TABLE = 15;
export const RT_TABLE_UNSPEC = 0, RT_TABLE_MAIN = 254;
export const RTPROT_KERNEL = 2, RTPROT_BOOT = 3;
export const RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254;
export const RTN_UNICAST = 1;
export const IFA_F_PERMANENT = 0x80;

export interface NlMsg {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Uint8Array;
  /** The whole message as sent (NLMSG_ERROR quotes it). */
  raw: Uint8Array;
}

export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** The messages in one datagram; a header with a bad length ends the walk (Linux ignores the rest). */
export function parseMessages(b: Uint8Array): NlMsg[] {
  const out: NlMsg[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 0;
  while (off + NLMSG_HDR_BYTES <= b.length) {
    const len = v.getUint32(off, true);
    if (len < NLMSG_HDR_BYTES || len > b.length - off) break;
    out.push({
      type: v.getUint16(off + 4, true), flags: v.getUint16(off + 6, true), seq: v.getUint32(off + 8, true),
      pid: v.getUint32(off + 12, true), payload: b.subarray(off + NLMSG_HDR_BYTES, off + len), raw: b.subarray(off, off + len),
    });
    off += align4(len);
  }
  return out;
}

export function emitMessage(type: number, flags: number, seq: number, pid: number, payload: Uint8Array): Uint8Array {
  const len = NLMSG_HDR_BYTES + payload.length;
  const out = new Uint8Array(align4(len));
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq >>> 0, true);
  v.setUint32(12, pid >>> 0, true);
  out.set(payload, NLMSG_HDR_BYTES);
  return out;
}

export interface Attr {
  type: number;
  data: Uint8Array;
}

/** Attributes after a fixed header; malformed lengths end the list. The nested/byte-order bits are masked off. */
export function parseAttrs(b: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 0;
  while (off + 4 <= b.length) {
    const len = v.getUint16(off, true);
    if (len < 4 || len > b.length - off) break;
    const type = v.getUint16(off + 2, true) & 0x3fff;
    if (!out.has(type)) out.set(type, b.subarray(off + 4, off + len));
    off += align4(len);
  }
  return out;
}

export function attr(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(align4(4 + data.length));
  const v = new DataView(out.buffer);
  v.setUint16(0, 4 + data.length, true);
  v.setUint16(2, type, true);
  out.set(data, 4);
  return out;
}

export function u32Attr(type: number, value: number): Uint8Array {
  const d = new Uint8Array(4);
  new DataView(d.buffer).setUint32(0, value >>> 0, true);
  return attr(type, d);
}

export function u8Attr(type: number, value: number): Uint8Array {
  return attr(type, Uint8Array.of(value & 0xff));
}

export function strAttr(type: number, s: string): Uint8Array {
  const e = new TextEncoder().encode(s);
  const d = new Uint8Array(e.length + 1);
  d.set(e);
  return attr(type, d);
}

/** IPv4 address attribute: network byte order. */
export function inAttr(type: number, addr: number): Uint8Array {
  const d = new Uint8Array(4);
  new DataView(d.buffer).setUint32(0, addr >>> 0, false);
  return attr(type, d);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function attrU32(a: Map<number, Uint8Array>, type: number): number | undefined {
  const d = a.get(type);
  return d && d.length >= 4 ? new DataView(d.buffer, d.byteOffset, 4).getUint32(0, true) : undefined;
}

export function attrIn(a: Map<number, Uint8Array>, type: number): number | undefined {
  const d = a.get(type);
  return d && d.length >= 4 ? new DataView(d.buffer, d.byteOffset, 4).getUint32(0, false) : undefined;
}

export function attrStr(a: Map<number, Uint8Array>, type: number): string | undefined {
  const d = a.get(type);
  if (!d) return undefined;
  const end = d.indexOf(0);
  return new TextDecoder().decode(end < 0 ? d : d.subarray(0, end));
}

export interface IfInfoMsg {
  family: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}

export function parseIfInfo(p: Uint8Array): IfInfoMsg | undefined {
  if (p.length < 16) return undefined;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { family: p[0], type: v.getUint16(2, true), index: v.getInt32(4, true), flags: v.getUint32(8, true), change: v.getUint32(12, true) };
}

export function emitIfInfo(m: IfInfoMsg): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  out[0] = m.family;
  v.setUint16(2, m.type, true);
  v.setInt32(4, m.index, true);
  v.setUint32(8, m.flags >>> 0, true);
  v.setUint32(12, m.change >>> 0, true);
  return out;
}

export interface IfAddrMsg {
  family: number;
  prefixLen: number;
  flags: number;
  scope: number;
  index: number;
}

export function parseIfAddr(p: Uint8Array): IfAddrMsg | undefined {
  if (p.length < 8) return undefined;
  return { family: p[0], prefixLen: p[1], flags: p[2], scope: p[3], index: new DataView(p.buffer, p.byteOffset, 8).getUint32(4, true) };
}

export function emitIfAddr(m: IfAddrMsg): Uint8Array {
  const out = Uint8Array.of(m.family, m.prefixLen, m.flags, m.scope, 0, 0, 0, 0);
  new DataView(out.buffer).setUint32(4, m.index >>> 0, true);
  return out;
}

export interface RtMsg {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
}

export function parseRtMsg(p: Uint8Array): RtMsg | undefined {
  if (p.length < 12) return undefined;
  return {
    family: p[0], dstLen: p[1], srcLen: p[2], tos: p[3], table: p[4], protocol: p[5], scope: p[6], type: p[7],
    flags: new DataView(p.buffer, p.byteOffset, 12).getUint32(8, true),
  };
}

export function emitRtMsg(m: RtMsg): Uint8Array {
  const out = Uint8Array.of(m.family, m.dstLen, m.srcLen, m.tos, m.table, m.protocol, m.scope, m.type, 0, 0, 0, 0);
  new DataView(out.buffer).setUint32(8, m.flags >>> 0, true);
  return out;
}

/** struct ndmsg (12 bytes): family, pads, ifindex, state, flags, type. */
export function emitNdMsg(m: { family: number; index: number; state: number; type: number }): Uint8Array {
  const out = new Uint8Array(12);
  const v = new DataView(out.buffer);
  out[0] = m.family;
  v.setInt32(4, m.index, true);
  v.setUint16(8, m.state, true);
  out[11] = m.type;
  return out;
}
