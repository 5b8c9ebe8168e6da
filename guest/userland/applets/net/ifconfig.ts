// ifconfig: BusyBox's interface display (interface.c) from SIOCGIF* ioctls plus the counters
// of /proc/net/dev, and configuration: `ifconfig IF [ADDR] [netmask M] [broadcast B] [mtu N]
// [up|down]`. Interfaces print sorted by name, as BusyBox's add_interface keeps them.

import { options } from '../common';
import type { Runtime } from '../../libc/runtime';
import { readSmallFile } from '../../libc/resolver';
import {
  AF_INET, IFF, Net, SIOC, SOCK_DGRAM, emitIfreq, emitSockaddrIn, formatIpv4, ifreqAddr, ifreqHwaddr, ifreqInt, intUnion,
  netStrerror, parseIpv4,
} from '../../libc/socket';
import type { Sc } from '../../libc/sys';

export interface DevCounters {
  rxBytes: number; rxPackets: number; rxErrs: number; rxDrop: number; rxFifo: number; rxFrame: number;
  txBytes: number; txPackets: number; txErrs: number; txDrop: number; txFifo: number; txColls: number; txCarrier: number;
}

/** /proc/net/dev rows by interface name. */
export function parseProcNetDev(text: string): Map<string, DevCounters> {
  const out = new Map<string, DevCounters>();
  for (const line of text.split('\n').slice(2)) {
    const c = line.indexOf(':');
    if (c < 0) continue;
    const f = line.slice(c + 1).trim().split(/\s+/).map(Number);
    if (f.length < 16 || f.some((x) => !Number.isFinite(x))) continue;
    out.set(line.slice(0, c).trim(), {
      rxBytes: f[0]!, rxPackets: f[1]!, rxErrs: f[2]!, rxDrop: f[3]!, rxFifo: f[4]!, rxFrame: f[5]!,
      txBytes: f[8]!, txPackets: f[9]!, txErrs: f[10]!, txDrop: f[11]!, txFifo: f[12]!, txColls: f[13]!, txCarrier: f[14]!,
    });
  }
  return out;
}

/** BusyBox's print_bytes_scaled: one truncated decimal, binary units. */
export function scaledBytes(n: number): string {
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let int = n, frac = 0, i = 0;
  while (int >= 1024 && i < units.length - 1) {
    frac = Math.floor(((int % 1024) * 10) / 1024);
    int = Math.floor(int / 1024);
    i++;
  }
  return `${int}.${frac} ${units[i]}B`;
}

const FLAG_WORDS: ReadonlyArray<readonly [number, string]> = [
  [IFF.UP, 'UP'], [IFF.BROADCAST, 'BROADCAST'], [IFF.LOOPBACK, 'LOOPBACK'], [IFF.POINTOPOINT, 'POINTOPOINT'], [IFF.RUNNING, 'RUNNING'],
  [IFF.NOARP, 'NOARP'], [IFF.PROMISC, 'PROMISC'], [IFF.MULTICAST, 'MULTICAST'],
];

export interface IfaceView {
  name: string;
  flags: number;
  mac: string;
  loopback: boolean;
  addr?: number;
  netmask?: number;
  broadcast?: number;
  mtu: number;
  txqueuelen: number;
  counters?: DevCounters;
}

export function formatInterface(v: IfaceView): string {
  const lines: string[] = [];
  const encap = v.loopback ? 'Local Loopback  ' : `Ethernet  HWaddr ${v.mac.toUpperCase()}  `;
  lines.push(`${v.name.slice(0, 9).padEnd(9)} Link encap:${encap}`);
  if (v.addr !== undefined) {
    let l = `          inet addr:${formatIpv4(v.addr)} `;
    if (v.flags & IFF.BROADCAST && v.broadcast !== undefined) l += ` Bcast:${formatIpv4(v.broadcast)} `;
    lines.push(`${l} Mask:${formatIpv4(v.netmask ?? 0)}`);
  }
  const words = FLAG_WORDS.filter(([bit]) => v.flags & bit).map(([, w]) => `${w} `).join('');
  lines.push(`          ${words || '[NO FLAGS] '} MTU:${v.mtu}  Metric:1`);
  const c = v.counters ?? { rxBytes: 0, rxPackets: 0, rxErrs: 0, rxDrop: 0, rxFifo: 0, rxFrame: 0, txBytes: 0, txPackets: 0, txErrs: 0, txDrop: 0, txFifo: 0, txColls: 0, txCarrier: 0 };
  lines.push(`          RX packets:${c.rxPackets} errors:${c.rxErrs} dropped:${c.rxDrop} overruns:${c.rxFifo} frame:${c.rxFrame}`);
  lines.push(`          TX packets:${c.txPackets} errors:${c.txErrs} dropped:${c.txDrop} overruns:${c.txFifo} carrier:${c.txCarrier}`);
  lines.push(`          collisions:${c.txColls} txqueuelen:${v.txqueuelen} `);
  lines.push(`          RX bytes:${c.rxBytes} (${scaledBytes(c.rxBytes)})  TX bytes:${c.txBytes} (${scaledBytes(c.txBytes)})`);
  return `${lines.join('\n')}\n\n`;
}

