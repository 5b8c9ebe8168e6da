// AF_UNIX sockets (net/unix/af_unix.c): SOCK_STREAM (a byte stream), SOCK_SEQPACKET (records
// over a connection) and SOCK_DGRAM (datagrams to a name or a connected peer). Data is queued
// on the receiving socket; a writer sleeps on the receiver's wait queue when it is full, a
// reader on its own. Closing one end shuts the other down in both directions (SHUTDOWN_MASK),
// so its reads see end of file and its writes EPIPE.

import { EAGAIN, EINVAL, EPERM, EPIPE } from '../../kernel/errno';
import {
  ECONNREFUSED, ECONNRESET, EISCONN, EMSGSIZE, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPROTOTYPE,
} from '../../kernel/net/errno-net';
import { WaitQueue, block, type Block } from '../../kernel/wait';
import {
  AF_UNIX, MSG_PEEK, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM,
  type KernelSocket, type RecvResult, type SockAddr,
} from '../socket';
import { MAX_DGRAM_QLEN, SOMAXCONN, type UnixCred, type UnixNamespace } from './namespace';

const POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLRDNORM = 0x40, POLLWRNORM = 0x100, POLLRDHUP = 0x2000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9;
const SO_PASSCRED = 16, SO_PEERCRED = 17, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
/** net.core.wmem_default / rmem_default. */
export const UNIX_DEFAULT_BUF_BYTES = 212_992;
const UNNAMED: SockAddr = { family: AF_UNIX, path: '', abstract: false };
const NO_CRED: UnixCred = { pid: 0, uid: 0xffffffff, gid: 0xffffffff };

type UnixAddr = SockAddr & { family: typeof AF_UNIX };

/** An open file in flight (SCM_RIGHTS): the message holds one reference until it is received or dropped. */
export interface InFlightFile {
  put(): void;
}

interface Message {
  data: Uint8Array;
  from: SockAddr;
  rights?: InFlightFile[];
  /** The sender's credentials, delivered as SCM_CREDENTIALS to a receiver with SO_PASSCRED. */
  cred: UnixCred;
}

/** recv's result plus the files passed with the data (SCM_RIGHTS), now owned by the caller. */
export interface UnixRecvResult extends RecvResult {
  readonly rights?: InFlightFile[];
  readonly cred?: UnixCred;
}

export class UnixSocket implements KernelSocket {
  readonly family = AF_UNIX;
  readonly protocol = 0;
  readonly wait = new WaitQueue();
  /** The sockfs inode of the socket's file (set when a descriptor is made for it; 0 before). */
  inode = 0;
  state: 'unconnected' | 'listening' | 'connected' = 'unconnected';
  addr: SockAddr | undefined;
  private key: object | undefined;
  peer: UnixSocket | undefined;
  closed = false;
  /** RCV_SHUTDOWN / SEND_SHUTDOWN of this socket. */
  rdShut = false;
  wrShut = false;
  /** sk_err: reported once by the next receive (ECONNRESET when the peer closed with data unread). */
  private err = 0;
  private readonly rx: Message[] = [];
  rxBytes = 0;
  private readonly pending: UnixSocket[] = [];
  private backlogMax = 0;
  private ownCred: UnixCred = NO_CRED;
  private peerCred: UnixCred = NO_CRED;
  private readonly ints = new Map<number, number>([[SO_SNDBUF, UNIX_DEFAULT_BUF_BYTES], [SO_RCVBUF, UNIX_DEFAULT_BUF_BYTES]]);

  constructor(
    private readonly ns: UnixNamespace,
    readonly type: number,
  ) {
    ns.live.add(this);
  }

  get connectionOriented(): boolean {
    return this.type !== SOCK_DGRAM;
  }

