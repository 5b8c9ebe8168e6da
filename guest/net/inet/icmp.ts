// ICMP (RFC 792) in the stack: echo replies, destination unreachable (port, protocol) and time
// exceeded (reassembly) sent for our own datagrams' failures, errors received handed to the
// transport whose datagram they quote, and the two ICMP socket kinds: Linux's ping socket
// (SOCK_DGRAM/IPPROTO_ICMP: the kernel owns the echo identifier) and SOCK_RAW/IPPROTO_ICMP
// (the caller writes whole ICMP messages and reads whole IP datagrams).

import { EINVAL } from '../../kernel/errno';
import type { Block } from '../../kernel/wait';
import { AF_INET, AF_UNSPEC, SOCK_DGRAM, SOCK_RAW, type KernelSocket, type SockAddr, type SocketInfo } from '../socket';
import { put16, finishChecksum, onesSum } from '../wire/bytes';
import { emitIcmpv4, icmpQuote, parseIcmpv4, type Icmpv4Repr } from '../wire/icmpv4';
import { IP_PROTO_ICMP, parseIpv4, type Ipv4Repr } from '../wire/ipv4';
import { EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EDESTADDRREQ, EMSGSIZE, EPROTONOSUPPORT, IPPROTO_ICMP, TCP_CLOSE, TCP_ESTABLISHED } from './consts';
import type { StackCore } from './core';
import { DatagramSocket } from './dgram';
import type { DeliveredDatagram, Transport } from './transport';

const ICMP_ECHO_REQUEST = 8;
const MAX_ICMP_BYTES = 65507;

/** The hooks the layer needs into the stack beyond StackCore. */
export interface IcmpHost extends StackCore {
  transportFor(protocol: number): Transport | undefined;
}

abstract class IcmpSocket extends DatagramSocket {
  constructor(protected readonly layer: IcmpLayer, type: number) {
    super(type, IPPROTO_ICMP, (n) => layer.core.interfaceExists(n));
  }

  connect(addr: SockAddr): number {
    if (addr.family === AF_UNSPEC) {
      this.remote = null;
      return 0;
    }
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    this.remote = { addr: addr.addr >>> 0, port: 0 };
    return 0;
  }

  protected destination(to: SockAddr | undefined): number {
    if (to && to.family === AF_INET) return to.addr >>> 0;
    if (to && to.family !== AF_UNSPEC) return -EAFNOSUPPORT;
    return this.remote ? this.remote.addr : -EDESTADDRREQ;
  }

  protected release(): void {
    this.layer.remove(this);
  }
}

/** SOCK_DGRAM + IPPROTO_ICMP: echo requests only; the identifier is the socket's "port". */
export class PingSocket extends IcmpSocket {
  constructor(layer: IcmpLayer) {
    super(layer, SOCK_DGRAM);
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    if (this.local.port !== 0) return -EINVAL;
    if (addr.addr !== 0 && !this.layer.core.isLocalAddress(addr.addr)) return -EADDRNOTAVAIL;
    return this.layer.bindIdent(this, addr.addr >>> 0, addr.port);
  }

  send(data: Uint8Array, _flags: number, to: SockAddr | undefined): number | Block {
    const dst = this.destination(to);
    if (dst < 0) return dst;
    if (data.length < 8 || data[0] !== ICMP_ECHO_REQUEST || data[1] !== 0) return -EINVAL;
    if (data.length > MAX_ICMP_BYTES) return -EMSGSIZE;
    if (this.local.port === 0) {
      const r = this.layer.bindIdent(this, this.local.addr, 0);
      if (r < 0) return r;
    }
    const msg = data.slice();
    put16(msg, 4, this.local.port);
    put16(msg, 2, 0);
    put16(msg, 2, finishChecksum(onesSum(msg, 0, msg.length)));
    return this.layer.output(this, dst, msg);
  }

  /** An echo reply whose identifier is ours: the ICMP message without the IP header. */
  wants(ip: Ipv4Repr, msg: Icmpv4Repr): boolean {
    if (msg.kind !== 'echoReply' || msg.ident !== this.local.port || this.local.port === 0) return false;
    if (this.remote && this.remote.addr !== ip.src) return false;
    return this.local.addr === 0 || this.local.addr === ip.dst;
  }
}

