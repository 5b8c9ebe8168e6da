// The guest kernel's IPv4 stack (IpStack in ../socket.ts): interfaces (`lo` + devices), addresses,
// the routing table, ARP, IP input/output with fragmentation and reassembly, and the transports
// (ICMP with ping/raw sockets, UDP, TCP) above. Frames arrive from NetDevice receivers; datagrams
// to a local address go round through `lo` on the scheduler, never re-entrantly.

import type { EventScheduler } from '../../../emulator/time/scheduler';
import type { Prng } from '../../../emulator/random/prng';
import { EACCES, EEXIST, EINVAL, ENODEV, EOPNOTSUPP } from '../../kernel/errno';
import type { InterfaceAddress, InterfaceInfo, IpStack, KernelSocket, NetDevice, RouteEntry, SocketInfo } from '../socket';
import { SOCK_DGRAM, SOCK_RAW, SOCK_STREAM } from '../socket';
import { parseArp } from '../wire/arp';
import { BROADCAST_MAC, formatIpv4 } from '../wire/bytes';
import { emitEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4, parseEthernet } from '../wire/ethernet';
import { emitIpv4, IPV4, parseIpv4, type Ipv4Repr } from '../wire/ipv4';
import { ArpCache } from './arp';
import { EADDRNOTAVAIL, EMSGSIZE, EPROTONOSUPPORT, ENETUNREACH, ESOCKTNOSUPPORT, prefixMask } from './consts';
import { newCounters, newDeviceStats, type IpSendRequest, type SnmpCounters, type StackCore } from './core';
import { fragmentIpv4, Reassembler } from './fragment';
import { ifaceInfo, ifaceRunning, type Iface } from './iface';
import { RouteTable } from './routes';
import type { Transport } from './transport';
import { IcmpLayer } from './icmp';
import { UdpLayer } from './udp';
import { TcpLayer } from './tcp/layer';
import type { TcpTunables } from './tcp/types';
import { PacketSocket, type PacketHost } from '../packet/packet-socket';
import { IPPROTO_RAW, RawIpSocket } from './raw-ip';

/** A frame on interface `ifindex`, received or (`outgoing`) sent; `ourMac` is the interface's address. */
export type PacketTap = (ifindex: number, frame: Uint8Array, outgoing: boolean, ourMac: string) => void;

export interface Ipv4StackOptions {
  scheduler: EventScheduler;
  /** A fork for this stack: ISNs, ephemeral ports, IP idents. */
  prng: Prng;
  log?: (line: string) => void;
  /** Overrides of Linux's TCP sysctl defaults (retry budgets, TIME-WAIT, buffers). */
  tcp?: Partial<TcpTunables>;
}

const LOOPBACK_NET = 0x7f000000;
const LOOPBACK_ADDR = 0x7f000001;
const MIN_MTU = 68;
const MAX_MTU = 65535;

export class Ipv4Stack implements IpStack, StackCore {
  readonly scheduler: EventScheduler;
  readonly prng: Prng;
  readonly counters: SnmpCounters = newCounters();
  private readonly ifaces: Iface[] = [];
  private readonly routeTable = new RouteTable();
  private readonly arp: ArpCache;
  private readonly reassembler: Reassembler;
  private readonly transports = new Map<number, Transport>();
  readonly icmp: IcmpLayer;
  readonly tcp: TcpLayer;
  private nextIdent: number;
  private readonly logLine: (line: string) => void;
  /** AF_PACKET sockets: each is offered every frame sent or received on an interface. */
  private readonly packetTaps = new Set<PacketTap>();

