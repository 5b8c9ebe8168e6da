// ping: ICMP echo over a raw socket (BusyBox uses SOCK_RAW when root), printing BusyBox 1.35's
// lines. Timing follows its ping4(): one request per interval; once -c requests are out, wait
// -W seconds (default 10) if nothing came back, else about two of the longest round trips.

import { emitIcmpv4, parseIcmpv4 } from '../../../net/wire/icmpv4';
import { parseIpv4 as parseIpv4Header } from '../../../net/wire/ipv4';
import { options } from '../common';
import type { Options } from '../../libc/getopt';
import type { Runtime } from '../../libc/runtime';
import { AF_INET, IPPROTO_ICMP, Net, POLLIN, SOCK_RAW, formatIpv4, netStrerror } from '../../libc/socket';
import type { Sc } from '../../libc/sys';
import { lookupHost } from '../../libc/resolver';

const CLOCK_MONOTONIC = 1;

export interface PingStats {
  transmitted: number;
  received: number;
  duplicates: number;
  rttUs: number[];
}

/** "%u.%03u" of a microsecond count, as BusyBox prints round-trip times. */
export function formatMs(us: number): string {
  const u = Math.max(0, Math.floor(us));
  return `${Math.floor(u / 1000)}.${String(u % 1000).padStart(3, '0')}`;
}

export function replyLine(bytes: number, from: number, seq: number, ttl: number, rttUs: number, dup: boolean): string {
  return `${bytes} bytes from ${formatIpv4(from)}: seq=${seq} ttl=${ttl} time=${formatMs(rttUs)} ms${dup ? ' (DUP!)' : ''}\n`;
}

/** The statistics block BusyBox prints on exit (print_stats_and_exit). */
export function summary(host: string, s: PingStats): string {
  let out = `\n--- ${host} ping statistics ---\n${s.transmitted} packets transmitted, ${s.received} packets received, `;
  if (s.duplicates > 0) out += `${s.duplicates} duplicates, `;
  const loss = s.transmitted > 0 ? Math.floor(((s.transmitted - s.received) * 100) / s.transmitted) : 0;
  out += `${loss}% packet loss\n`;
  if (s.rttUs.length > 0) {
    const min = Math.min(...s.rttUs), max = Math.max(...s.rttUs);
    const avg = s.rttUs.reduce((a, b) => a + b, 0) / s.rttUs.length;
    out += `round-trip min/avg/max = ${formatMs(min)}/${formatMs(avg)}/${formatMs(max)} ms\n`;
  }
  return out;
}

interface PingConfig {
  count: number | undefined;
  sizeBytes: number;
  intervalNs: number;
  waitNs: number;
  deadlineNs: number | undefined;
  quiet: boolean;
}

function parseConfig(o: Options): PingConfig | string {
  const num = (k: string, dflt: number): number => {
    const v = o.values.get(k);
    return v === undefined ? dflt : /^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
  };
  const cfg = {
    count: o.values.has('c') ? num('c', 0) : undefined,
    sizeBytes: num('s', 56),
    intervalNs: num('i', 1) * 1e9,
    waitNs: num('W', 10) * 1e9,
    deadlineNs: o.values.has('w') ? num('w', 0) * 1e9 : undefined,
    quiet: o.flags.has('q'),
  };
  for (const k of ['c', 's', 'i', 'W', 'w']) {
    const v = o.values.get(k);
    if (v !== undefined && !Number.isFinite(num(k, 0))) return `invalid number '${v}'`;
  }
  if (cfg.sizeBytes > 65507) return `invalid number '${String(o.values.get('s'))}'`;
  return cfg;
}

export function* ping(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'c:s:i:W:w:qI:t:4');
  if (!o) return 1;
  const host = o.operands[0];
  if (host === undefined) {
    yield* rt.error('missing host');
    return 1;
  }
  const cfg = parseConfig(o);
  if (typeof cfg === 'string') {
    yield* rt.error(cfg);
    return 1;
  }
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  const found = yield* lookupHost(net, host);
  if ('error' in found) {
    yield* rt.error(`bad address '${host}'`);
    return 1;
  }
  const fd = yield* net.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (fd < 0) {
    yield* rt.error(`socket: ${netStrerror(fd)}`);
    return 1;
  }
  const dest = found.addrs[0]!;
  rt.out.put(`PING ${host} (${formatIpv4(dest)}): ${cfg.sizeBytes} data bytes\n`);
  yield* rt.out.flush();
  const stats = yield* pingLoop(rt, net, fd, dest, cfg);
  rt.out.put(summary(host, stats));
  return stats.received > 0 ? 0 : 1;
}