/** SOCK_RAW + IPPROTO_ICMP: sends the caller's ICMP bytes as they are, receives whole datagrams. */
export class RawIcmpSocket extends IcmpSocket {
  constructor(layer: IcmpLayer) {
    super(layer, SOCK_RAW);
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    if (addr.addr !== 0 && !this.layer.core.isLocalAddress(addr.addr)) return -EADDRNOTAVAIL;
    this.local = { addr: addr.addr >>> 0, port: 0 };
    return 0;
  }

  send(data: Uint8Array, _flags: number, to: SockAddr | undefined): number | Block {
    const dst = this.destination(to);
    if (dst < 0) return dst;
    if (data.length > MAX_ICMP_BYTES) return -EMSGSIZE;
    return this.layer.output(this, dst, data.slice());
  }
}

export class IcmpLayer implements Transport {
  readonly protocol = IP_PROTO_ICMP;
  private readonly pings: PingSocket[] = [];
  private readonly raws: RawIcmpSocket[] = [];

  constructor(readonly core: IcmpHost) {}

  createSocket(type: number, protocol: number): KernelSocket | number | null {
    if (type === SOCK_DGRAM && protocol === IPPROTO_ICMP) return new PingSocket(this);
    if (type === SOCK_RAW) {
      if (protocol !== IPPROTO_ICMP) return -EPROTONOSUPPORT;
      const s = new RawIcmpSocket(this);
      this.raws.push(s);
      return s;
    }
    return null;
  }

  bindIdent(s: PingSocket, addr: number, ident: number): number {
    let id = ident;
    if (id === 0) {
      const used = new Set(this.pings.map((p) => p.local.port));
      const start = this.core.prng.nextInt(0xffff) + 1;
      for (let i = 0; i < 0xffff && (id === 0 || used.has(id)); i++) id = ((start + i - 1) % 0xffff) + 1;
      if (used.has(id)) return -EADDRINUSE;
    } else if (this.pings.some((p) => p.local.port === id && (p.local.addr === 0 || addr === 0 || p.local.addr === addr))) return -EADDRINUSE;
    s.local = { addr, port: id };
    this.pings.push(s);
    return 0;
  }

  remove(s: DatagramSocket): void {
    for (const list of [this.pings as DatagramSocket[], this.raws as DatagramSocket[]]) {
      const i = list.indexOf(s);
      if (i >= 0) list.splice(i, 1);
    }
  }

  output(s: DatagramSocket, dst: number, msg: Uint8Array): number {
    const r = this.core.sendIp({ src: s.local.addr, dst, protocol: IP_PROTO_ICMP, payload: msg, ttl: s.opts.ttl, tos: s.opts.tos, ifname: s.opts.bindToDevice || undefined, broadcast: s.opts.broadcast });
    if (r < 0) return r;
    this.core.counters.icmpOutMsgs++;
    return msg.length;
  }

  hasRawFor(protocol: number): boolean {
    return protocol === IP_PROTO_ICMP && this.raws.length > 0;
  }

  /** Every ICMP datagram delivered to the host is copied to each raw ICMP socket. */
  rawInput(d: DeliveredDatagram): void {
    if (d.ip.protocol !== IP_PROTO_ICMP) return;
    for (const s of this.raws) {
      if (s.local.addr !== 0 && s.local.addr !== d.ip.dst) continue;
      if (s.remote && s.remote.addr !== d.ip.src) continue;
      if (s.opts.bindToDevice && s.opts.bindToDevice !== d.iface.name) continue;
      s.enqueue(d.bytes, { addr: d.ip.src, port: 0 });
    }
  }

  input(d: DeliveredDatagram): boolean {
    this.core.counters.icmpInMsgs++;
    const p = parseIcmpv4(d.ip.payload);
    if (!p.ok) {
      this.core.counters.icmpInErrors++;
      return true;
    }
    const msg = p.value;
    if (msg.kind === 'echoRequest') {
      // icmp_echo_ignore_broadcasts=1, as Linux defaults.
      if (!d.broadcast) this.reply(d.ip, msg);
    } else if (msg.kind === 'echoReply') {
      for (const s of this.pings) if (s.wants(d.ip, msg)) s.enqueue(d.ip.payload, { addr: d.ip.src, port: 0 });
    } else if (msg.kind === 'destUnreachable' || msg.kind === 'timeExceeded') {
      this.reportError(msg.kind === 'destUnreachable' ? 3 : 11, msg.code, msg.kind === 'destUnreachable' ? msg.nextHopMtu : 0, msg.original);
    }
    return true;
  }

