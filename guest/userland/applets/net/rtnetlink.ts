// rtnetlink messages as `ip` sends and reads them (include/uapi/linux/{netlink,rtnetlink,
// if_link,if_addr}.h): nlmsghdr, ifinfomsg, ifaddrmsg, rtmsg and rtattr TLVs, 4-byte aligned,
// host (little-endian) order. Pure emit/parse; malformed input is reported, never thrown.

export const NLMSG_ERROR = 2, NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1, NLM_F_ACK = 0x4, NLM_F_DUMP = 0x300, NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
export const RTM = { NEWLINK: 16, GETLINK: 18, NEWADDR: 20, DELADDR: 21, GETADDR: 22, NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26 } as const;
export const IFLA = { ADDRESS: 1, BROADCAST: 2, IFNAME: 3, MTU: 4, QDISC: 6, TXQLEN: 13, OPERSTATE: 16 } as const;
export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4 } as const;
export const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, TABLE: 15 } as const;
export const RT_TABLE_MAIN = 254, RTPROT_BOOT = 3, RTN_UNICAST = 1;
export const RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254;
const AF_INET = 2, AF_UNSPEC = 0;
const NLMSG_HDR_BYTES = 16;

const align4 = (n: number): number => (n + 3) & ~3;

export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Uint8Array;
}

export type Attrs = Map<number, Uint8Array>;

export function emitAttr(type: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(align4(4 + data.length));
  const v = new DataView(out.buffer);
  v.setUint16(0, 4 + data.length, true);
  v.setUint16(2, type, true);
  out.set(data, 4);
  return out;
}

export function u32Attr(type: number, value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value >>> 0, true);
  return emitAttr(type, b);
}

/** An IPv4 address attribute (network order). */
export function inAttr(type: number, addr: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, addr >>> 0, false);
  return emitAttr(type, b);
}

export function emitMessage(type: number, flags: number, seq: number, body: Uint8Array, attrs: readonly Uint8Array[] = []): Uint8Array {
  const len = NLMSG_HDR_BYTES + align4(body.length) + attrs.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq, true);
  out.set(body, NLMSG_HDR_BYTES);
  let at = NLMSG_HDR_BYTES + align4(body.length);
  for (const a of attrs) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Splits a datagram into messages; stops at the first malformed header. */
export function parseMessages(b: Uint8Array): NlMessage[] {
  const out: NlMessage[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 0; at + NLMSG_HDR_BYTES <= b.length;) {
    const len = v.getUint32(at, true);
    if (len < NLMSG_HDR_BYTES || at + len > b.length) break;
    out.push({ type: v.getUint16(at + 4, true), flags: v.getUint16(at + 6, true), seq: v.getUint32(at + 8, true), pid: v.getUint32(at + 12, true), payload: b.subarray(at + NLMSG_HDR_BYTES, at + len) });
    at += align4(len);
  }
  return out;
}

export function parseAttrs(b: Uint8Array): Attrs {
  const out: Attrs = new Map();
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 0; at + 4 <= b.length;) {
    const len = v.getUint16(at, true);
    if (len < 4 || at + len > b.length) break;
    out.set(v.getUint16(at + 2, true) & 0x3fff, b.subarray(at + 4, at + len));
    at += align4(len);
  }
  return out;
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
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  b[0] = AF_UNSPEC;
  v.setInt32(4, index, true);
  v.setUint32(8, flags >>> 0, true);
  v.setUint32(12, change >>> 0, true);
  return b;
}

export function ifaddrmsg(prefixLen: number, scope: number, index: number): Uint8Array {
  const b = new Uint8Array(8);
  b[0] = AF_INET;
  b[1] = prefixLen;
  b[3] = scope;
  new DataView(b.buffer).setUint32(4, index, true);
  return b;
}

export function rtmsg(dstLen: number, scope: number, protocol = RTPROT_BOOT): Uint8Array {
  // struct rtmsg is 12 bytes: eight u8 fields then rtm_flags.
  return new Uint8Array([AF_INET, dstLen, 0, 0, RT_TABLE_MAIN, protocol, scope, RTN_UNICAST, 0, 0, 0, 0]);
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
