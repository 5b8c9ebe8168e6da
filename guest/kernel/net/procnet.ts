// /proc/net/{dev,route,arp,tcp,udp,unix} in Linux's formats (net/core/net-procfs.c,
// net/ipv4/fib_trie.c's fib_route_seq_show, arp.c, tcp_ipv4.c, udp.c, af_unix.c), generated
// from the IPv4 stack and the AF_UNIX namespace each time the file is opened. Addresses in
// route/tcp/udp are the network-order value printed as a little-endian word, as on x86/arm64.
// Kernel pointers read 0, as with kptr_restrict; AF_UNIX rows carry the socket file's inode
// (socket:[N] in /proc/PID/fd), TCP/UDP rows inode 0 (the IPv4 stack does not report one).

import type { InterfaceInfo, IpStack, SocketInfo } from '../../net/socket';
import type { UnixNamespace } from '../../net/unix/namespace';
import { fibOrder, prefixToMask } from './ifreq';

const hex = (n: number, w: number) => (n >>> 0).toString(16).toUpperCase().padStart(w, '0');
/** An IPv4 address (host-order u32) as /proc/net prints it: the bytes in memory order, read little-endian. */
const leAddr = (a: number) => hex(((a & 0xff) << 24) | ((a >>> 8 & 0xff) << 16) | ((a >>> 16 & 0xff) << 8) | (a >>> 24 & 0xff), 8);
const dotted = (a: number) => [a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff].join('.');

export function procNetDev(ifaces: readonly InterfaceInfo[]): string {
  let out = 'Inter-|   Receive                                                |  Transmit\n';
  out += ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
  for (const i of ifaces) {
    const s = i.stats;
    const rx = [[s.rxBytes, 7], [s.rxPackets, 7], [s.rxErrors, 4], [s.rxDropped, 4], [0, 4], [0, 5], [0, 10], [0, 9]] as const;
    const tx = [[s.txBytes, 8], [s.txPackets, 7], [s.txErrors, 4], [s.txDropped, 4], [0, 4], [0, 5], [0, 7], [0, 10]] as const;
    out += `${i.name.padStart(6)}: ${[...rx, ...tx].map(([v, w]) => String(v).padStart(w)).join(' ')}\n`;
  }
  return out;
}

export function procNetRoute(net: IpStack): string {
  const row = (s: string) => s.padEnd(127) + '\n';
  let out = row('Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT');
  for (const r of fibOrder(net.routes())) {
    const flags = 0x1 | (r.gateway !== 0 ? 0x2 : 0) | (r.prefixLen === 32 ? 0x4 : 0);
    out += row(`${r.ifname}\t${leAddr(r.dest)}\t${leAddr(r.gateway)}\t${hex(flags, 4)}\t0\t0\t${r.metric}\t${leAddr(prefixToMask(r.prefixLen))}\t0\t0\t0`);
  }
  return out;
}

export function procNetArp(net: IpStack): string {
  let out = 'IP address       HW type     Flags       HW address            Mask     Device\n';
  for (const e of net.arpTable()) {
    const flags = e.complete ? '0x2' : '0x0';
    out += `${dotted(e.addr).padEnd(16)} ${'0x1'.padEnd(12)}${flags.padEnd(12)}${e.complete ? e.mac : '00:00:00:00:00:00'}     *        ${e.ifname}\n`;
  }
  return out;
}

function inetRow(sl: number, slWidth: number, s: SocketInfo): string {
  const local = `${leAddr(s.local.addr)}:${hex(s.local.port, 4)}`;
  const remote = `${leAddr(s.remote.addr)}:${hex(s.remote.port, 4)}`;
  return `${String(sl).padStart(slWidth)}: ${local} ${remote} ${hex(s.state, 2)} ${hex(s.txQueueBytes, 8)}:${hex(s.rxQueueBytes, 8)} 00:00000000 00000000     0        0 0`;
}

export function procNetTcp(net: IpStack): string {
  const rows = net.sockets().filter((s) => s.protocol === 'tcp');
  const pad = (s: string) => s.padEnd(149) + '\n';
  return pad('  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode') +
    rows.map((s, i) => pad(`${inetRow(i, 4, s)} 1 0000000000000000 100 0 0 10 0`)).join('');
}

export function procNetUdp(net: IpStack): string {
  const rows = net.sockets().filter((s) => s.protocol === 'udp');
  const pad = (s: string) => s.padEnd(127) + '\n';
  return pad('   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops') +
    rows.map((s, i) => pad(`${inetRow(i, 5, s)} 2 0000000000000000 0`)).join('');
}

export function procNetUnix(ns: UnixNamespace): string {
  let out = 'Num       RefCount Protocol Flags    Type St Inode Path\n';
  for (const s of ns.live) {
    const p = s.procInfo();
    out += `0000000000000000: ${hex(p.refCount, 8)} 00000000 ${hex(p.flags, 8)} ${hex(p.type, 4)} ${hex(p.state, 2)} ${String(p.inode).padStart(5)}${p.path ? ' ' + p.path : ''}\n`;
  }
  return out;
}
