// DHCPv4 (RFC 2131) on the BOOTP message (RFC 951), with the options (RFC 2132) a client and
// QEMU's built-in server use. Options the stack does not know are kept raw, in order, so a
// message parses and emits back to the same option set.

import { be16, be32, fail, ok, put16, put32, readMac, writeMac, type Ipv4Addr, type Mac, type Parsed } from './bytes';

export const DHCP = { op: 0, htype: 1, hlen: 2, hops: 3, xid: 4, secs: 8, flags: 10, ciaddr: 12, yiaddr: 16, siaddr: 20, giaddr: 24, chaddr: 28, sname: 44, file: 108, cookie: 236, options: 240 } as const;
export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;
const MAGIC_COOKIE = 0x63825363;
/** BOOTP relays expect at least a 300-byte message (RFC 1542 §2.1); clients pad to it. */
const BOOTP_MIN_BYTES = 300;
export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const DHCP_FLAG_BROADCAST = 0x8000;

export const DHCPDISCOVER = 1;
export const DHCPOFFER = 2;
export const DHCPREQUEST = 3;
export const DHCPDECLINE = 4;
export const DHCPACK = 5;
export const DHCPNAK = 6;
export const DHCPRELEASE = 7;

export const OPT_SUBNET_MASK = 1;
export const OPT_ROUTER = 3;
export const OPT_DNS = 6;
export const OPT_HOSTNAME = 12;
export const OPT_REQUESTED_IP = 50;
export const OPT_LEASE_TIME = 51;
export const OPT_MESSAGE_TYPE = 53;
export const OPT_SERVER_ID = 54;
export const OPT_PARAMETER_LIST = 55;
const OPT_PAD = 0;
const OPT_END = 255;

export interface DhcpOptions {
  messageType?: number;
  subnetMask?: Ipv4Addr;
  router?: Ipv4Addr[];
  dns?: Ipv4Addr[];
  hostname?: string;
  requestedIp?: Ipv4Addr;
  leaseTimeS?: number;
  serverId?: Ipv4Addr;
  parameterList?: number[];
  /** Options not listed above, as {code, data}, in message order. */
  other: Array<{ code: number; data: Uint8Array }>;
}

export interface DhcpRepr {
  op: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: Ipv4Addr;
  yiaddr: Ipv4Addr;
  siaddr: Ipv4Addr;
  giaddr: Ipv4Addr;
  chaddr: Mac;
  options: DhcpOptions;
}

export function parseDhcp(b: Uint8Array): Parsed<DhcpRepr> {
  if (b.length < DHCP.options) return fail(`dhcp: ${b.length} bytes, shorter than BOOTP + cookie`);
  if (b[DHCP.op] !== BOOTREQUEST && b[DHCP.op] !== BOOTREPLY) return fail(`dhcp: op ${b[DHCP.op]}`);
  if (b[DHCP.htype] !== 1 || b[DHCP.hlen] !== 6) return fail('dhcp: hardware type is not Ethernet');
  if (be32(b, DHCP.cookie) !== MAGIC_COOKIE) return fail('dhcp: no magic cookie (plain BOOTP)');
  const options = parseDhcpOptions(b.subarray(DHCP.options));
  if (!options.ok) return options;
  return ok({
    op: b[DHCP.op],
    hops: b[DHCP.hops],
    xid: be32(b, DHCP.xid),
    secs: be16(b, DHCP.secs),
    flags: be16(b, DHCP.flags),
    ciaddr: be32(b, DHCP.ciaddr),
    yiaddr: be32(b, DHCP.yiaddr),
    siaddr: be32(b, DHCP.siaddr),
    giaddr: be32(b, DHCP.giaddr),
    chaddr: readMac(b, DHCP.chaddr),
    options: options.value,
  });
}

function addrList(v: Uint8Array): Ipv4Addr[] | null {
  if (v.length === 0 || v.length % 4 !== 0) return null;
  const out: Ipv4Addr[] = [];
  for (let i = 0; i < v.length; i += 4) out.push(be32(v, i));
  return out;
}

