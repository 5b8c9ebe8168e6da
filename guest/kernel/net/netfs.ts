// The networking files of procfs and sysfs, added when they are mounted: /proc/net/* (procnet.ts)
// and /sys/class/net/IFACE/{address,mtu,operstate,carrier,ifindex,flags,type,statistics/*}.
// sysfs has a directory per interface (Linux makes them symlinks into /sys/devices).

import type { FsNode } from '../../fs/node';
import type { Kernel } from '../kernel';
import { interfaceFlags } from './ifreq';
import { procNetArp, procNetDev, procNetRoute, procNetTcp, procNetUdp, procNetUnix } from './procnet';
import { netStateOf } from './state';
import type { InterfaceInfo } from '../../net/socket';

function file(k: Kernel, dir: FsNode, name: string, gen: () => string): void {
  if (dir.children?.has(name)) return;
  k.vfs.createNode(dir, name, 'file', 0o444).generate = gen;
}

export function addProcNet(k: Kernel, procRoot: FsNode): void {
  const dir = procRoot.children?.get('net');
  if (!dir || dir.kind !== 'dir') return;
  const ifaces = () => k.net?.interfaces() ?? [];
  file(k, dir, 'dev', () => procNetDev(ifaces()));
  file(k, dir, 'route', () => (k.net ? procNetRoute(k.net) : ''));
  file(k, dir, 'arp', () => (k.net ? procNetArp(k.net) : ''));
  file(k, dir, 'tcp', () => (k.net ? procNetTcp(k.net) : ''));
  file(k, dir, 'udp', () => (k.net ? procNetUdp(k.net) : ''));
  file(k, dir, 'unix', () => procNetUnix(netStateOf(k).unix));
}

export function addSysClassNet(k: Kernel, sysRoot: FsNode): void {
  const dir = sysRoot.children?.get('class')?.children?.get('net');
  if (!dir || !k.net) return;
  for (const start of k.net.interfaces()) {
    if (dir.children?.has(start.name)) continue;
    const name = start.name;
    const now = (): InterfaceInfo | undefined => k.net?.interfaces().find((i) => i.name === name);
    const d = k.vfs.createNode(dir, name, 'dir', 0o755);
    const attr = (n: string, f: (i: InterfaceInfo) => string) => file(k, d, n, () => {
      const i = now();
      return i ? f(i) + '\n' : '';
    });
    attr('address', (i) => (i.loopback ? '00:00:00:00:00:00' : i.mac));
    attr('broadcast', (i) => (i.loopback ? '00:00:00:00:00:00' : 'ff:ff:ff:ff:ff:ff'));
    attr('mtu', (i) => String(i.mtuBytes));
    attr('ifindex', (i) => String(i.index));
    attr('iflink', (i) => String(i.index));
    attr('type', (i) => (i.loopback ? '772' : '1'));
    attr('flags', (i) => '0x' + interfaceFlags(i).toString(16));
    attr('operstate', (i) => (i.loopback ? 'unknown' : i.up && i.linkUp ? 'up' : 'down'));
    attr('carrier', (i) => (i.linkUp ? '1' : '0'));
    attr('tx_queue_len', () => '1000');
    const stats = k.vfs.createNode(d, 'statistics', 'dir', 0o755);
    const counters: Array<[string, (i: InterfaceInfo) => number]> = [
      ['rx_bytes', (i) => i.stats.rxBytes], ['rx_packets', (i) => i.stats.rxPackets], ['rx_errors', (i) => i.stats.rxErrors],
      ['rx_dropped', (i) => i.stats.rxDropped], ['tx_bytes', (i) => i.stats.txBytes], ['tx_packets', (i) => i.stats.txPackets],
      ['tx_errors', (i) => i.stats.txErrors], ['tx_dropped', (i) => i.stats.txDropped],
    ];
    for (const [n, f] of counters) {
      file(k, stats, n, () => {
        const i = now();
        return i ? `${f(i)}\n` : '';
      });
    }
  }
}
