// udhcpc: BusyBox's DHCP client. DISCOVER → OFFER → REQUEST → ACK over a UDP socket bound to
// port 68 on the interface (SO_BINDTODEVICE + SO_BROADCAST), then what BusyBox's default
// script does with the lease: address, netmask and broadcast (SIOCSIF*), a default route via
// the router (SIOCADDRT), /etc/resolv.conf from the DNS option. -q quits once bound; without it
// the client stays and renews at T1 (half the lease) as BusyBox does in the foreground.

import {
  BOOTREQUEST, DHCPACK, DHCPDISCOVER, DHCPNAK, DHCPOFFER, DHCPREQUEST, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, OPT_DNS, OPT_HOSTNAME,
  OPT_LEASE_TIME, OPT_ROUTER, OPT_SUBNET_MASK, emitDhcp, parseDhcp,
} from '../../../net/wire/dhcp';
import type { DhcpRepr } from '../../../net/wire/dhcp';
import { options } from '../common';
import type { Runtime } from '../../libc/runtime';
import { O_CREAT, O_TRUNC, O_WRONLY } from '../../libc/numbers';
import {
  AF_INET, IFF, INADDR_ANY, INADDR_BROADCAST, Net, POLLIN, RTF, SIOC, SOCK_DGRAM, SOL_SOCKET, SO_BINDTODEVICE, SO_BROADCAST,
  SO_REUSEADDR, emitIfreq, emitSockaddrIn, formatIpv4, ifreqHwaddr, ifreqInt, intUnion, netStrerror, prefixToMask,
} from '../../libc/socket';
import type { Sc } from '../../libc/sys';
import { utf8 } from '../../libc/text';

const CLOCK_MONOTONIC = 1;

export interface Lease {
  ip: number;
  server: number;
  mask: number;
  routers: number[];
  dns: number[];
  leaseS: number;
}

export function leaseFrom(ack: DhcpRepr): Lease {
  const o = ack.options;
  return {
    ip: ack.yiaddr, server: o.serverId ?? ack.siaddr, mask: o.subnetMask ?? prefixToMask(24), routers: o.router ?? [], dns: o.dns ?? [],
    leaseS: o.leaseTimeS ?? 3600,
  };
}

export function clientMessage(type: number, xid: number, mac: string, extra: { requestedIp?: number; serverId?: number; ciaddr?: number }): Uint8Array {
  return emitDhcp({
    op: BOOTREQUEST, hops: 0, xid, secs: 0, flags: 0, ciaddr: extra.ciaddr ?? 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: mac,
    options: {
      messageType: type, requestedIp: extra.requestedIp, serverId: extra.serverId,
      parameterList: [OPT_SUBNET_MASK, OPT_ROUTER, OPT_DNS, OPT_HOSTNAME, OPT_LEASE_TIME], other: [],
    },
  });
}

export function resolvConf(lease: Lease): string {
  return lease.dns.map((d) => `nameserver ${formatIpv4(d)}\n`).join('');
}

interface Cfg {
  ifname: string;
  quit: boolean;
  failNoLease: boolean;
  tries: number;
  timeoutNs: number;
  pauseNs: number;
}

function* openClient(rt: Runtime, net: Net, ifname: string): Sc<{ fd: number; mac: string } | undefined> {
  const fd = yield* net.socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    yield* rt.error(`socket: ${netStrerror(fd)}`);
    return undefined;
  }
  const hw = yield* net.ioctlIfreq(fd, SIOC.GIFHWADDR, emitIfreq(ifname));
  if (typeof hw === 'number') {
    yield* rt.error(`ioctl 0x${SIOC.GIFHWADDR.toString(16)} failed: ${netStrerror(hw)}`);
    return undefined;
  }
  const flags = yield* net.ioctlIfreq(fd, SIOC.GIFFLAGS, emitIfreq(ifname));
  if (typeof flags !== 'number' && !(ifreqInt(flags) & IFF.UP)) yield* net.ioctlIfreq(fd, SIOC.SIFFLAGS, emitIfreq(ifname, intUnion((ifreqInt(flags) & 0xffff) | IFF.UP)));
  yield* net.setsockoptInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  yield* net.setsockoptInt(fd, SOL_SOCKET, SO_BROADCAST, 1);
  yield* net.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, utf8(`${ifname}\0`));
  const b = yield* net.bind(fd, { addr: INADDR_ANY, port: DHCP_CLIENT_PORT });
  if (b < 0) {
    yield* rt.error(`bind: ${netStrerror(b)}`);
    return undefined;
  }
  return { fd, mac: ifreqHwaddr(hw).mac };
}

/** Waits up to timeoutNs for a reply of `types` to transaction xid. */
function* awaitReply(rt: Runtime, net: Net, fd: number, xid: number, types: readonly number[], timeoutNs: number): Sc<DhcpRepr | undefined> {
  const start = yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC);
  for (;;) {
    const left = timeoutNs - ((yield* rt.sys.clockGettimeNs(CLOCK_MONOTONIC)) - start);
    if (left <= 0) return undefined;
    const ready = yield* net.poll([{ fd, events: POLLIN }], left);
    if (typeof ready === 'number') return undefined;
    if (ready[0] === 0) continue;
    const r = yield* net.recvfrom(fd, 1500);
    // An error (ICMP unreachable) is consumed by the read; wait on.
    if (typeof r === 'number') continue;
    const m = parseDhcp(r.data);
    if (m.ok && m.value.op === 2 && m.value.xid === xid && types.includes(m.value.options.messageType ?? -1)) return m.value;
  }
}

