// An in-memory IpStack for rtnetlink and ioctl tests: `lo` (127.0.0.1/8) and `eth0`, addresses
// and routes in lists, two ARP entries, and a record of the calls made. No packets.

import { EEXIST, EINVAL, ENODEV } from '../../kernel/errno';
import { EADDRNOTAVAIL } from '../../kernel/net/errno-net';
import type { InterfaceAddress, InterfaceInfo, IpStack, KernelSocket, NetDeviceStats, RouteEntry, SocketInfo } from '../socket';

const ESRCH = 3;

function zero(): NetDeviceStats {
  return { rxPackets: 0, txPackets: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0 };
}

interface Iface {
  index: number;
  name: string;
  mac: string;
  mtuBytes: number;
  up: boolean;
  linkUp: boolean;
  loopback: boolean;
  addresses: InterfaceAddress[];
  stats: NetDeviceStats;
}

export class FakeIpStack implements IpStack {
  readonly upCalls: Array<[string, boolean]> = [];
  private readonly ifaces: Iface[] = [
    { index: 1, name: 'lo', mac: '00:00:00:00:00:00', mtuBytes: 65536, up: true, linkUp: true, loopback: true, addresses: [{ addr: 0x7f000001, prefixLen: 8 }], stats: zero() },
    { index: 2, name: 'eth0', mac: '52:54:00:12:34:56', mtuBytes: 1500, up: false, linkUp: true, loopback: false, addresses: [], stats: zero() },
  ];
  private readonly routeList: RouteEntry[] = [];

  addDevice(): number {
    return -EINVAL;
  }

  interfaces(): readonly InterfaceInfo[] {
    return this.ifaces.map((i) => ({ ...i, addresses: [...i.addresses], stats: { ...i.stats } }));
  }

  private find(name: string): Iface | undefined {
    return this.ifaces.find((i) => i.name === name);
  }

  setUp(ifname: string, up: boolean): number {
    const i = this.find(ifname);
    if (!i) return -ENODEV;
    this.upCalls.push([ifname, up]);
    i.up = up;
    return 0;
  }

  setMtu(ifname: string, mtuBytes: number): number {
    const i = this.find(ifname);
    if (!i) return -ENODEV;
    if (mtuBytes < 68 || mtuBytes > 65535) return -EINVAL;
    i.mtuBytes = mtuBytes;
    return 0;
  }

  addAddress(ifname: string, a: InterfaceAddress): number {
    const i = this.find(ifname);
    if (!i) return -ENODEV;
    if (i.addresses.some((x) => x.addr === a.addr && x.prefixLen === a.prefixLen)) return -EEXIST;
    i.addresses.push({ ...a });
    return 0;
  }

  removeAddress(ifname: string, a: InterfaceAddress): number {
    const i = this.find(ifname);
    if (!i) return -ENODEV;
    const n = i.addresses.findIndex((x) => x.addr === a.addr);
    if (n < 0) return -EADDRNOTAVAIL;
    i.addresses.splice(n, 1);
    return 0;
  }

  routes(): readonly RouteEntry[] {
    return [...this.routeList];
  }

  addRoute(r: RouteEntry): number {
    if (this.routeList.some((x) => x.dest === r.dest && x.prefixLen === r.prefixLen && x.metric === r.metric)) return -EEXIST;
    this.routeList.push(r);
    return 0;
  }

  removeRoute(r: RouteEntry): number {
    const n = this.routeList.findIndex((x) => x.dest === r.dest && x.prefixLen === r.prefixLen);
    if (n < 0) return -ESRCH;
    this.routeList.splice(n, 1);
    return 0;
  }

  arpTable(): readonly { addr: number; mac: string; ifname: string; complete: boolean }[] {
    return [{ addr: 0x0a000202, mac: '52:55:0a:00:02:02', ifname: 'eth0', complete: true }, { addr: 0x0a000209, mac: '', ifname: 'eth0', complete: false }];
  }

  createSocket(): KernelSocket | number {
    return -97;
  }

  createPacketSocket(): KernelSocket | number {
    return -97;
  }

  sockets(): readonly SocketInfo[] {
    return [];
  }
}
