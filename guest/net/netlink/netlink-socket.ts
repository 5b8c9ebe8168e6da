// AF_NETLINK sockets, NETLINK_ROUTE only (net/netlink/af_netlink.c): a socket sends requests
// to the kernel (port 0) and reads the replies as datagrams, one per request. Port ids come
// from bind (0 = the kernel picks: the process id if free, else a negative number, as
// netlink_autobind does). Multicast groups are recorded but no events are sent.

import { EAGAIN, EINVAL, EPERM } from '../../kernel/errno';
import { EADDRINUSE, ECONNREFUSED, ENOPROTOOPT, EOPNOTSUPP } from '../../kernel/net/errno-net';
import { WaitQueue, block, type Block } from '../../kernel/wait';
import { AF_NETLINK, MSG_PEEK, type IpStack, type KernelSocket, type RecvResult, type SockAddr } from '../socket';
import { concat, parseMessages, NLM_F_REQUEST } from './codec';
import { handleRtnl } from './rtnetlink';

export const NETLINK_ROUTE = 0;
const SOL_SOCKET = 1, SOL_NETLINK = 270;
const SO_SNDBUF = 7, SO_RCVBUF = 8, SO_TYPE = 3, SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_ERROR = 4;
const NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP = 2, NETLINK_PKTINFO = 3, NETLINK_CAP_ACK = 10, NETLINK_EXT_ACK = 11;
const POLLIN = 0x1, POLLOUT = 0x4, POLLRDNORM = 0x40, POLLWRNORM = 0x100;
const KERNEL: SockAddr = { family: AF_NETLINK, pid: 0, groups: 0 };
const DEFAULT_BUF_BYTES = 212_992;

export interface NetlinkHost {
  net(): IpStack | undefined;
  /** The calling process: its tgid (for autobind) and whether it has CAP_NET_ADMIN. */
  caller(): { tgid: number; admin: boolean };
  /** Port ids in use in this kernel. */
  readonly ports: Set<number>;
}

export class NetlinkSocket implements KernelSocket {
  readonly family = AF_NETLINK;
  readonly protocol = NETLINK_ROUTE;
  private readonly wait = new WaitQueue();
  private readonly rx: Uint8Array[] = [];
  private portId = 0;
  private groups = 0;
  private readonly ints = new Map<string, number>([[`1:${SO_SNDBUF}`, DEFAULT_BUF_BYTES], [`1:${SO_RCVBUF}`, DEFAULT_BUF_BYTES]]);

  constructor(
    private readonly host: NetlinkHost,
    readonly type: number,
  ) {}

  bind(addr: SockAddr): number {
    if (addr.family !== AF_NETLINK) return -EINVAL;
    this.groups = addr.groups;
    if (this.portId !== 0) return addr.pid === 0 || addr.pid === this.portId ? 0 : -EINVAL;
    if (addr.pid === 0) return this.autobind();
    if (this.host.ports.has(addr.pid)) return -EADDRINUSE;
    this.portId = addr.pid;
    this.host.ports.add(addr.pid);
    return 0;
  }

  private autobind(): number {
    let id = this.host.caller().tgid;
    for (let next = -4096; this.host.ports.has(id); next--) id = next >>> 0;
    this.portId = id;
    this.host.ports.add(id);
    return 0;
  }

  listen(): number {
    return -EOPNOTSUPP;
  }

  accept(): number {
    return -EOPNOTSUPP;
  }

  connect(addr: SockAddr): number {
    if (addr.family === 0) return 0;
    if (addr.family !== AF_NETLINK) return -EINVAL;
    return this.portId === 0 ? this.autobind() : 0;
  }

  send(data: Uint8Array, _flags: number, to: SockAddr | undefined): number {
    if (to && (to.family !== AF_NETLINK || (to.pid !== 0 && to.groups === 0))) return to.family !== AF_NETLINK ? -EINVAL : -ECONNREFUSED;
    if (to && to.groups !== 0) return -EPERM;
    if (this.portId === 0) this.autobind();
    const caller = this.host.caller();
    const ctx = { net: this.host.net(), admin: caller.admin, portId: this.portId };
    for (const m of parseMessages(data)) {
      if (!(m.flags & NLM_F_REQUEST)) continue;
      const replies = handleRtnl(m, ctx);
      if (replies.length > 0) this.rx.push(concat(replies));
    }
    this.wait.wakeAll();
    return data.length;
  }

  recv(maxBytes: number, flags: number, nonblocking: boolean): RecvResult | number | Block {
    const d = this.rx[0];
    if (!d) return nonblocking ? -EAGAIN : block([this.wait]);
    if (!(flags & MSG_PEEK)) this.rx.shift();
    const truncated = d.length > maxBytes;
    return { data: truncated ? d.slice(0, maxBytes) : d, from: KERNEL, truncated, fullLengthBytes: d.length };
  }

  shutdown(how: number): number {
    return how < 0 || how > 2 ? -EINVAL : 0;
  }

  localAddress(): SockAddr {
    return { family: AF_NETLINK, pid: this.portId, groups: this.groups };
  }

  peerAddress(): SockAddr {
    return KERNEL;
  }

  setOption(level: number, name: number, value: Uint8Array): number {
    if (value.length < 4) return -EINVAL;
    const v = new DataView(value.buffer, value.byteOffset, 4).getInt32(0, true);
    if (level === SOL_SOCKET && (name === SO_SNDBUF || name === SO_RCVBUF)) {
      this.ints.set(`1:${name}`, Math.max(name === SO_SNDBUF ? 4608 : 2304, Math.min(v, 0x3fffffff) * 2));
      return 0;
    }
    if (level === SOL_SOCKET) return -ENOPROTOOPT;
    if (level !== SOL_NETLINK) return -ENOPROTOOPT;
    if (name === NETLINK_ADD_MEMBERSHIP || name === NETLINK_DROP_MEMBERSHIP) {
      if (v <= 0 || v > 32) return -EINVAL;
      const bit = 1 << (v - 1);
      this.groups = name === NETLINK_ADD_MEMBERSHIP ? this.groups | bit : this.groups & ~bit;
      return 0;
    }
    if (name === NETLINK_PKTINFO || name === NETLINK_CAP_ACK || name === NETLINK_EXT_ACK) {
      this.ints.set(`270:${name}`, v ? 1 : 0);
      return 0;
    }
    return -ENOPROTOOPT;
  }

  getOption(level: number, name: number): Uint8Array | number {
    const out = new Uint8Array(4);
    const set = (n: number) => (new DataView(out.buffer).setUint32(0, n >>> 0, true), out);
    if (level === SOL_SOCKET) {
      if (name === SO_TYPE) return set(this.type);
      if (name === SO_PROTOCOL) return set(NETLINK_ROUTE);
      if (name === SO_DOMAIN) return set(AF_NETLINK);
      if (name === SO_ERROR) return set(0);
      const v = this.ints.get(`1:${name}`);
      return v === undefined ? -ENOPROTOOPT : set(v);
    }
    if (level !== SOL_NETLINK) return -ENOPROTOOPT;
    const v = this.ints.get(`270:${name}`);
    return v === undefined ? -ENOPROTOOPT : set(v);
  }

  poll(): { mask: number; queues: readonly WaitQueue[] } {
    return { mask: POLLOUT | POLLWRNORM | (this.rx.length > 0 ? POLLIN | POLLRDNORM : 0), queues: [this.wait] };
  }

  close(): void {
    if (this.portId !== 0) this.host.ports.delete(this.portId);
    this.rx.length = 0;
  }
}