  constructor(opts: Ipv4StackOptions) {
    this.scheduler = opts.scheduler;
    this.prng = opts.prng;
    this.logLine = opts.log ?? (() => {});
    this.nextIdent = this.prng.nextU32() & 0xffff;
    this.arp = new ArpCache({
      scheduler: this.scheduler,
      sendFrame: (i, f) => this.transmit(i, f),
      sendResolved: (i, mac, d) => this.transmit(i, emitEthernet({ dst: mac, src: i.mac, ethertype: ETHERTYPE_IPV4, payload: d }, true)),
      ownsAddress: (i, a) => i.addresses.some((x) => x.addr === a),
      unreachable: (i, a, dropped) => {
        this.counters.arpDropped += dropped.length;
        this.logLine(`arp: ${i.name}: no reply from ${formatIpv4(a)}, ${dropped.length} datagrams dropped`);
        // As Linux's ipv4_link_failure: each sender hears ICMP host unreachable from its own stack.
        for (const d of dropped) this.icmp.sendLocalUnreachable(d);
      },
    });
    this.reassembler = new Reassembler(this.scheduler, (first) => {
      this.counters.ipReasmFails = this.reassembler.failures;
      if (first) this.icmp.sendTimeExceeded(first, 1);
    });
    const lo: Iface = { index: 1, name: 'lo', dev: null, mac: '00:00:00:00:00:00', mtuBytes: 65536, up: true, addresses: [], stats: newDeviceStats() };
    this.ifaces.push(lo);
    this.icmp = new IcmpLayer(this);
    this.registerTransport(this.icmp);
    this.registerTransport(new UdpLayer(this));
    this.tcp = new TcpLayer(this, opts.tcp);
    this.registerTransport(this.tcp);
    this.addAddress('lo', { addr: LOOPBACK_ADDR, prefixLen: 8 });
  }

  registerTransport(t: Transport): void {
    this.transports.set(t.protocol, t);
  }

  log(line: string): void {
    this.logLine(line);
  }

  // ---- interfaces and routes (IpStack) ----

  addDevice(dev: NetDevice): number {
    if (this.ifaces.some((i) => i.name === dev.name)) return -EEXIST;
    const index = this.ifaces.length + 1;
    const iface: Iface = { index, name: dev.name, dev, mac: dev.mac, mtuBytes: dev.mtuBytes, up: false, addresses: [], stats: newDeviceStats() };
    this.ifaces.push(iface);
    dev.setReceiver((frame) => this.receiveFrame(iface, frame));
    return index;
  }

  interfaces(): readonly InterfaceInfo[] {
    return this.ifaces.map(ifaceInfo);
  }

  private byName(name: string): Iface | undefined {
    return this.ifaces.find((i) => i.name === name);
  }

  interfaceExists(ifname: string): boolean {
    return this.byName(ifname) !== undefined;
  }

  setUp(ifname: string, up: boolean): number {
    const i = this.byName(ifname);
    if (!i) return -ENODEV;
    if (i.up === up) return 0;
    i.up = up;
    if (!up) {
      this.arp.flushInterface(i);
      this.routeTable.removeInterface(i.name);
    } else {
      for (const a of i.addresses) this.addConnectedRoute(i, a);
      for (const a of i.addresses) if (i.dev) this.arp.announce(i, a.addr);
    }
    return 0;
  }

  setMtu(ifname: string, mtuBytes: number): number {
    const i = this.byName(ifname);
    if (!i) return -ENODEV;
    if (!Number.isInteger(mtuBytes) || mtuBytes < MIN_MTU || mtuBytes > (i.dev ? i.dev.mtuBytes : MAX_MTU + 1)) return -EINVAL;
    i.mtuBytes = mtuBytes;
    return 0;
  }

  addAddress(ifname: string, address: InterfaceAddress): number {
    const i = this.byName(ifname);
    if (!i) return -ENODEV;
    if (!(address.prefixLen >= 0 && address.prefixLen <= 32) || !Number.isInteger(address.prefixLen)) return -EINVAL;
    if (i.addresses.some((a) => a.addr === address.addr)) return -EEXIST;
    const a = { addr: address.addr >>> 0, prefixLen: address.prefixLen };
    i.addresses.push(a);
    if (i.up) {
      this.addConnectedRoute(i, a);
      if (i.dev) this.arp.announce(i, a.addr);
    }
    return 0;
  }

