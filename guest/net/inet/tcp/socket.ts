// The SOCK_STREAM KernelSocket: bind, listen/accept, blocking and non-blocking connect
// (EINPROGRESS, EALREADY, EISCONN, SO_ERROR), send/recv with the buffers, shutdown, close, options
// (TCP_NODELAY, TCP_MAXSEG, keepalive, buffer sizes) and poll. Every call is restartable: it checks
// the state and either finishes or returns a Block on the right wait queue.

import { EAGAIN, EINVAL, EPIPE } from '../../../kernel/errno';
import { block, WaitQueue, type Block } from '../../../kernel/wait';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../../../kernel/file';
import { AF_INET, AF_UNSPEC, MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, SOCK_STREAM, type KernelSocket, type RecvResult, type SockAddr } from '../../socket';
import { EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EALREADY, ECONNREFUSED, EINPROGRESS, EISCONN, ENOPROTOOPT, ENOTCONN, intOpt, IPPROTO_TCP, optInt, SO_ACCEPTCONN, SO_KEEPALIVE, SO_LINGER, SOL_SOCKET, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_MAXSEG, TCP_NODELAY } from '../consts';
import { pickEphemeralPort } from '../ports';
import { defaultOptions, getCommonOption, setCommonOption, type CommonOptions } from '../sockopt';
import type { TcpConnection } from './conn';
import type { TcpLayer } from './layer';
import { clampBacklog, TcpListener } from './listener';
import { defaultTcpOptions, type Endpoint, type TcpSockOptions } from './types';

const POLLRDHUP = 0x2000;

export class TcpSocket implements KernelSocket {
  readonly family = AF_INET;
  readonly type = SOCK_STREAM;
  readonly protocol = IPPROTO_TCP;
  readonly opts: CommonOptions;
  readonly tcpOpts: TcpSockOptions;
  local: Endpoint = { addr: 0, port: 0 };
  conn: TcpConnection | null = null;
  listener: TcpListener | null = null;
  private readonly idleWq = new WaitQueue();
  /** A blocking connect is waiting: its restart reports the outcome instead of EALREADY/EISCONN. */
  private connectWaiting = false;
  private shutWrite = false;
  private closed = false;
  private linger = { on: false, seconds: 0 };

  constructor(private readonly layer: TcpLayer, conn: TcpConnection | null = null) {
    const t = layer.env.tunables;
    this.opts = conn ? conn.opts : defaultOptions(t.rcvBufBytes, t.sndBufBytes);
    this.tcpOpts = conn ? conn.tcpOpts : defaultTcpOptions();
    if (conn) {
      this.conn = conn;
      this.local = { ...conn.local };
    }
  }

  get isListening(): boolean {
    return this.listener !== null;
  }

  bind(addr: SockAddr): number {
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    if (this.local.port !== 0 || this.conn) return -EINVAL;
    const a = addr.addr >>> 0;
    if (a !== 0 && !this.layer.core.isLocalAddress(a)) return -EADDRNOTAVAIL;
    return this.takePort(a, addr.port);
  }

  private takePort(addr: number, port: number): number {
    let p = port;
    if (p === 0) {
      const chosen = pickEphemeralPort(this.layer.core.prng, (q) => !this.layer.portFree(this, addr, q));
      if (chosen === null) return -EADDRINUSE;
      p = chosen;
    } else if (!this.layer.portFree(this, addr, p)) return -EADDRINUSE;
    this.local = { addr, port: p };
    this.layer.boundSockets.add(this);
    return 0;
  }

  listen(backlog: number): number {
    if (this.conn) return -EINVAL;
    if (this.listener) {
      this.listener.backlog = clampBacklog(backlog);
      return 0;
    }
    if (this.local.port === 0) {
      const r = this.takePort(0, 0);
      if (r < 0) return r;
    }
    this.listener = new TcpListener(this.local, backlog, this.opts, this.tcpOpts);
    this.layer.listeners.push(this.listener);
    return 0;
  }

  accept(nonblocking: boolean): KernelSocket | number | Block {
    const l = this.listener;
    if (!l) return -EINVAL;
    const c = l.acceptQueue.shift();
    if (c) return new TcpSocket(this.layer, c);
    return nonblocking ? -EAGAIN : block([l.wq]);
  }

