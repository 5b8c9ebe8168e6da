// UDP (RFC 768) sockets: bind with SO_REUSEADDR sharing and ephemeral ports, connect (which also
// fixes the source address), sendto/recvfrom, broadcast with SO_BROADCAST, SO_BINDTODEVICE, and
// ECONNREFUSED after an ICMP port unreachable on a connected socket.

import { EAGAIN, EINVAL, EPIPE } from '../../kernel/errno';
import type { Block } from '../../kernel/wait';
import { AF_INET, AF_UNSPEC, SOCK_DGRAM, type KernelSocket, type SockAddr, type SocketInfo } from '../socket';
import { IP_PROTO_UDP } from '../wire/ipv4';
import { emitUdp, parseUdp } from '../wire/udp';
import { EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EDESTADDRREQ, EHOSTUNREACH, EMSGSIZE, IPPROTO_UDP, unreachableErrno, TCP_CLOSE, TCP_ESTABLISHED } from './consts';
import type { StackCore } from './core';
import { DatagramSocket } from './dgram';
import { addressesOverlap, pickEphemeralPort } from './ports';
import type { DeliveredDatagram, IcmpErrorReport, Transport } from './transport';

const MAX_UDP_PAYLOAD = 65507;

export class UdpSocket extends DatagramSocket {
  constructor(private readonly layer: UdpLayer) {
    super(SOCK_DGRAM, IPPROTO_UDP, (n) => layer.core.interfaceExists(n));
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    if (this.local.port !== 0) return -EINVAL;
    return this.layer.bind(this, addr.addr >>> 0, addr.port);
  }

  connect(addr: SockAddr): number {
    if (addr.family === AF_UNSPEC) {
      this.remote = null;
      return 0;
    }
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    if (addr.port === 0) return -EINVAL;
    const dst = addr.addr === 0 ? 0x7f000001 : addr.addr >>> 0;
    if (this.local.addr === 0) {
      const src = this.layer.core.sourceFor(dst, this.opts.bindToDevice || undefined);
      if (src < 0) return src;
      if (src > 0 && this.local.port !== 0 && !this.layer.rebindable(this, src)) return -EADDRINUSE;
      if (src > 0) this.local = { addr: src, port: this.local.port };
    }
    if (this.local.port === 0) {
      const r = this.layer.bind(this, this.local.addr, 0);
      if (r < 0) return r;
    }
    this.remote = { addr: dst, port: addr.port };
    this.opts.error = 0;
    return 0;
  }

  send(data: Uint8Array, _flags: number, to: SockAddr | undefined): number | Block {
    const err = this.takeError();
    if (err) return -err;
    if (this.shutWrite) return -EPIPE;
    let dst = this.remote;
    if (to && to.family === AF_INET) dst = { addr: to.addr === 0 ? 0x7f000001 : to.addr >>> 0, port: to.port };
    else if (to && to.family !== AF_UNSPEC) return -EAFNOSUPPORT;
    if (!dst) return -EDESTADDRREQ;
    if (dst.port === 0) return -EINVAL;
    if (data.length > MAX_UDP_PAYLOAD) return -EMSGSIZE;
    if (this.local.port === 0) {
      const r = this.layer.bind(this, 0, 0);
      if (r < 0) return r;
    }
    return this.layer.output(this, dst.addr, dst.port, data);
  }

  protected release(): void {
    this.layer.unbind(this);
  }
}

export class UdpLayer implements Transport {
  readonly protocol = IP_PROTO_UDP;
  private readonly bound: UdpSocket[] = [];

  constructor(readonly core: StackCore) {}

  createSocket(type: number, protocol: number): KernelSocket | null {
    if (type !== SOCK_DGRAM || (protocol !== 0 && protocol !== IPPROTO_UDP)) return null;
    return new UdpSocket(this);
  }

  bind(s: UdpSocket, addr: number, port: number): number {
    if (addr !== 0 && !this.core.isLocalAddress(addr) && addr !== 0xffffffff) return -EADDRNOTAVAIL;
    const clash = (p: number): boolean => this.bound.some((o) => o !== s && o.local.port === p && addressesOverlap(o.local.addr, addr) && !(o.opts.reuseAddr && s.opts.reuseAddr) && !(o.opts.reusePort && s.opts.reusePort));
    let chosen = port;
    if (port === 0) {
      const p = pickEphemeralPort(this.core.prng, (q) => this.bound.some((o) => o !== s && o.local.port === q));
      if (p === null) return -EAGAIN;
      chosen = p;
    } else if (clash(port)) return -EADDRINUSE;
    s.local = { addr, port: chosen };
    if (!this.bound.includes(s)) this.bound.push(s);
    return 0;
  }