  private addConnectedRoute(i: Iface, a: InterfaceAddress): void {
    if (a.prefixLen === 32) return;
    const r: RouteEntry = { dest: (a.addr & prefixMask(a.prefixLen)) >>> 0, prefixLen: a.prefixLen, gateway: 0, ifname: i.name, metric: 0 };
    this.routeTable.add(r);
  }

  removeAddress(ifname: string, address: InterfaceAddress): number {
    const i = this.byName(ifname);
    if (!i) return -ENODEV;
    const k = i.addresses.findIndex((a) => a.addr === address.addr >>> 0 && a.prefixLen === address.prefixLen);
    if (k < 0) return -EADDRNOTAVAIL;
    const [a] = i.addresses.splice(k, 1);
    const net = (a.addr & prefixMask(a.prefixLen)) >>> 0;
    const stillCovered = i.addresses.some((b) => b.prefixLen === a.prefixLen && ((b.addr & prefixMask(b.prefixLen)) >>> 0) === net);
    if (!stillCovered) this.routeTable.removeInterface(i.name, (e) => e.gateway === 0 && e.dest === net && e.prefixLen === a.prefixLen);
    if (i.addresses.length === 0) this.routeTable.removeInterface(i.name);
    return 0;
  }

  routes(): readonly RouteEntry[] {
    return this.routeTable.list().filter((r) => r.ifname !== 'lo');
  }

  addRoute(route: RouteEntry): number {
    const i = this.byName(route.ifname);
    if (!i) return -ENODEV;
    if (!i.up) return -ENETUNREACH;
    if (route.gateway !== 0) {
      const via = this.routeTable.lookup(route.gateway, route.ifname);
      if (!via || via.gateway !== 0) return -ENETUNREACH;
    }
    return this.routeTable.add(route);
  }

  removeRoute(route: RouteEntry): number {
    return this.routeTable.remove(route);
  }

  arpTable(): readonly { addr: number; mac: string; ifname: string; complete: boolean }[] {
    return this.arp.table();
  }

  createSocket(type: number, protocol: number): KernelSocket | number {
    if (type === SOCK_RAW && protocol === IPPROTO_RAW) return new RawIpSocket(this);
    for (const t of this.transports.values()) {
      const s = t.createSocket(type, protocol);
      if (s !== null) return s;
    }
    // Linux's inet_create: a known type with a protocol it does not carry, or an unknown type.
    return type === SOCK_STREAM || type === SOCK_DGRAM || type === SOCK_RAW ? -EPROTONOSUPPORT : -ESOCKTNOSUPPORT;
  }

  sockets(): readonly SocketInfo[] {
    return [...this.transports.values()].flatMap((t) => t.sockets());
  }

  // ---- addresses as the transports see them (StackCore) ----

  isLocalAddress(addr: number): boolean {
    if ((addr & 0xff000000) >>> 0 === LOOPBACK_NET) return true;
    return this.ifaces.some((i) => i.addresses.some((a) => a.addr === addr));
  }

  private isBroadcastFor(i: Iface, dst: number): boolean {
    if (dst === 0xffffffff) return true;
    return i.addresses.some((a) => a.prefixLen < 31 && ((a.addr | ~prefixMask(a.prefixLen)) >>> 0) === dst);
  }

  sourceFor(dst: number, ifname?: string): number {
    if (this.isLocalAddress(dst)) return dst;
    const path = this.pathTo(dst, ifname);
    if (typeof path === 'number') return path;
    return this.pickSource(path.iface, path.nextHop);
  }

  pathMtu(dst: number, ifname?: string): number {
    if (this.isLocalAddress(dst)) return this.ifaces[0].mtuBytes;
    const path = this.pathTo(dst, ifname);
    return typeof path === 'number' ? 1500 : path.iface.mtuBytes;
  }