  connect(addr: SockAddr, nonblocking: boolean): number | Block {
    if (this.listener) return -EISCONN;
    if (this.conn) return this.connectProgress(nonblocking);
    if (addr.family === AF_UNSPEC) return 0;
    if (addr.family !== AF_INET) return -EAFNOSUPPORT;
    if (this.opts.error) return -this.takeError();
    const dst = addr.addr === 0 ? 0x7f000001 : addr.addr >>> 0;
    const src = this.local.addr !== 0 ? this.local.addr : this.layer.core.sourceFor(dst, this.opts.bindToDevice || undefined);
    if (src < 0) return src;
    if (src === 0) return -EADDRNOTAVAIL;
    if (this.local.port === 0) {
      const r = this.takePort(src, 0);
      if (r < 0) return r;
    }
    this.local = { addr: src, port: this.local.port };
    this.layer.boundSockets.delete(this);
    const c = this.layer.newConnection(this.local, { addr: dst, port: addr.port }, this, null);
    this.conn = c;
    this.layer.core.counters.tcpActiveOpens++;
    c.openActive(this.layer.newIss());
    if (nonblocking) return -EINPROGRESS;
    this.connectWaiting = true;
    return block([c.wq]);
  }

  private connectProgress(nonblocking: boolean): number | Block {
    const c = this.conn!;
    const waiting = this.connectWaiting;
    if (c.state === 'SYN-SENT' || c.state === 'SYN-RECEIVED') {
      // Only the connect that started the handshake sleeps on it; any other call gets EALREADY
      // (Linux's SS_CONNECTING case), blocking or not.
      return waiting && !nonblocking ? block([c.wq]) : -EALREADY;
    }
    this.connectWaiting = false;
    if (c.state === 'CLOSED' && this.opts.error) {
      const e = this.takeError();
      if (e === ECONNREFUSED || waiting) this.layer.core.counters.tcpAttemptFails++;
      return -e;
    }
    return waiting ? 0 : -EISCONN;
  }

  private takeError(): number {
    const e = this.opts.error;
    this.opts.error = 0;
    return e;
  }

  send(data: Uint8Array, flags: number, _to: SockAddr | undefined, nonblocking: boolean): number | Block {
    const c = this.conn;
    if (this.opts.error) return -this.takeError();
    if (!c) return -ENOTCONN;
    if (this.shutWrite || c.finQueued) return -EPIPE;
    if (c.state === 'SYN-SENT' || c.state === 'SYN-RECEIVED') return nonblocking || flags & MSG_DONTWAIT ? -EAGAIN : block([c.wq]);
    if (c.state !== 'ESTABLISHED' && c.state !== 'CLOSE-WAIT') return -EPIPE;
    if (data.length === 0) return 0;
    const n = c.userSend(data);
    if (n > 0) return n;
    return nonblocking || flags & MSG_DONTWAIT ? -EAGAIN : block([c.wq]);
  }

