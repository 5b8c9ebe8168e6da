// TCP's place in the stack: demultiplexing segments to connections and listeners, RSTs for
// segments nobody owns (RFC 9293 §3.10.7.1), port bookkeeping for bind/connect, ICMP errors, and
// the /proc/net/tcp view.

import { IP_PROTO_TCP } from '../../wire/ipv4';
import { emitTcp, parseTcp, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../../wire/tcp';
import { SOCK_STREAM, type KernelSocket, type SocketInfo } from '../../socket';
import { IPPROTO_TCP, unreachableErrno } from '../consts';
import type { StackCore } from '../core';
import type { DeliveredDatagram, IcmpErrorReport, Transport } from '../transport';
import { TcpConnection, type ConnHooks } from './conn';
import { TcpListener } from './listener';
import { seqAdd } from './seq';
import { TcpSocket } from './socket';
import { DEFAULT_TUNABLES, LINUX_STATE, type Endpoint, type TcpEnv, type TcpTunables } from './types';
import { EventScheduler } from '../../../../emulator/time/scheduler';

export function connKey(local: Endpoint, remote: Endpoint): string {
  return `${local.addr >>> 0}:${local.port}>${remote.addr >>> 0}:${remote.port}`;
}

export class TcpLayer implements Transport {
  readonly protocol = IP_PROTO_TCP;
  readonly env: TcpEnv;
  readonly conns = new Map<string, TcpConnection>();
  readonly listeners: TcpListener[] = [];
  /** Sockets holding a local port without a connection yet (bound, listening). */
  readonly boundSockets = new Set<TcpSocket>();

  constructor(readonly core: StackCore, tunables: Partial<TcpTunables> = {}) {
    this.env = {
      core,
      scheduler: core.scheduler,
      tunables: { ...DEFAULT_TUNABLES, ...tunables },
      output: (l, r, seg, ttl, tos, ifname) => this.output(l, r, seg, ttl, tos, ifname),
    };
  }

  get scheduler(): EventScheduler {
    return this.core.scheduler;
  }

  createSocket(type: number, protocol: number): KernelSocket | null {
    if (type !== SOCK_STREAM || (protocol !== 0 && protocol !== IPPROTO_TCP)) return null;
    return new TcpSocket(this);
  }

  output(local: Endpoint, remote: Endpoint, seg: TcpRepr, ttl: number, tos: number, ifname: string): void {
    const bytes = emitTcp(seg, local.addr, remote.addr);
    this.core.counters.tcpOutSegs++;
    this.core.sendIp({ src: local.addr, dst: remote.addr, protocol: IP_PROTO_TCP, payload: bytes, ttl, tos, ifname: ifname || undefined, dontFragment: true });
  }

  /** Builds and registers a connection; the caller opens it. */
  newConnection(local: Endpoint, remote: Endpoint, owner: { opts: TcpSocket['opts']; tcpOpts: TcpSocket['tcpOpts'] }, listener: TcpListener | null): TcpConnection {
    const hooks: ConnHooks = {
      onEstablished: (c) => listener?.established(c),
      onClosed: (c) => {
        if (this.conns.get(connKey(c.local, c.remote)) === c) this.conns.delete(connKey(c.local, c.remote));
        listener?.forget(c);
      },
    };
    const c = new TcpConnection(this.env, hooks, { ...local }, { ...remote }, owner.opts, owner.tcpOpts);
    this.conns.set(connKey(local, remote), c);
    return c;
  }

  newIss(): number {
    return this.core.prng.nextU32();
  }

  input(d: DeliveredDatagram): boolean {
    const p = parseTcp(d.ip.payload, d.ip.src, d.ip.dst);
    if (!p.ok) {
      this.core.counters.tcpInErrs++;
      return true;
    }
    this.core.counters.tcpInSegs++;
    if (d.broadcast) return true;
    const seg = p.value;
    const local = { addr: d.ip.dst, port: seg.dstPort };
    const remote = { addr: d.ip.src, port: seg.srcPort };
    const c = this.conns.get(connKey(local, remote));
    if (c) {
      c.segmentArrives(seg);
      return true;
    }
    const l = this.findListener(local, d.iface.name);
    if (l) this.inputListen(l, seg, local, remote);
    else this.resetFor(seg, local, remote);
    return true;
  }

  private findListener(local: Endpoint, ifname: string): TcpListener | undefined {
    let best: TcpListener | undefined;
    for (const l of this.listeners) {
      if (l.local.port !== local.port || (l.local.addr !== 0 && l.local.addr !== local.addr)) continue;
      if (l.opts.bindToDevice && l.opts.bindToDevice !== ifname) continue;
      if (!best || l.local.addr !== 0) best = l;
    }
    return best;
  }

  private inputListen(l: TcpListener, seg: TcpRepr, local: Endpoint, remote: Endpoint): void {
    if (seg.flags & TCP_RST) return;
    if (seg.flags & TCP_ACK) return this.resetFor(seg, local, remote);
    if (!(seg.flags & TCP_SYN)) return;
    if (l.full) return;
    const c = this.newConnection(local, remote, l, l);
    l.synQueue.add(c);
    this.core.counters.tcpPassiveOpens++;
    c.openPassive(seg, this.newIss());
  }

  /** RFC 9293 §3.10.7.1: the reset for a segment to a connection that does not exist. */
  resetFor(seg: TcpRepr, local: Endpoint, remote: Endpoint): void {
    if (seg.flags & TCP_RST) return;
    const len = seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
    const rst: TcpRepr = seg.flags & TCP_ACK
      ? { srcPort: local.port, dstPort: remote.port, seq: seg.ack, ack: 0, flags: TCP_RST, window: 0, urgent: 0, options: {}, payload: new Uint8Array(0) }
      : { srcPort: local.port, dstPort: remote.port, seq: 0, ack: seqAdd(seg.seq, len), flags: TCP_RST | TCP_ACK, window: 0, urgent: 0, options: {}, payload: new Uint8Array(0) };
    this.core.counters.tcpOutRsts++;
    this.output(local, remote, rst, 64, 0, '');
  }

  icmpError(e: IcmpErrorReport): void {
    if (e.head.length < 8) return;
    const local = { addr: e.src, port: (e.head[0] << 8) | e.head[1] };
    const remote = { addr: e.dst, port: (e.head[2] << 8) | e.head[3] };
    const c = this.conns.get(connKey(local, remote));
    if (!c) return;
    if (e.type === 3 && e.code === 4) return c.pmtuUpdate(e.nextHopMtu);
    // While connecting, any destination unreachable ends the attempt (Linux's tcp_v4_err);
    // on a synchronized connection they are soft errors and the retransmissions go on.
    if (e.type === 3 && (c.state === 'SYN-SENT' || (c.state === 'SYN-RECEIVED' && !c.passive))) c.abort(unreachableErrno(e.code), false);
  }

  /** Whether `port` on `addr` can be bound by `s` (Linux's inet_csk_bind_conflict, simplified). */
  portFree(s: TcpSocket, addr: number, port: number): boolean {
    for (const o of this.boundSockets) {
      if (o === s || o.local.port !== port || !(o.local.addr === 0 || addr === 0 || o.local.addr === addr)) continue;
      if (!(o.opts.reuseAddr && s.opts.reuseAddr && !o.isListening)) return false;
    }
    for (const c of this.conns.values()) {
      if (c.local.port !== port || !(c.local.addr === addr || addr === 0)) continue;
      // SO_REUSEADDR lets a server rebind over TIME-WAIT (and other non-listening) connections.
      if (s.opts.reuseAddr) continue;
      return false;
    }
    return true;
  }

  sockets(): SocketInfo[] {
    const rows: SocketInfo[] = this.listeners.map((l) => ({ protocol: 'tcp' as const, local: { ...l.local }, remote: { addr: 0, port: 0 }, state: LINUX_STATE.LISTEN, txQueueBytes: 0, rxQueueBytes: l.acceptQueue.length }));
    for (const c of this.conns.values()) {
      rows.push({ protocol: 'tcp', local: { ...c.local }, remote: { ...c.remote }, state: LINUX_STATE[c.state], txQueueBytes: c.sendQ.length, rxQueueBytes: c.recvQ.length });
    }
    return rows;
  }
}
