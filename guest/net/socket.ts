// The contract between the kernel's socket syscalls (guest/kernel/syscalls/sys-socket.ts) and the
// socket families behind them (AF_INET in guest/net/inet/, AF_UNIX in guest/net/unix/, AF_NETLINK
// for `ip`), and between the IP stack and the network devices under it. Addresses cross it already
// parsed: the syscall layer owns struct sockaddr's byte layout, the families own the behaviour.
// Every operation follows the kernel's rule: return a value, -errno or a Block (wait.ts) and be
// safe to run again from the start when the task is woken.

import type { Block, WaitQueue } from '../kernel/wait';

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_NETLINK = 16, AF_PACKET = 17;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5;
/** socket(2) type flags (asm-generic values, the same as O_NONBLOCK / O_CLOEXEC). */
export const SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;

export type SockAddr =
  | { readonly family: typeof AF_UNSPEC }
  /** IPv4 address as a u32 in host order (guest/net/wire/bytes.ts form), port in host order. */
  | { readonly family: typeof AF_INET; readonly addr: number; readonly port: number }
  /** `path` '' is an unnamed socket; `abstract` names start with a NUL byte in sun_path. */
  | { readonly family: typeof AF_UNIX; readonly path: string; readonly abstract: boolean }
  | { readonly family: typeof AF_NETLINK; readonly pid: number; readonly groups: number }
  /** sockaddr_ll: `protocol` the ethertype (host order), `addr` a MAC or '' (sll_halen 0). */
  | { readonly family: typeof AF_PACKET; readonly protocol: number; readonly ifindex: number; readonly hatype: number; readonly pkttype: number; readonly addr: string };

export interface RecvResult {
  readonly data: Uint8Array;
  /** Sender, for datagram sockets (recvfrom/recvmsg msg_name). */
  readonly from?: SockAddr;
  /** True when the datagram was longer than the buffer (MSG_TRUNC in msg_flags). */
  readonly truncated?: boolean;
  /** The whole datagram's length when truncated (recv with MSG_TRUNC returns it). */
  readonly fullLengthBytes?: number;
}

/** MSG_* flags the families honour (asm-generic values). */
export const MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;

/**
 * One socket, whatever its family. `nonblocking` is the file's O_NONBLOCK or MSG_DONTWAIT: when
 * true an operation that would wait returns -EAGAIN (connect: -EINPROGRESS) instead of a Block.
 * `send` returning -EPIPE means the caller raises SIGPIPE unless MSG_NOSIGNAL.
 */
export interface KernelSocket {
  readonly family: number;
  readonly type: number;
  readonly protocol: number;
  bind(addr: SockAddr): number;
  listen(backlog: number): number;
  accept(nonblocking: boolean): KernelSocket | number | Block;
  connect(addr: SockAddr, nonblocking: boolean): number | Block;
  send(data: Uint8Array, flags: number, to: SockAddr | undefined, nonblocking: boolean): number | Block;
  recv(maxBytes: number, flags: number, nonblocking: boolean): RecvResult | number | Block;
  /** SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2. */
  shutdown(how: number): number;
  localAddress(): SockAddr | number;
  peerAddress(): SockAddr | number;
  /** Raw option bytes as the guest passed them; the family decodes ints (4 bytes LE) itself. */
  setOption(level: number, name: number, value: Uint8Array): number;
  getOption(level: number, name: number): Uint8Array | number;
  /** POLLIN/POLLOUT/POLLHUP/POLLERR/POLLRDHUP and the queues to sleep on until it changes. */
  poll(): { mask: number; queues: readonly WaitQueue[] };
  /** Last descriptor closed: start an orderly close (TCP FIN, or RST if unread data), free the port. */
  close(): void;
}

/** A network interface's device side: what the guest virtio-net driver (or loopback) gives the stack. */
export interface NetDevice {
  readonly name: string;
  /** Lower-case `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string;
  readonly mtuBytes: number;
  /** Carrier (virtio-net status LINK_UP); the stack reports operstate from it. */
  readonly linkUp: boolean;
  /** Queues one Ethernet frame (no FCS) for transmission; false when the ring is full (the frame is dropped and counted). */
  transmit(frame: Uint8Array): boolean;
  /** The stack registers here to be handed every received frame. */
  setReceiver(receive: (frame: Uint8Array) => void): void;
  readonly stats: NetDeviceStats;
}

export interface NetDeviceStats {
  rxPackets: number;
  txPackets: number;
  rxBytes: number;
  txBytes: number;
  rxDropped: number;
  txDropped: number;
  rxErrors: number;
  txErrors: number;
}

export interface InterfaceAddress {
  readonly addr: number;
  readonly prefixLen: number;
}

export interface InterfaceInfo {
  /** ifindex: 1 is always `lo`, devices get 2, 3... in the order they were added. */
  readonly index: number;
  readonly name: string;
  readonly mac: string;
  readonly mtuBytes: number;
  /** IFF_UP set by the administrator (ip link set up / SIOCSIFFLAGS). */
  readonly up: boolean;
  readonly linkUp: boolean;
  readonly loopback: boolean;
  readonly addresses: readonly InterfaceAddress[];
  readonly stats: NetDeviceStats;
}

export interface RouteEntry {
  /** 0 with prefixLen 0 is the default route. */
  readonly dest: number;
  readonly prefixLen: number;
  /** 0 for a directly connected network. */
  readonly gateway: number;
  readonly ifname: string;
  readonly metric: number;
}

/** One row of /proc/net/tcp|udp|raw. */
export interface SocketInfo {
  readonly protocol: 'tcp' | 'udp' | 'raw';
  readonly local: { addr: number; port: number };
  readonly remote: { addr: number; port: number };
  /** Linux's TCP state number (1 ESTABLISHED ... 10 LISTEN, 11 CLOSING); 7 (CLOSE) for UDP. */
  readonly state: number;
  readonly txQueueBytes: number;
  readonly rxQueueBytes: number;
}

/**
 * The kernel's IPv4 stack as the syscall layer, ioctls, rtnetlink, /proc/net and /sys/class/net
 * see it (implemented in guest/net/inet/). -errno on bad requests, like the kernel's handlers.
 */
export interface IpStack {
  addDevice(dev: NetDevice): number;
  interfaces(): readonly InterfaceInfo[];
  setUp(ifname: string, up: boolean): number;
  setMtu(ifname: string, mtuBytes: number): number;
  addAddress(ifname: string, address: InterfaceAddress): number;
  removeAddress(ifname: string, address: InterfaceAddress): number;
  routes(): readonly RouteEntry[];
  addRoute(route: RouteEntry): number;
  removeRoute(route: RouteEntry): number;
  arpTable(): readonly { addr: number; mac: string; ifname: string; complete: boolean }[];
  /** AF_INET socket of `type` (SOCK_STREAM, SOCK_DGRAM, SOCK_RAW with IPPROTO_ICMP) or -errno. */
  createSocket(type: number, protocol: number): KernelSocket | number;
  /** AF_PACKET socket (SOCK_RAW or SOCK_DGRAM) for ethertype `protocol` (host order, 0 = none yet) or -errno. */
  createPacketSocket(type: number, protocol: number): KernelSocket | number;
  sockets(): readonly SocketInfo[];
}
