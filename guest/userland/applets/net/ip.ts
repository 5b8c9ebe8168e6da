// ip: BusyBox's iproute2 subset over rtnetlink — `ip link [show|set DEV up|down|mtu N]`,
// `ip addr [show [dev] DEV|add|del A/N dev DEV]`, `ip route [show|add|del DEST [via GW] [dev DEV]
// [metric N]]`, printed in BusyBox 1.35's formats (ipaddress.c, iproute.c).

import type { Runtime } from '../../libc/runtime';
import { AF_NETLINK, IFF, NETLINK_ROUTE, Net, SOCK_RAW, formatIpv4, netStrerror, parseIpv4, prefixToMask } from '../../libc/socket';
import type { Sc } from '../../libc/sys';
import {
  IFA, IFLA, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST, RTA, RTM, RT_SCOPE_HOST,
  RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RT_TABLE_MAIN, emitMessage, errorCode, ifaddrmsg, ifinfomsg, inAttr, parseAddr, parseLink,
  parseMessages, parseRoute, rtmsg, u32Attr,
} from './rtnetlink';
import type { AddrInfo, LinkInfo, NlMessage, RouteInfo } from './rtnetlink';

const IFF_LOWER_UP = 0x10000;
const ARPHRD_LOOPBACK = 772;
const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [IFF.LOOPBACK, 'LOOPBACK'], [IFF.BROADCAST, 'BROADCAST'], [IFF.POINTOPOINT, 'POINTOPOINT'], [IFF.MULTICAST, 'MULTICAST'],
  [IFF.NOARP, 'NOARP'], [IFF.PROMISC, 'PROMISC'], [IFF.UP, 'UP'], [IFF_LOWER_UP, 'LOWER_UP'],
];

export function linkFlags(flags: number): string {
  const names = FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n);
  if (flags & IFF.UP && !(flags & IFF.RUNNING)) names.unshift('NO-CARRIER');
  return `<${names.join(',')}>`;
}

export function scopeName(scope: number): string {
  return scope === RT_SCOPE_UNIVERSE ? 'global' : scope === RT_SCOPE_LINK ? 'link' : scope === RT_SCOPE_HOST ? 'host' : String(scope);
}

export function formatLink(l: LinkInfo): string {
  let out = `${l.index}: ${l.name}: ${linkFlags(l.flags)}`;
  if (l.mtu !== undefined) out += ` mtu ${l.mtu}`;
  if (l.qdisc !== undefined) out += ` qdisc ${l.qdisc}`;
  if (l.txqlen !== undefined) out += ` qlen ${l.txqlen}`;
  const kind = l.type === ARPHRD_LOOPBACK ? 'loopback' : 'ether';
  out += `\n    link/${kind} ${l.address ?? '00:00:00:00:00:00'}`;
  if (l.broadcast !== undefined) out += ` brd ${l.broadcast}`;
  return `${out}\n`;
}

export function formatAddr(a: AddrInfo, ifname: string): string {
  let out = `    inet ${formatIpv4(a.local)}/${a.prefixLen}`;
  if (a.broadcast !== undefined) out += ` brd ${formatIpv4(a.broadcast)}`;
  out += ` scope ${scopeName(a.scope)} ${a.label ?? ifname}\n`;
  return `${out}       valid_lft forever preferred_lft forever\n`;
}

export function formatRoute(r: RouteInfo, names: ReadonlyMap<number, string>): string {
  let out = r.dst !== undefined ? (r.dstLen === 32 ? `${formatIpv4(r.dst)} ` : `${formatIpv4(r.dst)}/${r.dstLen} `) : r.dstLen ? `0/${r.dstLen} ` : 'default ';
  if (r.gateway !== undefined) out += `via ${formatIpv4(r.gateway)} `;
  if (r.oif !== undefined) out += `dev ${names.get(r.oif) ?? `if${r.oif}`} `;
  if (r.scope !== RT_SCOPE_UNIVERSE) out += `scope ${scopeName(r.scope)} `;
  if (r.prefsrc !== undefined) out += ` src ${formatIpv4(r.prefsrc)} `;
  if (r.priority !== undefined && r.priority !== 0) out += ` metric ${r.priority} `;
  return `${out}\n`;
}

/** One rtnetlink conversation: send a request, collect replies up to DONE or the ack. */
class Rtnl {
  private seq = 1;
  constructor(private readonly net: Net, private readonly fd: number) {}