function* send(net: Net, fd: number, msg: Uint8Array, to = INADDR_BROADCAST): Sc<number> {
  return yield* net.sendto(fd, msg, 0, { addr: to, port: DHCP_SERVER_PORT });
}

/** DORA with BusyBox's retry policy: -t discovers, -T seconds apart. */
function* obtain(rt: Runtime, net: Net, c: { fd: number; mac: string }, cfg: Cfg, xidBase: number): Sc<Lease | undefined> {
  for (let attempt = 0; attempt < cfg.tries; attempt++) {
    const xid = (xidBase + attempt * 0x01000193) >>> 0;
    yield* say(rt, 'broadcasting discover');
    yield* send(net, c.fd, clientMessage(DHCPDISCOVER, xid, c.mac, {}));
    const offer = yield* awaitReply(rt, net, c.fd, xid, [DHCPOFFER], cfg.timeoutNs);
    if (!offer) continue;
    const server = offer.options.serverId ?? offer.siaddr;
    yield* say(rt, `broadcasting select for ${formatIpv4(offer.yiaddr)}, server ${formatIpv4(server)}`);
    yield* send(net, c.fd, clientMessage(DHCPREQUEST, xid, c.mac, { requestedIp: offer.yiaddr, serverId: server }));
    const ack = yield* awaitReply(rt, net, c.fd, xid, [DHCPACK, DHCPNAK], cfg.timeoutNs);
    if (!ack) continue;
    if (ack.options.messageType === DHCPNAK) {
      yield* say(rt, 'received DHCP NAK');
      continue;
    }
    const lease = leaseFrom(ack);
    yield* say(rt, `lease of ${formatIpv4(lease.ip)} obtained from ${formatIpv4(lease.server)}, lease time ${lease.leaseS}`);
    return lease;
  }
  return undefined;
}

function* say(rt: Runtime, msg: string): Sc<void> {
  rt.out.put(`udhcpc: ${msg}\n`);
  yield* rt.out.flush();
}

/** What the default script does on "bound". */
function* applyLease(rt: Runtime, net: Net, fd: number, ifname: string, lease: Lease): Sc<void> {
  const inUnion = (a: number): Uint8Array => emitSockaddrIn({ addr: a, port: 0 });
  for (const [req, value] of [[SIOC.SIFADDR, lease.ip], [SIOC.SIFNETMASK, lease.mask], [SIOC.SIFBRDADDR, (lease.ip | ~lease.mask) >>> 0]] as const) {
    const r = yield* net.ioctlIfreq(fd, req, emitIfreq(ifname, inUnion(value)));
    if (typeof r === 'number') yield* rt.error(`ioctl 0x${req.toString(16)}: ${netStrerror(r)}`);
  }
  // "deleting routers": remove default routes on the interface, ignoring absence.
  for (let i = 0; i < 8; i++) {
    if ((yield* net.ioctlRoute(fd, SIOC.DELRT, { dest: 0, gateway: 0, mask: 0, flags: RTF.UP, metric: 0 }, ifname)) !== 0) break;
  }
  for (const [i, gw] of lease.routers.entries()) {
    const r = yield* net.ioctlRoute(fd, SIOC.ADDRT, { dest: 0, gateway: gw, mask: 0, flags: RTF.UP | RTF.GATEWAY, metric: i }, ifname);
    if (r < 0) yield* rt.error(`SIOCADDRT: ${netStrerror(r)}`);
  }
  if (lease.dns.length > 0) {
    const out = yield* rt.sys.open('/etc/resolv.conf', O_WRONLY | O_CREAT | O_TRUNC, 0o644);
    if (out >= 0) {
      yield* rt.sys.write(out, utf8(resolvConf(lease)));
      yield* rt.sys.close(out);
    }
  }
}

function parseCfg(o: { values: Map<string, string>; flags: Map<string, number> }): Cfg {
  const n = (k: string, d: number): number => (/^\d+$/.test(o.values.get(k) ?? '') ? Number(o.values.get(k)) : d);
  return { ifname: o.values.get('i') ?? 'eth0', quit: o.flags.has('q'), failNoLease: o.flags.has('n'), tries: Math.max(1, n('t', 3)), timeoutNs: n('T', 3) * 1e9, pauseNs: n('A', 20) * 1e9 };
}

export function* udhcpc(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'i:qnfbSt:T:A:s:x:V:H:h:F:O:R');
  if (!o) return 1;
  const cfg = parseCfg(o);
  yield* say(rt, 'started, v1.35.0');
  const net = yield* Net.create(rt.sys);
  if (typeof net === 'number') return 1;
  const c = yield* openClient(rt, net, cfg.ifname);
  if (!c) return 1;
  const pid = yield* rt.sys.getpid();
  for (let round = 0; ; round++) {
    const lease = yield* obtain(rt, net, c, cfg, ((pid * 2654435761) ^ (round << 16)) >>> 0);
    if (lease) {
      yield* applyLease(rt, net, c.fd, cfg.ifname, lease);
      if (cfg.quit) return 0;
      // Stay bound; a fresh DORA at T1 stands in for the unicast renewal.
      yield* rt.sys.nanosleep((lease.leaseS / 2) * 1e9);
      continue;
    }
    if (cfg.failNoLease) {
      yield* say(rt, 'no lease, failing');
      return 1;
    }
    yield* rt.sys.nanosleep(cfg.pauseNs);
  }
}
