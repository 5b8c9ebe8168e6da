// What UDP, ping and raw sockets share: a receive queue bounded by SO_RCVBUF, recv with MSG_PEEK
// and truncation, the pending error (SO_ERROR, reported once by recv/send), poll and the common
// options. Each family adds bind/connect/send.

import { EINVAL, EOPNOTSUPP, EAGAIN } from '../../kernel/errno';
import { block, WaitQueue, type Block } from '../../kernel/wait';
import { POLLERR, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../../kernel/file';
import { AF_INET, MSG_DONTWAIT, MSG_PEEK, type KernelSocket, type RecvResult, type SockAddr } from '../socket';
import { ENOPROTOOPT, ENOTCONN } from './consts';
import { defaultOptions, getCommonOption, setCommonOption, type CommonOptions } from './sockopt';

/** net.core.rmem_default / wmem_default */
export const DGRAM_RCVBUF_BYTES = 212992;
export const DGRAM_SNDBUF_BYTES = 212992;
/** Linux charges each queued datagram its data plus an skb's overhead (about this much). */
const SKB_OVERHEAD_BYTES = 768;
const POLLRDHUP = 0x2000;

export interface Endpoint {
  addr: number;
  port: number;
}

export abstract class DatagramSocket implements KernelSocket {
  readonly family = AF_INET;
  readonly wq = new WaitQueue();
  readonly opts: CommonOptions = defaultOptions(DGRAM_RCVBUF_BYTES, DGRAM_SNDBUF_BYTES);
  local: Endpoint = { addr: 0, port: 0 };
  remote: Endpoint | null = null;
  protected readonly rx: Array<{ data: Uint8Array; from: Endpoint }> = [];
  protected rxBytes = 0;
  protected shutRead = false;
  protected shutWrite = false;
  closed = false;
  drops = 0;

  constructor(readonly type: number, readonly protocol: number, protected readonly interfaceExists: (name: string) => boolean) {}

  abstract bind(addr: SockAddr): number;
  abstract connect(addr: SockAddr, nonblocking: boolean): number | Block;
  abstract send(data: Uint8Array, flags: number, to: SockAddr | undefined, nonblocking: boolean): number | Block;
  protected abstract release(): void;

  listen(): number {
    return -EOPNOTSUPP;
  }

  accept(): number {
    return -EOPNOTSUPP;
  }

  /** Queues a received datagram; false (and counted) when the receive buffer is full. */
  enqueue(data: Uint8Array, from: Endpoint): boolean {
    const cost = data.length + SKB_OVERHEAD_BYTES;
    if (this.shutRead || this.rxBytes + cost > this.opts.rcvBufBytes) {
      this.drops++;
      return false;
    }
    this.rx.push({ data: data.slice(), from });
    this.rxBytes += cost;
    this.wq.wakeAll();
    return true;
  }

  /** An asynchronous error (ICMP) for this socket: SO_ERROR, and the next recv/send fails with it. */
  setError(errno: number): void {
    this.opts.error = errno;
    this.wq.wakeAll();
  }

  protected takeError(): number {
    const e = this.opts.error;
    this.opts.error = 0;
    return e;
  }

  recv(maxBytes: number, flags: number, nonblocking: boolean): RecvResult | number | Block {
    if (maxBytes < 0) return -EINVAL;
    const head = this.rx[0];
    if (!head) {
      const err = this.takeError();
      if (err) return -err;
      if (this.shutRead || this.closed) return { data: new Uint8Array(0) };
      return nonblocking || (flags & MSG_DONTWAIT) ? -EAGAIN : block([this.wq]);
    }
    if (!(flags & MSG_PEEK)) {
      this.rx.shift();
      this.rxBytes -= head.data.length + SKB_OVERHEAD_BYTES;
    }
    const truncated = head.data.length > maxBytes;
    return { data: truncated ? head.data.slice(0, maxBytes) : head.data, from: { family: AF_INET, addr: head.from.addr, port: head.from.port }, truncated };
  }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -EINVAL;
    if (!this.remote) return -ENOTCONN;
    if (how !== 1) this.shutRead = true;
    if (how !== 0) this.shutWrite = true;
    this.wq.wakeAll();
    return 0;
  }

  localAddress(): SockAddr {
    return { family: AF_INET, addr: this.local.addr, port: this.local.port };
  }

  peerAddress(): SockAddr | number {
    return this.remote ? { family: AF_INET, addr: this.remote.addr, port: this.remote.port } : -ENOTCONN;
  }

  setOption(level: number, name: number, value: Uint8Array): number {
    const r = setCommonOption(this.opts, this.optionContext(), level, name, value);
    return r ?? -ENOPROTOOPT;
  }

  getOption(level: number, name: number): Uint8Array | number {
    const r = getCommonOption(this.opts, this.optionContext(), level, name);
    return r ?? -ENOPROTOOPT;
  }

  private optionContext(): { type: number; protocol: number; interfaceExists: (n: string) => boolean } {
    return { type: this.type, protocol: this.protocol, interfaceExists: this.interfaceExists };
  }

  poll(): { mask: number; queues: readonly WaitQueue[] } {
    let mask = POLLOUT | POLLWRNORM;
    if (this.rx.length > 0 || this.shutRead) mask |= POLLIN | POLLRDNORM;
    if (this.shutRead) mask |= POLLRDHUP;
    if (this.opts.error) mask |= POLLERR;
    return { mask, queues: [this.wq] };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rx.length = 0;
    this.rxBytes = 0;
    this.release();
    this.wq.wakeAll();
  }

  get queuedBytes(): number {
    return this.rx.reduce((n, d) => n + d.data.length, 0);
  }
}