  *request(type: number, flags: number, body: Uint8Array, attrs: readonly Uint8Array[] = []): Sc<NlMessage[] | number> {
    const seq = this.seq++;
    const s = yield* this.net.sendNetlink(this.fd, emitMessage(type, flags | NLM_F_REQUEST, seq, body, attrs));
    if (s < 0) return s;
    const out: NlMessage[] = [];
    for (;;) {
      const r = yield* this.net.recvfrom(this.fd, 65536);
      if (typeof r === 'number') return r;
      if (r.data.length === 0) return out;
      for (const m of parseMessages(r.data)) {
        if (m.seq !== seq) continue;
        if (m.type === NLMSG_DONE) return out;
        if (m.type === NLMSG_ERROR) return errorCode(m) < 0 ? errorCode(m) : out;
        out.push(m);
      }
    }
  }
}

function* links(rtnl: Rtnl): Sc<LinkInfo[] | number> {
  const r = yield* rtnl.request(RTM.GETLINK, NLM_F_DUMP, ifinfomsg(0, 0, 0));
  return typeof r === 'number' ? r : r.map(parseLink).filter((l): l is LinkInfo => l !== undefined);
}

type Ctx = { rt: Runtime; rtnl: Rtnl };

function* fail(ctx: Ctx, err: number): Sc<number> {
  yield* ctx.rt.error(`RTNETLINK answers: ${netStrerror(err)}`);
  return 2;
}

function* findLink(ctx: Ctx, name: string | undefined): Sc<{ all: LinkInfo[]; one: LinkInfo | undefined } | number> {
  const all = yield* links(ctx.rtnl);
  if (typeof all === 'number') return yield* fail(ctx, all);
  const one = name === undefined ? undefined : all.find((l) => l.name === name);
  if (name !== undefined && !one) {
    yield* ctx.rt.error(`can't find device '${name}'`);
    return 1;
  }
  return { all, one };
}

function* linkCmd(ctx: Ctx, args: string[], withAddrs: boolean): Sc<number> {
  const sub = args[0] ?? 'show';
  if (sub === 'set' && !withAddrs) return yield* linkSet(ctx, args.slice(1));
  if (!'show'.startsWith(sub) && !'list'.startsWith(sub)) return yield* usage(ctx);
  const rest = args.slice(1).filter((a) => a !== 'dev');
  const found = yield* findLink(ctx, rest[0]);
  if (typeof found === 'number') return found;
  let addrs: AddrInfo[] = [];
  if (withAddrs) {
    const r = yield* ctx.rtnl.request(RTM.GETADDR, NLM_F_DUMP, ifaddrmsg(0, 0, 0));
    if (typeof r === 'number') return yield* fail(ctx, r);
    addrs = r.map(parseAddr).filter((a): a is AddrInfo => a !== undefined);
  }
  for (const l of found.one ? [found.one] : found.all) {
    ctx.rt.out.put(formatLink(l));
    for (const a of addrs.filter((x) => x.index === l.index)) ctx.rt.out.put(formatAddr(a, l.name));
  }
  return 0;
}

function* linkSet(ctx: Ctx, args: string[]): Sc<number> {
  const name = args[0] === 'dev' ? args[1] : args[0];
  const found = yield* findLink(ctx, name);
  if (typeof found === 'number') return found;
  if (!found.one) return yield* usage(ctx);
  let flags = 0, change = 0;
  const attrs: Uint8Array[] = [];
  for (let i = args[0] === 'dev' ? 2 : 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === 'up' || a === 'down') {
      change |= IFF.UP;
      flags = a === 'up' ? IFF.UP : 0;
    } else if (a === 'mtu' && /^\d+$/.test(args[i + 1] ?? '')) {
      attrs.push(u32Attr(IFLA.MTU, Number(args[++i])));
    } else {
      yield* ctx.rt.error(`invalid argument '${a}' to 'ip'`);
      return 1;
    }
  }
  const r = yield* ctx.rtnl.request(RTM.NEWLINK, NLM_F_ACK, ifinfomsg(found.one.index, flags, change), attrs);
  return typeof r === 'number' ? yield* fail(ctx, r) : 0;
}

/** "A.B.C.D[/N]" → address and prefix (32 when absent). */
export function parsePrefix(text: string): { addr: number; prefixLen: number } | undefined {
  if (text === 'default') return { addr: 0, prefixLen: 0 };
  const [a, n] = text.split('/');
  const addr = parseIpv4(a ?? '');
  const prefixLen = n === undefined ? 32 : /^\d{1,2}$/.test(n) && Number(n) <= 32 ? Number(n) : -1;
  return addr === undefined || prefixLen < 0 ? undefined : { addr, prefixLen };
}

function keywordArgs(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    if (['dev', 'via', 'metric', 'brd', 'broadcast', 'src', 'label'].includes(args[i]!) && i + 1 < args.length) m.set(args[i]!, args[++i]!);
    else if (!m.has('')) m.set('', args[i]!);
  }
  return m;
}