function parseDhcpOptions(b: Uint8Array): Parsed<DhcpOptions> {
  const o: DhcpOptions = { other: [] };
  let i = 0;
  for (;;) {
    if (i >= b.length) return fail('dhcp: options end without END (255)');
    const code = b[i];
    if (code === OPT_END) return ok(o);
    if (code === OPT_PAD) {
      i++;
      continue;
    }
    if (i + 1 >= b.length || i + 2 + b[i + 1] > b.length) return fail(`dhcp: option ${code} runs past the message`);
    const v = b.subarray(i + 2, i + 2 + b[i + 1]);
    const err = applyDhcpOption(o, code, v);
    if (err) return fail(err);
    i += 2 + v.length;
  }
}

function applyDhcpOption(o: DhcpOptions, code: number, v: Uint8Array): string | null {
  const one32 = (): number | null => (v.length === 4 ? be32(v, 0) : null);
  const bad = `dhcp: option ${code} with ${v.length} bytes`;
  switch (code) {
    case OPT_MESSAGE_TYPE:
      if (v.length !== 1 || v[0] < 1 || v[0] > 8) return bad;
      o.messageType = v[0];
      return null;
    case OPT_SUBNET_MASK:
    case OPT_REQUESTED_IP:
    case OPT_LEASE_TIME:
    case OPT_SERVER_ID: {
      const x = one32();
      if (x === null) return bad;
      if (code === OPT_SUBNET_MASK) o.subnetMask = x;
      else if (code === OPT_REQUESTED_IP) o.requestedIp = x;
      else if (code === OPT_LEASE_TIME) o.leaseTimeS = x;
      else o.serverId = x;
      return null;
    }
    case OPT_ROUTER:
    case OPT_DNS: {
      const list = addrList(v);
      if (!list) return bad;
      if (code === OPT_ROUTER) o.router = list;
      else o.dns = list;
      return null;
    }
    case OPT_HOSTNAME:
      if (v.length === 0) return bad;
      o.hostname = String.fromCharCode(...v);
      return null;
    case OPT_PARAMETER_LIST:
      o.parameterList = [...v];
      return null;
    default:
      o.other.push({ code, data: v.slice() });
      return null;
  }
}

function emitDhcpOptions(o: DhcpOptions): number[] {
  const out: number[] = [];
  const put = (code: number, data: number[]): void => {
    if (data.length > 255) throw new Error(`dhcp: option ${code} of ${data.length} bytes`);
    out.push(code, data.length, ...data);
  };
  const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  if (o.messageType !== undefined) put(OPT_MESSAGE_TYPE, [o.messageType]);
  if (o.serverId !== undefined) put(OPT_SERVER_ID, u32(o.serverId));
  if (o.leaseTimeS !== undefined) put(OPT_LEASE_TIME, u32(o.leaseTimeS));
  if (o.subnetMask !== undefined) put(OPT_SUBNET_MASK, u32(o.subnetMask));
  if (o.router) put(OPT_ROUTER, o.router.flatMap(u32));
  if (o.dns) put(OPT_DNS, o.dns.flatMap(u32));
  if (o.hostname !== undefined) put(OPT_HOSTNAME, [...o.hostname].map((c) => c.charCodeAt(0) & 0xff));
  if (o.requestedIp !== undefined) put(OPT_REQUESTED_IP, u32(o.requestedIp));
  if (o.parameterList) put(OPT_PARAMETER_LIST, o.parameterList);
  for (const x of o.other) put(x.code, [...x.data]);
  out.push(OPT_END);
  return out;
}

export function emitDhcp(r: DhcpRepr): Uint8Array {
  const options = emitDhcpOptions(r.options);
  const out = new Uint8Array(Math.max(BOOTP_MIN_BYTES, DHCP.options + options.length));
  out[DHCP.op] = r.op;
  out[DHCP.htype] = 1;
  out[DHCP.hlen] = 6;
  out[DHCP.hops] = r.hops;
  put32(out, DHCP.xid, r.xid);
  put16(out, DHCP.secs, r.secs);
  put16(out, DHCP.flags, r.flags);
  put32(out, DHCP.ciaddr, r.ciaddr);
  put32(out, DHCP.yiaddr, r.yiaddr);
  put32(out, DHCP.siaddr, r.siaddr);
  put32(out, DHCP.giaddr, r.giaddr);
  writeMac(out, DHCP.chaddr, r.chaddr);
  put32(out, DHCP.cookie, MAGIC_COOKIE);
  out.set(options, DHCP.options);
  return out;
}