function* sendEcho(net: Net, fd: number, dest: number, ident: number, seq: number, sizeBytes: number, nowNs: number): Sc<number> {
  const data = new Uint8Array(sizeBytes);
  // BusyBox stores the send time in the first payload bytes when there is room.
  if (sizeBytes >= 4) new DataView(data.buffer).setUint32(0, Math.floor(nowNs / 1000) >>> 0, true);
  const msg = emitIcmpv4({ kind: 'echoRequest', ident, seq, data });
  return yield* net.sendto(fd, msg, 0, { addr: dest, port: 0 });
}

function* pingLoop(rt: Runtime, net: Net, fd: number, dest: number, cfg: PingConfig): Sc<PingStats> {
  const stats: PingStats = { transmitted: 0, received: 0, duplicates: 0, rttUs: [] };
  const ident = (yield* rt.sys.getpid()) & 0xffff;
  const sentAt = new Map<number, number>();
  const seen = new Set<number>();
  const start = yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC);
  let nextSendNs = start;
  let endNs = Number.POSITIVE_INFINITY;
  for (;;) {
    let now = yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC);
    if (cfg.deadlineNs !== undefined && now - start >= cfg.deadlineNs) break;
    if (now >= endNs) break;
    if (now >= nextSendNs && (cfg.count === undefined || stats.transmitted < cfg.count)) {
      const seq = stats.transmitted & 0xffff;
      const r = yield* sendEcho(net, fd, dest, ident, seq, cfg.sizeBytes, now);
      if (r < 0) yield* rt.error(`sendto: ${netStrerror(r)}`);
      sentAt.set(seq, now);
      stats.transmitted++;
      nextSendNs = now + cfg.intervalNs;
      if (cfg.count !== undefined && stats.transmitted >= cfg.count) {
        const longest = stats.rttUs.length > 0 ? Math.max(...stats.rttUs) : 0;
        endNs = now + (stats.received > 0 ? Math.max(1e9, Math.floor((2 * longest * 1000) / 1e9) * 1e9) : cfg.waitNs);
      }
    }
    let wake = Math.min(endNs, cfg.count === undefined || stats.transmitted < cfg.count ? nextSendNs : endNs);
    if (cfg.deadlineNs !== undefined) wake = Math.min(wake, start + cfg.deadlineNs);
    const ready = yield* net.poll([{ fd, events: POLLIN }], Math.max(0, wake - now));
    if (typeof ready === 'number') break;
    if (ready[0] === 0) continue;
    const r = yield* net.recvfrom(fd, cfg.sizeBytes + 28 + 64);
    if (typeof r === 'number') continue;
    now = yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC);
    const reply = decodeReply(r.data, ident);
    if (!reply || !sentAt.has(reply.seq)) continue;
    const rttUs = Math.floor((now - sentAt.get(reply.seq)!) / 1000);
    const dup = seen.has(reply.seq);
    if (dup) stats.duplicates++;
    else {
      seen.add(reply.seq);
      stats.received++;
    }
    stats.rttUs.push(rttUs);
    if (!cfg.quiet) {
      rt.out.put(replyLine(reply.bytes, reply.from, reply.seq, reply.ttl, rttUs, dup));
      yield* rt.out.flush();
    }
    if (cfg.count !== undefined && stats.received >= cfg.count) break;
  }
  return stats;
}

/** An echo reply for us out of a raw-socket datagram (IPv4 header included). */
export function decodeReply(datagram: Uint8Array, ident: number): { from: number; ttl: number; seq: number; bytes: number } | undefined {
  const ip = parseIpv4Header(datagram);
  if (!ip.ok) return undefined;
  const icmp = parseIcmpv4(ip.value.payload);
  if (!icmp.ok || icmp.value.kind !== 'echoReply' || icmp.value.ident !== ident) return undefined;
  return { from: ip.value.src, ttl: ip.value.ttl, seq: icmp.value.seq, bytes: ip.value.payload.length };
}