function* query(net: Net, fd: number, name: string, counters: Map<string, DevCounters>): Sc<IfaceView | number> {
  const flags = yield* net.ioctlIfreq(fd, SIOC.GIFFLAGS, emitIfreq(name));
  if (typeof flags === 'number') return flags;
  const f = ifreqInt(flags) & 0xffff;
  const get = function* (req: number): Sc<Uint8Array | undefined> {
    const r = yield* net.ioctlIfreq(fd, req, emitIfreq(name));
    return typeof r === 'number' ? undefined : r;
  };
  const hw = yield* get(SIOC.GIFHWADDR);
  const addr = yield* get(SIOC.GIFADDR);
  const mask = yield* get(SIOC.GIFNETMASK);
  const brd = yield* get(SIOC.GIFBRDADDR);
  const mtu = yield* get(SIOC.GIFMTU);
  const txq = yield* get(SIOC.GIFTXQLEN);
  return {
    name, flags: f, mac: hw ? ifreqHwaddr(hw).mac : '00:00:00:00:00:00', loopback: (f & IFF.LOOPBACK) !== 0,
    addr: addr ? ifreqAddr(addr) : undefined, netmask: mask ? ifreqAddr(mask) : undefined, broadcast: brd ? ifreqAddr(brd) : undefined,
    mtu: mtu ? ifreqInt(mtu) : 0, txqueuelen: txq ? ifreqInt(txq) : 0, counters: counters.get(name),
  };
}

/** Read-modify-write of the flags: 0, or the failing call's name and error. */
function* setFlags(net: Net, fd: number, name: string, set: number, clear: number): Sc<0 | [string, number]> {
  const cur = yield* net.ioctlIfreq(fd, SIOC.GIFFLAGS, emitIfreq(name));
  if (typeof cur === 'number') return ['SIOCGIFFLAGS', cur];
  const r = yield* net.ioctlIfreq(fd, SIOC.SIFFLAGS, emitIfreq(name, intUnion(((ifreqInt(cur) & 0xffff) | set) & ~clear)));
  return typeof r === 'number' ? ['SIOCSIFFLAGS', r] : 0;
}

function* configure(rt: Runtime, net: Net, fd: number, name: string, args: string[]): Sc<number> {
  const inAddr = (a: number): Uint8Array => emitSockaddrIn({ addr: a, port: 0 });
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let req: number | undefined, union: Uint8Array | undefined, label = '';
    if (a === 'up' || a === 'down') {
      const r = yield* setFlags(net, fd, name, a === 'up' ? IFF.UP | IFF.RUNNING : 0, a === 'down' ? IFF.UP : 0);
      if (r !== 0) return yield* ioctlFail(rt, r[0], r[1]);
      continue;
    }
    if (a === 'netmask' || a === 'broadcast' || a === 'mtu') {
      const v = args[++i];
      const n = a === 'mtu' ? (/^\d+$/.test(v ?? '') ? Number(v) : undefined) : parseIpv4(v ?? '');
      if (n === undefined) return yield* badArg(rt, v ?? '');
      [req, union, label] = a === 'mtu' ? [SIOC.SIFMTU, intUnion(n), 'SIOCSIFMTU'] : a === 'netmask' ? [SIOC.SIFNETMASK, inAddr(n), 'SIOCSIFNETMASK'] : [SIOC.SIFBRDADDR, inAddr(n), 'SIOCSIFBRDADDR'];
    } else {
      const n = parseIpv4(a);
      if (n === undefined) return yield* badArg(rt, a);
      [req, union, label] = [SIOC.SIFADDR, inAddr(n), 'SIOCSIFADDR'];
    }
    const r = yield* net.ioctlIfreq(fd, req, emitIfreq(name, union));
    if (typeof r === 'number') return yield* ioctlFail(rt, label, r);
    // Like BusyBox, giving an address also brings the interface up.
    if (req === SIOC.SIFADDR) yield* setFlags(net, fd, name, IFF.UP | IFF.RUNNING, 0);
  }
  return 0;
}

function* badArg(rt: Runtime, a: string): Sc<number> {
  yield* rt.error(`bad address '${a}'`);
  return 1;
}

function* ioctlFail(rt: Runtime, what: string, err: number): Sc<number> {
  yield* rt.error(`${what}: ${netStrerror(err)}`);
  return 1;
}

export function* ifconfig(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'a', false);
  if (!o) return 1;
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  const fd = yield* net.socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return yield* ioctlFail(rt, 'socket', fd);
  const counters = parseProcNetDev((yield* readSmallFile(net, '/proc/net/dev')) ?? '');
  const [name, ...rest] = o.operands;
  if (name !== undefined && rest.length > 0) return yield* configure(rt, net, fd, name, rest);
  const names = name !== undefined ? [name] : [...counters.keys()].sort();
  for (const n of names) {
    const v = yield* query(net, fd, n, counters);
    if (typeof v === 'number') {
      if (name !== undefined) {
        yield* rt.error(`${n}: error fetching interface information: Device not found`);
        return 1;
      }
      continue;
    }
    if (name === undefined && !o.flags.has('a') && !(v.flags & IFF.UP)) continue;
    rt.out.put(formatInterface(v));
  }
  return 0;
}