function* addrChange(ctx: Ctx, add: boolean, args: string[]): Sc<number> {
  const kw = keywordArgs(args);
  const p = parsePrefix(kw.get('') ?? '');
  const found = yield* findLink(ctx, kw.get('dev'));
  if (typeof found === 'number') return found;
  if (!p || !found.one) return yield* usage(ctx);
  const attrs = [inAttr(IFA.LOCAL, p.addr), inAttr(IFA.ADDRESS, p.addr)];
  const brd = kw.get('brd') ?? kw.get('broadcast');
  if (brd === '+') attrs.push(inAttr(IFA.BROADCAST, (p.addr | ~prefixToMask(p.prefixLen)) >>> 0));
  else if (brd !== undefined && parseIpv4(brd) !== undefined) attrs.push(inAttr(IFA.BROADCAST, parseIpv4(brd)!));
  const scope = (p.addr >>> 24) === 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
  const r = yield* ctx.rtnl.request(add ? RTM.NEWADDR : RTM.DELADDR, NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), ifaddrmsg(p.prefixLen, scope, found.one.index), attrs);
  return typeof r === 'number' ? yield* fail(ctx, r) : 0;
}

function* routeCmd(ctx: Ctx, args: string[]): Sc<number> {
  const sub = args[0] ?? 'show';
  if (sub === 'add' || sub === 'del' || sub === 'delete') return yield* routeChange(ctx, sub === 'add', args.slice(1));
  if (!'show'.startsWith(sub) && !'list'.startsWith(sub)) return yield* usage(ctx);
  const found = yield* findLink(ctx, undefined);
  if (typeof found === 'number') return found;
  const names = new Map(found.all.map((l) => [l.index, l.name] as const));
  const r = yield* ctx.rtnl.request(RTM.GETROUTE, NLM_F_DUMP, rtmsg(0, 0, 0));
  if (typeof r === 'number') return yield* fail(ctx, r);
  for (const route of r.map(parseRoute)) {
    if (route && route.table === RT_TABLE_MAIN) ctx.rt.out.put(formatRoute(route, names));
  }
  return 0;
}

function* routeChange(ctx: Ctx, add: boolean, args: string[]): Sc<number> {
  const kw = keywordArgs(args);
  const p = parsePrefix(kw.get('') ?? '');
  const via = kw.get('via') === undefined ? undefined : parseIpv4(kw.get('via')!);
  const found = yield* findLink(ctx, kw.get('dev'));
  if (typeof found === 'number') return found;
  if (!p || (kw.has('via') && via === undefined)) return yield* usage(ctx);
  const attrs: Uint8Array[] = [];
  if (p.prefixLen > 0) attrs.push(inAttr(RTA.DST, p.addr));
  if (via !== undefined) attrs.push(inAttr(RTA.GATEWAY, via));
  if (found.one) attrs.push(u32Attr(RTA.OIF, found.one.index));
  if (kw.has('metric')) attrs.push(u32Attr(RTA.PRIORITY, Number(kw.get('metric'))));
  const scope = via === undefined && found.one ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  const r = yield* ctx.rtnl.request(add ? RTM.NEWROUTE : RTM.DELROUTE, NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), rtmsg(p.prefixLen, scope), attrs);
  return typeof r === 'number' ? yield* fail(ctx, r) : 0;
}

function* usage(ctx: Ctx): Sc<number> {
  ctx.rt.err.put('Usage: ip [OPTIONS] address|route|link ...\n');
  yield* ctx.rt.err.flush();
  return 1;
}

const OBJECTS: ReadonlyArray<readonly [string, string]> = [['address', 'addr'], ['link', 'link'], ['route', 'route']];

export function* ip(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1).filter((a) => a !== '-4');
  const obj = OBJECTS.find(([full]) => args[0] !== undefined && full.startsWith(args[0]))?.[1];
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  const fd = yield* net.socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
  if (fd < 0) {
    yield* rt.error(`socket(AF_NETLINK): ${netStrerror(fd)}`);
    return 1;
  }
  yield* net.bindNetlink(fd, 0, 0);
  const ctx: Ctx = { rt, rtnl: new Rtnl(net, fd) };
  const rest = args.slice(1);
  if (obj === 'link') return yield* linkCmd(ctx, rest, false);
  if (obj === 'addr') {
    if (rest[0] === 'add' || rest[0] === 'del' || rest[0] === 'delete') return yield* addrChange(ctx, rest[0] === 'add', rest.slice(1));
    return yield* linkCmd(ctx, rest, true);
  }
  if (obj === 'route') return yield* routeCmd(ctx, rest);
  return yield* usage(ctx);
}