  rebindable(s: UdpSocket, addr: number): boolean {
    return !this.bound.some((o) => o !== s && o.local.port === s.local.port && o.local.addr === addr && !(o.opts.reuseAddr && s.opts.reuseAddr));
  }

  unbind(s: UdpSocket): void {
    const i = this.bound.indexOf(s);
    if (i >= 0) this.bound.splice(i, 1);
  }

  output(s: UdpSocket, dst: number, dstPort: number, data: Uint8Array): number {
    const ifname = s.opts.bindToDevice || undefined;
    let src = s.local.addr;
    if (src === 0) {
      // A socket bound to a device without an address sends from 0.0.0.0 (a DHCP client).
      const chosen = this.core.sourceFor(dst, ifname);
      if (chosen >= 0) src = chosen;
      else if (!ifname) return chosen;
    }
    // The checksum covers the source the stack will pick; with none known yet it is 0.0.0.0.
    const seg = emitUdp({ srcPort: s.local.port, dstPort, payload: data }, src, dst);
    const r = this.core.sendIp({ src, dst, protocol: IP_PROTO_UDP, payload: seg, ttl: s.opts.ttl, tos: s.opts.tos, ifname, broadcast: s.opts.broadcast });
    if (r < 0) return r;
    this.core.counters.udpOutDatagrams++;
    return data.length;
  }

  input(d: DeliveredDatagram): boolean {
    const u = parseUdp(d.ip.payload, d.ip.src, d.ip.dst);
    if (!u.ok) {
      this.core.counters.udpInErrors++;
      return true;
    }
    const { srcPort, dstPort, payload } = u.value;
    const matches = this.bound.filter((s) => this.accepts(s, d, srcPort, dstPort));
    if (matches.length === 0) {
      this.core.counters.udpNoPorts++;
      return false;
    }
    // Unicast goes to the most specific socket; broadcast to every one bound to the port.
    const targets = d.broadcast ? matches : [matches.reduce((a, b) => (score(b, d.ip.dst) > score(a, d.ip.dst) ? b : a))];
    for (const s of targets) {
      if (s.enqueue(payload, { addr: d.ip.src, port: srcPort })) this.core.counters.udpInDatagrams++;
      else this.core.counters.udpInErrors++;
    }
    return true;
  }

  private accepts(s: UdpSocket, d: DeliveredDatagram, srcPort: number, dstPort: number): boolean {
    if (s.local.port !== dstPort) return false;
    if (s.local.addr !== 0 && s.local.addr !== d.ip.dst && !(d.broadcast && s.local.addr === 0xffffffff)) return false;
    if (s.remote && (s.remote.addr !== d.ip.src || s.remote.port !== srcPort)) return false;
    if (s.opts.bindToDevice && s.opts.bindToDevice !== d.iface.name) return false;
    return true;
  }

  icmpError(e: IcmpErrorReport): void {
    if (e.head.length < 4) return;
    const srcPort = (e.head[0] << 8) | e.head[1];
    const dstPort = (e.head[2] << 8) | e.head[3];
    const s = this.bound.find((x) => x.local.port === srcPort && x.remote && x.remote.addr === e.dst && x.remote.port === dstPort);
    if (!s) return;
    s.setError(e.type === 3 ? unreachableErrno(e.code) : EHOSTUNREACH);
  }

  sockets(): SocketInfo[] {
    return this.bound.map((s) => ({
      protocol: 'udp' as const,
      local: { ...s.local },
      remote: s.remote ? { ...s.remote } : { addr: 0, port: 0 },
      state: s.remote ? TCP_ESTABLISHED : TCP_CLOSE,
      txQueueBytes: 0,
      rxQueueBytes: s.queuedBytes,
    }));
  }
}

function score(s: UdpSocket, dst: number): number {
  return (s.remote ? 2 : 0) + (s.local.addr === dst ? 1 : 0);
}