  recv(maxBytes: number, flags: number, nonblocking: boolean): RecvResult | number | Block {
    if (maxBytes < 0) return -EINVAL;
    if (this.listener) return -ENOTCONN;
    const c = this.conn;
    if (!c) return -ENOTCONN;
    const have = c.recvQ.length;
    const eof = c.finReceived || c.readShut || c.state === 'CLOSED';
    const waitAll = (flags & MSG_WAITALL) !== 0 && !(flags & MSG_PEEK) && have < maxBytes && !eof && !this.opts.error;
    if (have > 0 && maxBytes > 0 && !(waitAll && !nonblocking && !(flags & MSG_DONTWAIT))) return { data: c.userRecv(maxBytes, (flags & MSG_PEEK) !== 0) };
    if (maxBytes === 0 && have > 0) return { data: new Uint8Array(0) };
    if (this.opts.error) return -this.takeError();
    if (eof) return { data: new Uint8Array(0) };
    if (c.state === 'SYN-SENT' || c.state === 'SYN-RECEIVED' || c.state === 'ESTABLISHED' || c.state === 'FIN-WAIT-1' || c.state === 'FIN-WAIT-2') {
      return nonblocking || flags & MSG_DONTWAIT ? -EAGAIN : block([c.wq]);
    }
    return { data: new Uint8Array(0) };
  }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -EINVAL;
    const c = this.conn;
    if (this.listener && how !== 1) {
      this.close();
      return 0;
    }
    if (!c || c.state === 'SYN-SENT' || c.state === 'CLOSED') return -ENOTCONN;
    if (how !== 1) {
      c.readShut = true;
      c.wq.wakeAll();
    }
    if (how !== 0) {
      this.shutWrite = true;
      c.queueFin();
    }
    return 0;
  }

  localAddress(): SockAddr {
    return { family: AF_INET, addr: this.local.addr, port: this.local.port };
  }

  peerAddress(): SockAddr | number {
    const c = this.conn;
    if (!c || c.state === 'SYN-SENT' || (c.state === 'CLOSED' && !c.finReceived)) return -ENOTCONN;
    return { family: AF_INET, addr: c.remote.addr, port: c.remote.port };
  }

  setOption(level: number, name: number, value: Uint8Array): number {
    if (level === IPPROTO_TCP) return this.setTcpOption(name, value);
    if (level === SOL_SOCKET && name === SO_LINGER) {
      // struct linger { int l_onoff; int l_linger; }
      const on = optInt(value);
      const secs = value.length >= 8 ? optInt(value.subarray(4)) : null;
      if (on === null || secs === null) return -EINVAL;
      this.linger = { on: on !== 0, seconds: Math.max(0, secs) };
      return 0;
    }
    const r = setCommonOption(this.opts, this.optionContext(), level, name, value);
    if (r === 0 && level === SOL_SOCKET && name === SO_KEEPALIVE) this.conn?.armKeepalive();
    return r ?? -ENOPROTOOPT;
  }

  private setTcpOption(name: number, value: Uint8Array): number {
    const v = optInt(value);
    if (v === null) return -EINVAL;
    const t = this.tcpOpts;
    switch (name) {
      case TCP_NODELAY:
        t.noDelay = v !== 0;
        this.conn?.pump();
        return 0;
      case TCP_MAXSEG:
        if (v !== 0 && (v < 88 || v > 65535)) return -EINVAL;
        t.userMss = v;
        return 0;
      case TCP_KEEPIDLE:
      case TCP_KEEPINTVL:
        if (v < 1 || v > 32767) return -EINVAL;
        if (name === TCP_KEEPIDLE) t.keepIdleS = v;
        else t.keepIntvlS = v;
        this.conn?.armKeepalive();
        return 0;
      case TCP_KEEPCNT:
        if (v < 1 || v > 127) return -EINVAL;
        t.keepCnt = v;
        return 0;
      default:
        return -ENOPROTOOPT;
    }
  }

  getOption(level: number, name: number): Uint8Array | number {
    if (level === IPPROTO_TCP) {
      const t = this.tcpOpts;
      switch (name) {
        case TCP_NODELAY: return intOpt(t.noDelay ? 1 : 0);
        case TCP_MAXSEG: return intOpt(this.conn && this.conn.state !== 'CLOSED' ? this.conn.mss : t.userMss || 536);
        case TCP_KEEPIDLE: return intOpt(t.keepIdleS);
        case TCP_KEEPINTVL: return intOpt(t.keepIntvlS);
        case TCP_KEEPCNT: return intOpt(t.keepCnt);
        default: return -ENOPROTOOPT;
      }
    }
    if (level === SOL_SOCKET && name === SO_ACCEPTCONN) return intOpt(this.listener ? 1 : 0);
    if (level === SOL_SOCKET && name === SO_LINGER) {
      const out = new Uint8Array(8);
      out.set(intOpt(this.linger.on ? 1 : 0), 0);
      out.set(intOpt(this.linger.seconds), 4);
      return out;
    }
    return getCommonOption(this.opts, this.optionContext(), level, name) ?? -ENOPROTOOPT;
  }

  private optionContext(): { type: number; protocol: number; interfaceExists: (n: string) => boolean } {
    return { type: this.type, protocol: this.protocol, interfaceExists: (n) => this.layer.core.interfaceExists(n) };
  }

  poll(): { mask: number; queues: readonly WaitQueue[] } {
    if (this.listener) return { mask: this.listener.acceptQueue.length > 0 ? POLLIN | POLLRDNORM : 0, queues: [this.listener.wq] };
    const c = this.conn;
    if (!c) return { mask: POLLOUT | POLLWRNORM | POLLHUP, queues: [this.idleWq] };
    let mask = 0;
    const synced = c.state !== 'SYN-SENT' && c.state !== 'SYN-RECEIVED';
    if (c.recvQ.length > 0 || c.finReceived || c.readShut) mask |= POLLIN | POLLRDNORM;
    if (c.finReceived) mask |= POLLRDHUP;
    if (synced && !this.shutWrite && !c.finQueued && (c.state === 'ESTABLISHED' || c.state === 'CLOSE-WAIT') && c.sendSpace > 0) mask |= POLLOUT | POLLWRNORM;
    if (c.state === 'CLOSED' || (c.finReceived && (this.shutWrite || c.finQueued))) mask |= POLLHUP;
    if (c.state === 'CLOSED') mask |= POLLIN | POLLRDNORM;
    if (this.opts.error) mask |= POLLERR;
    return { mask, queues: [c.wq] };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.layer.boundSockets.delete(this);
    const l = this.listener;
    if (l) {
      const i = this.layer.listeners.indexOf(l);
      if (i >= 0) this.layer.listeners.splice(i, 1);
      // Connections nobody accepted are reset, as Linux's inet_csk_listen_stop does.
      for (const c of [...l.acceptQueue, ...l.synQueue]) c.abort(0, true);
      l.wq.wakeAll();
      return;
    }
    // SO_LINGER with a zero timeout is an abortive close: RST, no FIN (close(2) never waits here).
    if (this.linger.on && this.linger.seconds === 0 && this.conn && this.conn.state !== 'CLOSED') this.conn.abort(0, true);
    else this.conn?.userClose();
  }
}