  private pickSource(i: Iface, nextHop: number): number {
    const same = i.addresses.find((a) => ((a.addr ^ nextHop) & prefixMask(a.prefixLen)) === 0);
    return (same ?? i.addresses[0])?.addr ?? 0;
  }

  private pathTo(dst: number, ifname?: string): { iface: Iface; nextHop: number } | number {
    const r = this.routeTable.lookup(dst, ifname);
    if (!r) {
      // Limited broadcast leaves through the bound device even without a route (DHCP).
      const bound = ifname !== undefined ? this.byName(ifname) : undefined;
      if (bound && dst === 0xffffffff && ifaceRunning(bound)) return { iface: bound, nextHop: dst };
      return -ENETUNREACH;
    }
    const iface = this.byName(r.ifname);
    if (!iface || !ifaceRunning(iface)) return -ENETUNREACH;
    return { iface, nextHop: r.gateway !== 0 ? r.gateway : dst };
  }

  // ---- IP output ----

  sendIp(req: IpSendRequest): number {
    this.counters.ipOutRequests++;
    const local = this.isLocalAddress(req.dst);
    const path = local ? { iface: this.ifaces[0], nextHop: req.dst } : this.pathTo(req.dst, req.ifname);
    if (typeof path === 'number') {
      this.counters.ipOutNoRoutes++;
      return path;
    }
    const bcast = !local && this.isBroadcastFor(path.iface, req.dst);
    if (bcast && !req.broadcast) return -EACCES;
    const src = req.src !== 0 ? req.src : local ? req.dst : this.pickSource(path.iface, path.nextHop);
    const fits = IPV4.minHeaderBytes + req.payload.length <= path.iface.mtuBytes;
    if (!fits && req.dontFragment) return -EMSGSIZE;
    if (IPV4.minHeaderBytes + req.payload.length > 0xffff) return -EMSGSIZE;
    const ip: Ipv4Repr = {
      tos: req.tos ?? 0, ident: this.nextIdent, dontFragment: fits && req.dontFragment !== false, moreFragments: false, fragmentOffsetBytes: 0,
      ttl: req.ttl ?? 64, protocol: req.protocol, src, dst: req.dst, options: new Uint8Array(0), payload: req.payload,
    };
    this.nextIdent = (this.nextIdent + 1) & 0xffff;
    const pieces = fragmentIpv4(ip, path.iface.mtuBytes);
    if (pieces.length > 1) {
      this.counters.ipFragOKs++;
      this.counters.ipFragCreates += pieces.length;
    }
    for (const p of pieces) this.outputDatagram(path.iface, path.nextHop, bcast, src, emitIpv4(p));
    return 0;
  }

  private outputDatagram(i: Iface, nextHop: number, bcast: boolean, src: number, datagram: Uint8Array): void {
    if (i.dev === null) {
      i.stats.txPackets++;
      i.stats.txBytes += datagram.length;
      this.scheduler.scheduleAfter(0, () => {
        i.stats.rxPackets++;
        i.stats.rxBytes += datagram.length;
        this.receiveDatagram(i, datagram, false);
      }, 'lo:rx');
      return;
    }
    if (bcast) this.transmit(i, emitEthernet({ dst: BROADCAST_MAC, src: i.mac, ethertype: ETHERTYPE_IPV4, payload: datagram }, true));
    else this.arp.output(i, nextHop, src, datagram);
  }