  /** Queued connections waiting for accept (listening sockets). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** A connected pair (socketpair(2)); both ends carry the caller's credentials. */
  static pair(ns: UnixNamespace, type: number): [UnixSocket, UnixSocket] {
    const a = new UnixSocket(ns, type), b = new UnixSocket(ns, type);
    a.peer = b;
    b.peer = a;
    a.state = b.state = 'connected';
    a.ownCred = b.ownCred = a.peerCred = b.peerCred = ns.hooks.credentials();
    return [a, b];
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF_UNIX) return -EINVAL;
    if (this.addr) return -EINVAL;
    if (addr.path === '' && !addr.abstract) {
      this.addr = this.ns.autobind(this);
      return 0;
    }
    const r = this.ns.bind(this, addr);
    if (typeof r === 'number') return r;
    this.addr = r.addr;
    this.key = r.key;
    return 0;
  }

  listen(backlog: number): number {
    if (!this.connectionOriented) return -EOPNOTSUPP;
    if (!this.addr || this.state === 'connected') return -EINVAL;
    this.backlogMax = Math.max(0, Math.min(backlog | 0, SOMAXCONN));
    if (this.state !== 'listening') this.ownCred = this.ns.hooks.credentials();
    this.state = 'listening';
    this.wait.wakeAll();
    return 0;
  }

  accept(nonblocking: boolean): KernelSocket | number | Block {
    if (this.state !== 'listening') return -EINVAL;
    const s = this.pending.shift();
    if (s) {
      this.wait.wakeAll();
      return s;
    }
    return nonblocking ? -EAGAIN : block([this.wait]);
  }

  connect(addr: SockAddr, nonblocking: boolean): number | Block {
    if (!this.connectionOriented) return this.connectDgram(addr);
    if (this.state === 'connected') return -EISCONN;
    if (this.state === 'listening') return -EINVAL;
    if (addr.family !== AF_UNIX) return -EINVAL;
    const target = this.ns.lookup(addr as UnixAddr);
    if (typeof target === 'number') return target;
    if (target.type !== this.type) return -EPROTOTYPE;
    if (target.state !== 'listening' || target.closed) return -ECONNREFUSED;
    if (target.pending.length > target.backlogMax) return nonblocking ? -EAGAIN : block([target.wait]);
    const server = new UnixSocket(this.ns, this.type);
    server.addr = target.addr;
    server.state = this.state = 'connected';
    server.peer = this;
    this.peer = server;
    server.ownCred = target.ownCred;
    server.peerCred = this.ns.hooks.credentials();
    this.ownCred = server.peerCred;
    this.peerCred = target.ownCred;
    target.pending.push(server);
    target.wait.wakeAll();
    return 0;
  }

  /** A datagram socket's default destination (AF_UNSPEC dissolves it). */
  private connectDgram(addr: SockAddr): number {
    if (addr.family !== AF_UNIX) {
      if (addr.family !== 0) return -EINVAL;
      this.peer = undefined;
      this.state = 'unconnected';
      return 0;
    }
    const target = this.ns.lookup(addr as UnixAddr);
    if (typeof target === 'number') return target;
    if (target.type !== this.type) return -EPROTOTYPE;
    this.peer = target;
    this.state = 'connected';
    this.peerCred = target.ownCred;
    return 0;
  }

  send(data: Uint8Array, flags: number, to: SockAddr | undefined, nonblocking: boolean): number | Block {
    return this.sendWithRights(data, flags, to, nonblocking, undefined);
  }

  /**
   * send with files attached (sendmsg SCM_RIGHTS). The references in `rights` pass to the
   * socket only when data is queued (a result > 0, or any success for records); otherwise
   * they stay the caller's.
   */
  sendWithRights(data: Uint8Array, _flags: number, to: SockAddr | undefined, nonblocking: boolean, rights: InFlightFile[] | undefined): number | Block {
    this.pendingRights = rights && rights.length > 0 ? rights : undefined;
    try {
      return this.sendOnce(data, to, nonblocking);
    } finally {
      this.pendingRights = undefined;
    }
  }

  private pendingRights: InFlightFile[] | undefined;

  private sendOnce(data: Uint8Array, to: SockAddr | undefined, nonblocking: boolean): number | Block {
    if (!this.connectionOriented) return this.sendDgram(data, to, nonblocking);
    if (to) return this.state === 'connected' ? -EISCONN : -EOPNOTSUPP;
    const peer = this.peer;
    if (this.state !== 'connected' || !peer) return -ENOTCONN;
    if (this.wrShut || peer.closed || peer.rdShut) return -EPIPE;
    const cap = peer.int(SO_RCVBUF);
    if (this.type === SOCK_SEQPACKET && data.length > this.int(SO_SNDBUF)) return -EMSGSIZE;
    if (data.length === 0 && this.type === SOCK_STREAM) return 0;
    const space = cap - peer.rxBytes;
    // A record goes whole or waits; a stream takes what fits.
    const need = this.type === SOCK_SEQPACKET ? data.length : 1;
    if (space < need && data.length > 0) return nonblocking ? -EAGAIN : block([peer.wait, this.wait]);
    const n = this.type === SOCK_SEQPACKET ? data.length : Math.min(space, data.length);
    peer.enqueue({ data: data.slice(0, n), from: this.addr ?? UNNAMED, rights: this.takeRights(), cred: this.ns.hooks.credentials() });
    return n;
  }

  private sendDgram(data: Uint8Array, to: SockAddr | undefined, nonblocking: boolean): number | Block {
    if (this.wrShut) return -EPIPE;
    let target: UnixSocket | number | undefined = this.peer;
    if (to) target = to.family === AF_UNIX ? this.ns.lookup(to) : -EINVAL;
    if (target === undefined) return -ENOTCONN;
    if (typeof target === 'number') return target;
    if (target.closed) {
      if (target === this.peer) this.peer = undefined;
      return -ECONNREFUSED;
    }
    if (target.type !== this.type) return -EPROTOTYPE;
    // unix_may_send: a socket connected elsewhere takes datagrams only from its peer.
    if (target.peer && target.peer !== this && !target.peer.closed) return -EPERM;
    if (data.length > this.int(SO_SNDBUF) - 32) return -EMSGSIZE;
    if (target.rdShut) return data.length;
    if (target.rx.length >= MAX_DGRAM_QLEN) return nonblocking ? -EAGAIN : block([target.wait]);
    target.enqueue({ data: data.slice(), from: this.addr ?? UNNAMED, rights: this.takeRights(), cred: this.ns.hooks.credentials() });
    return data.length;
  }

  private takeRights(): InFlightFile[] | undefined {
    const r = this.pendingRights;
    this.pendingRights = undefined;
    return r;
  }

  private enqueue(m: Message): void {
    this.rx.push(m);
    this.rxBytes += m.data.length;
    this.wait.wakeAll();
  }

  recv(maxBytes: number, flags: number, nonblocking: boolean): UnixRecvResult | number | Block {
    if (this.connectionOriented && this.state !== 'connected') return -EINVAL;
    if (this.rx.length === 0) {
      if (this.err) {
        const e = this.err;
        this.err = 0;
        return -e;
      }
      if (this.rdShut || (this.connectionOriented && this.peer?.closed)) return { data: new Uint8Array(0) };
      return nonblocking ? -EAGAIN : block([this.wait]);
    }
    const peek = (flags & MSG_PEEK) !== 0;
    if (this.type === SOCK_STREAM) return this.takeBytes(maxBytes, peek);
    const m = this.rx[0];
    if (!peek) {
      this.rx.shift();
      this.rxBytes -= m.data.length;
      this.wakeWriters();
    }
    const truncated = m.data.length > maxBytes;
    const data = truncated ? m.data.slice(0, maxBytes) : m.data;
    return { data, from: m.from, truncated, fullLengthBytes: m.data.length, rights: peek ? undefined : m.rights, cred: this.passCred(m) };
  }

  /**
   * Stream reads cross message boundaries, up to maxBytes, but stop after a message that
   * carries files (unix_stream_read_generic does), whose files come with the bytes.
   */
  private takeBytes(maxBytes: number, peek: boolean): UnixRecvResult {
    let len = 0;
    for (const m of this.rx) {
      len += m.data.length;
      if (m.rights || len >= maxBytes) break;
    }
    const out = new Uint8Array(Math.min(maxBytes, len));
    let off = 0;
    for (let i = 0; off < out.length; i++) {
      const m = this.rx[i];
      const n = Math.min(m.data.length, out.length - off);
      out.set(m.data.subarray(0, n), off);
      off += n;
    }
    const cred = this.passCred(this.rx[0]);
    if (peek) return { data: out, cred };
    let rights: InFlightFile[] | undefined;
    let left = out.length;
    while (left > 0) {
      const m = this.rx[0];
      if (m.rights) {
        rights = m.rights;
        m.rights = undefined;
      }
      if (m.data.length <= left) {
        left -= m.data.length;
        this.rx.shift();
      } else {
        m.data = m.data.subarray(left);
        left = 0;
      }
    }
    this.rxBytes -= out.length;
    this.wakeWriters();
    return { data: out, rights, cred };
  }

  private passCred(m: Message | undefined): UnixCred | undefined {
    return m && this.int(SO_PASSCRED) ? m.cred : undefined;
  }

  /** Writers sleep on this socket's queue: a read makes room for them. */
  private wakeWriters(): void {
    this.wait.wakeAll();
  }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -EINVAL;
    if (how !== 1) this.rdShut = true;
    if (how !== 0) this.wrShut = true;
    const peer = this.peer;
    if (this.connectionOriented && peer) {
      if (how !== 1) peer.wrShut = true;
      if (how !== 0) peer.rdShut = true;
      peer.wait.wakeAll();
    }
    this.wait.wakeAll();
    return 0;
  }

  localAddress(): SockAddr | number {
    return this.addr ?? UNNAMED;
  }

  peerAddress(): SockAddr | number {
    const p = this.peer;
    if (!p || this.state !== 'connected') return -ENOTCONN;
    return p.addr ?? UNNAMED;
  }

  int(name: number): number {
    return this.ints.get(name) ?? 0;
  }

  setOption(level: number, name: number, value: Uint8Array): number {
    if (level !== SOL_SOCKET) return -EOPNOTSUPP;
    if (value.length < 4) return -EINVAL;
    const v = new DataView(value.buffer, value.byteOffset, value.byteLength).getInt32(0, true);
    switch (name) {
      case SO_SNDBUF: this.ints.set(name, Math.max(4608, Math.min(v, 0x7fffffff / 2) * 2)); return 0;
      case SO_RCVBUF: this.ints.set(name, Math.max(2304, Math.min(v, 0x7fffffff / 2) * 2)); return 0;
      case SO_REUSEADDR: case SO_KEEPALIVE: case SO_PASSCRED: this.ints.set(name, v ? 1 : 0); return 0;
      default: return -ENOPROTOOPT;
    }
  }

  getOption(level: number, name: number): Uint8Array | number {
    if (level !== SOL_SOCKET) return -EOPNOTSUPP;
    switch (name) {
      case SO_PEERCRED: {
        const c = this.connectionOriented ? this.peerCred : NO_CRED;
        return u32s([c.pid, c.uid, c.gid]);
      }
      case SO_TYPE: return u32s([this.type]);
      case SO_PROTOCOL: return u32s([0]);
      case SO_DOMAIN: return u32s([AF_UNIX]);
      case SO_ERROR: return u32s([0]);
      case SO_ACCEPTCONN: return u32s([this.state === 'listening' ? 1 : 0]);
      case SO_SNDBUF: case SO_RCVBUF: case SO_REUSEADDR: case SO_KEEPALIVE: case SO_PASSCRED: return u32s([this.int(name)]);
      default: return -ENOPROTOOPT;
    }
  }

  poll(): { mask: number; queues: readonly WaitQueue[] } {
    let mask = 0;
    if (this.state === 'listening') return { mask: this.pending.length > 0 ? POLLIN | POLLRDNORM : 0, queues: [this.wait] };
    if (this.rx.length > 0 || this.rdShut) mask |= POLLIN | POLLRDNORM;
    if (this.err) mask |= POLLERR;
    if (this.rdShut) mask |= POLLRDHUP;
    if (this.rdShut && this.wrShut) mask |= POLLHUP;
    if (this.connectionOriented && this.state === 'unconnected') mask |= POLLHUP;
    const queues: WaitQueue[] = [this.wait];
    const peer = this.peer;
    if (peer && !peer.closed) queues.push(peer.wait);
    if (this.writable()) mask |= POLLOUT | POLLWRNORM;
    return { mask, queues };
  }

  private writable(): boolean {
    const peer = this.peer;
    if (this.wrShut) return false;
    if (!this.connectionOriented) return !peer || peer.closed || peer.rx.length < MAX_DGRAM_QLEN;
    return this.state === 'connected' && !!peer && (peer.closed || peer.rxBytes < peer.int(SO_RCVBUF));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rdShut = this.wrShut = true;
    for (const s of this.pending.splice(0)) s.close();
    const unread = this.rx.length > 0;
    for (const m of this.rx.splice(0)) for (const f of m.rights ?? []) f.put();
    this.rxBytes = 0;
    const peer = this.peer;
    if (peer && this.connectionOriented) {
      // unix_release_sock: closing with data unread resets the connection for the peer.
      if (unread) peer.err = ECONNRESET;
      peer.rdShut = peer.wrShut = true;
      peer.wait.wakeAll();
    }
    this.ns.release(this, this.addr, this.key);
    this.wait.wakeAll();
  }

  /** One /proc/net/unix row's fields. */
  procInfo(): { refCount: number; flags: number; type: number; state: number; inode: number; path: string } {
    // struct socket's state: SS_UNCONNECTED 1, SS_CONNECTED 3.
    const state = this.state === 'connected' ? 3 : 1;
    const a = this.addr;
    const path = a && a.family === AF_UNIX ? (a.abstract ? '@' + a.path : a.path) : '';
    return { refCount: 2, flags: this.state === 'listening' ? 0x10000 : 0, type: this.type, state, inode: this.inode, path };
  }
}

function u32s(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setUint32(4 * i, x >>> 0, true));
  return out;
}
