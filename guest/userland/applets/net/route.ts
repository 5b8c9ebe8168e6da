// route: BusyBox's routing-table display from /proc/net/route and `route add|del [-net|-host]
// TARGET [netmask M] [gw GW] [metric N] [dev IF]` through SIOCADDRT/SIOCDELRT.

import type { Runtime } from '../../libc/runtime';
import { readSmallFile } from '../../libc/resolver';
import { AF_INET, Net, RTF, SIOC, SOCK_DGRAM, formatIpv4, netStrerror, parseIpv4, prefixToMask } from '../../libc/socket';
import type { Sc } from '../../libc/sys';

export interface ProcRoute {
  iface: string;
  dest: number;
  gateway: number;
  flags: number;
  refcnt: number;
  use: number;
  metric: number;
  mask: number;
}

/** /proc/net/route: addresses are the kernel's u32 in host (little-endian) order, as hex. */
export function parseProcNetRoute(text: string): ProcRoute[] {
  const le = (h: string): number => {
    const v = parseInt(h, 16) >>> 0;
    return (((v & 0xff) << 24) | (((v >>> 8) & 0xff) << 16) | (((v >>> 16) & 0xff) << 8) | (v >>> 24)) >>> 0;
  };
  const out: ProcRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !f.slice(1, 8).every((x) => /^[0-9A-Fa-f]+$/.test(x))) continue;
    out.push({ iface: f[0]!, dest: le(f[1]!), gateway: le(f[2]!), flags: parseInt(f[3]!, 16), refcnt: Number(f[4]), use: Number(f[5]), metric: Number(f[6]), mask: le(f[7]!) });
  }
  return out;
}

export function routeFlags(flags: number): string {
  let s = '';
  if (flags & RTF.UP) s += 'U';
  if (flags & RTF.GATEWAY) s += 'G';
  if (flags & RTF.HOST) s += 'H';
  if (flags & RTF.REJECT) s = `!${s.replace('U', '')}`;
  return s;
}

export function formatRouteTable(routes: readonly ProcRoute[], numeric: boolean): string {
  let out = 'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';
  for (const r of routes) {
    if (!(r.flags & RTF.UP)) continue;
    const dest = !numeric && r.dest === 0 ? 'default' : formatIpv4(r.dest);
    const gw = !numeric && r.gateway === 0 ? '*' : formatIpv4(r.gateway);
    const left = `${dest.slice(0, 15).padEnd(15)} ${gw.slice(0, 15).padEnd(15)} ${formatIpv4(r.mask).padEnd(16)}${routeFlags(r.flags).padEnd(6)}`;
    out += `${left}${String(r.metric).padEnd(6)} ${String(r.refcnt).padEnd(2)} ${String(r.use).padStart(7)} ${r.iface}\n`;
  }
  return out;
}

interface RouteArgs {
  dest: number;
  mask: number;
  gateway: number;
  flags: number;
  metric: number;
  dev: string | undefined;
}

/** route add|del's argument list, or an error text. */
export function parseRouteArgs(args: readonly string[]): RouteArgs | string {
  const r: RouteArgs = { dest: 0, mask: 0, gateway: 0, flags: RTF.UP, metric: 0, dev: undefined };
  let i = 0, host = false;
  if (args[i] === '-net' || args[i] === '-host') host = args[i++] === '-host';
  const target = args[i++];
  if (target === undefined) return 'missing target';
  if (target !== 'default') {
    const [a, n] = target.split('/');
    const addr = parseIpv4(a ?? '');
    if (addr === undefined) return `resolving '${target}'`;
    r.dest = addr;
    r.mask = n !== undefined ? prefixToMask(Number(n)) : host ? 0xffffffff : r.mask;
    if (host || (n === undefined && !args.includes('netmask') && args[0] !== '-net')) r.flags |= RTF.HOST;
  }
  for (; i < args.length; i++) {
    const k = args[i]!, v = args[i + 1];
    if (k === 'netmask' && v !== undefined && parseIpv4(v) !== undefined) [r.mask, i] = [parseIpv4(v)!, i + 1];
    else if ((k === 'gw' || k === 'gateway') && v !== undefined && parseIpv4(v) !== undefined) [r.gateway, r.flags, i] = [parseIpv4(v)!, r.flags | RTF.GATEWAY, i + 1];
    else if (k === 'metric' && /^\d+$/.test(v ?? '')) [r.metric, i] = [Number(v), i + 1];
    else if (k === 'dev' && v !== undefined) [r.dev, i] = [v, i + 1];
    else if (i === args.length - 1 && r.dev === undefined) r.dev = k;
    else return `bad argument '${k}'`;
  }
  if (r.flags & RTF.HOST) r.mask = 0xffffffff;
  return r;
}

export function* route(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1);
  const numeric = args.includes('-n');
  const rest = args.filter((a) => a !== '-n' && a !== '-e' && a !== '-A' && a !== 'inet');
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  if (rest[0] === 'add' || rest[0] === 'del' || rest[0] === 'delete') {
    const r = parseRouteArgs(rest.slice(1));
    if (typeof r === 'string') {
      yield* rt.error(r);
      return 1;
    }
    const fd = yield* net.socket(AF_INET, SOCK_DGRAM, 0);
    const req = rest[0] === 'add' ? SIOC.ADDRT : SIOC.DELRT;
    const res = fd < 0 ? fd : yield* net.ioctlRoute(fd, req, r, r.dev);
    if (res < 0) {
      yield* rt.error(`${req === SIOC.ADDRT ? 'SIOCADDRT' : 'SIOCDELRT'}: ${netStrerror(res)}`);
      return 1;
    }
    return 0;
  }
  rt.out.put(formatRouteTable(parseProcNetRoute((yield* readSmallFile(net, '/proc/net/route')) ?? ''), numeric));
  return 0;
}