  private reply(ip: Ipv4Repr, req: { ident: number; seq: number; data: Uint8Array }): void {
    const rep = emitIcmpv4({ kind: 'echoReply', ident: req.ident, seq: req.seq, data: req.data });
    if (this.core.sendIp({ src: ip.dst, dst: ip.src, protocol: IP_PROTO_ICMP, payload: rep, tos: ip.tos }) === 0) this.core.counters.icmpOutMsgs++;
  }

  private reportError(type: number, code: number, mtu: number, original: Uint8Array): void {
    // The quote is a header plus 8 bytes, so its total length field overstates it: parse leniently.
    if (original.length < 28 || original[0] >> 4 !== 4) return;
    const ihl = (original[0] & 0xf) * 4;
    const patched = original.slice(0, Math.min(original.length, ihl + 8));
    put16(patched, 2, patched.length);
    const q = parseIpv4(patched, { ignoreChecksum: true });
    if (!q.ok) return;
    const t = this.core.transportFor(q.value.protocol);
    t?.icmpError({ type, code, src: q.value.src, dst: q.value.dst, protocol: q.value.protocol, head: q.value.payload, nextHopMtu: mtu });
  }

  /** Destination unreachable for a datagram we could not deliver (code 3 port, 2 protocol). */
  sendUnreachable(ip: Ipv4Repr, bytes: Uint8Array, code: number): void {
    if (ip.protocol === IP_PROTO_ICMP && isIcmpError(ip.payload)) return;
    const msg = emitIcmpv4({ kind: 'destUnreachable', code, nextHopMtu: 0, original: icmpQuote(bytes) });
    if (this.core.sendIp({ src: ip.dst, dst: ip.src, protocol: IP_PROTO_ICMP, payload: msg }) === 0) this.core.counters.icmpOutMsgs++;
  }

  /** Host unreachable (code 1) to a local sender whose datagram could not be delivered (ARP failed). */
  sendLocalUnreachable(datagram: Uint8Array): void {
    const ip = parseIpv4(datagram);
    if (!ip.ok || !this.core.isLocalAddress(ip.value.src)) return;
    if (ip.value.protocol === IP_PROTO_ICMP && isIcmpError(ip.value.payload)) return;
    const msg = emitIcmpv4({ kind: 'destUnreachable', code: 1, nextHopMtu: 0, original: icmpQuote(datagram) });
    if (this.core.sendIp({ src: ip.value.src, dst: ip.value.src, protocol: IP_PROTO_ICMP, payload: msg }) === 0) this.core.counters.icmpOutMsgs++;
  }

  /** Time exceeded (code 1: fragment reassembly) quoting the first fragment. */
  sendTimeExceeded(first: Ipv4Repr, code: number): void {
    const head = first.payload.subarray(0, 8);
    const quote = new Uint8Array(20 + head.length);
    quote[0] = 0x45;
    put16(quote, 2, quote.length);
    put16(quote, 4, first.ident);
    put16(quote, 6, 0x2000);
    quote[8] = first.ttl;
    quote[9] = first.protocol;
    new DataView(quote.buffer).setUint32(12, first.src);
    new DataView(quote.buffer).setUint32(16, first.dst);
    put16(quote, 10, finishChecksum(onesSum(quote, 0, 20)));
    quote.set(head, 20);
    const msg = emitIcmpv4({ kind: 'timeExceeded', code, original: quote });
    if (this.core.sendIp({ src: first.dst, dst: first.src, protocol: IP_PROTO_ICMP, payload: msg }) === 0) this.core.counters.icmpOutMsgs++;
  }

  icmpError(): void {
    // Errors about our own ICMP messages: Linux reports them to ping sockets only with IP_RECVERR.
  }

  sockets(): SocketInfo[] {
    return this.raws.map((s) => ({
      protocol: 'raw' as const,
      local: { addr: s.local.addr, port: IP_PROTO_ICMP },
      remote: { addr: s.remote?.addr ?? 0, port: 0 },
      state: s.remote ? TCP_ESTABLISHED : TCP_CLOSE,
      txQueueBytes: 0,
      rxQueueBytes: s.queuedBytes,
    }));
  }
}

function isIcmpError(payload: Uint8Array): boolean {
  if (payload.length < 1) return false;
  const t = payload[0];
  return t === 3 || t === 4 || t === 5 || t === 11 || t === 12;
}