  createPacketSocket(type: number, protocol: number): KernelSocket | number {
    if (type !== SOCK_RAW && type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
    let remove: () => void = () => undefined;
    const sock = new PacketSocket(this.packetHost, type, protocol, () => remove());
    remove = this.addPacketTap((ifindex, frame, outgoing, ourMac) => sock.deliver(ifindex, frame, outgoing, ourMac));
    return sock;
  }

  /** Registers an AF_PACKET tap; returns its removal. */
  addPacketTap(tap: PacketTap): () => void {
    this.packetTaps.add(tap);
    return () => this.packetTaps.delete(tap);
  }

  /** Interfaces by index and raw transmission, as AF_PACKET sockets need them. */
  readonly packetHost: PacketHost = {
    iface: (ifindex) => {
      const i = this.ifaces[ifindex - 1];
      return i && { index: i.index, mac: i.mac, mtuBytes: i.mtuBytes, up: i.up, loopback: i.dev === null };
    },
    transmit: (ifindex, frame) => {
      const i = this.ifaces[ifindex - 1];
      if (!i) return -ENODEV;
      // Loopback has no link layer to put a frame on; Linux loops it back, this stack does not (yet).
      if (!i.dev) return -EOPNOTSUPP;
      this.transmit(i, frame);
      return 0;
    },
  };

  private transmit(i: Iface, frame: Uint8Array): void {
    if (!i.dev || !ifaceRunning(i)) return;
    for (const tap of this.packetTaps) tap(i.index, frame, true, i.mac);
    i.dev.transmit(frame);
  }

  // ---- input ----

  private receiveFrame(i: Iface, frame: Uint8Array): void {
    if (!i.up) return;
    const eth = parseEthernet(frame);
    if (!eth.ok) {
      i.stats.rxErrors++;
      return;
    }
    const e = eth.value;
    if (e.dst !== i.mac && e.dst !== BROADCAST_MAC) return;
    for (const tap of this.packetTaps) tap(i.index, frame, false, i.mac);
    if (e.ethertype === ETHERTYPE_ARP) {
      const arp = parseArp(e.payload);
      if (arp.ok) this.arp.input(i, arp.value);
      else i.stats.rxErrors++;
      return;
    }
    if (e.ethertype === ETHERTYPE_IPV4) this.receiveDatagram(i, e.payload, e.dst === BROADCAST_MAC);
  }

  private receiveDatagram(i: Iface, bytes: Uint8Array, l2Broadcast: boolean): void {
    this.counters.ipInReceives++;
    const parsed = parseIpv4(bytes);
    if (!parsed.ok) {
      this.counters.ipInHdrErrors++;
      return;
    }
    let ip = parsed.value;
    const bcast = this.isBroadcastFor(i, ip.dst) || l2Broadcast;
    // Without an address an interface takes unicast to any address (a DHCP offer to yiaddr).
    const forUs = bcast || this.isLocalAddress(ip.dst) || (i.dev !== null && i.addresses.length === 0);
    if (!forUs) {
      this.counters.ipInAddrErrors++;
      return;
    }
    if (ip.moreFragments || ip.fragmentOffsetBytes !== 0) {
      this.counters.ipReasmReqds++;
      const whole = this.reassembler.add(ip);
      this.counters.ipReasmFails = this.reassembler.failures;
      if (!whole) return;
      this.counters.ipReasmOKs++;
      ip = whole;
      bytes = emitIpv4({ ...whole, dontFragment: false });
    }
    this.deliver(i, ip, bytes, bcast);
  }

  private deliver(i: Iface, ip: Ipv4Repr, bytes: Uint8Array, bcast: boolean): void {
    const t = this.transports.get(ip.protocol);
    const d = { ip, iface: i, broadcast: bcast, bytes };
    this.icmp.rawInput(d);
    if (!t) {
      if (!this.icmp.hasRawFor(ip.protocol)) {
        this.counters.ipInUnknownProtos++;
        if (!bcast) this.icmp.sendUnreachable(ip, bytes, 2);
      }
      return;
    }
    this.counters.ipInDelivers++;
    const taken = t.input(d);
    if (!taken && !bcast) this.icmp.sendUnreachable(ip, bytes, 3);
  }

  /** ICMP errors reach the transport whose datagram they quote. */
  transportFor(protocol: number): Transport | undefined {
    return this.transports.get(protocol);
  }
}
