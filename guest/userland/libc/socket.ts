// The socket layer of the native libc: the Linux ABI's socket syscalls (asm-generic numbers),
// struct sockaddr_in / sockaddr_nl / ifreq / rtentry layouts as pure emit+parse functions, ppoll,
// and the network errno texts glibc prints. `Net` owns its own scratch mapping (the way a C
// library keeps a stack frame), so it sits beside `Sys` without reaching into it.

import type { SyscallTrap } from '../../abi/native';
import { ENOMEM, strerror } from './errno';
import { MAP_ANONYMOUS, MAP_PRIVATE, NR, PROT_READ, PROT_WRITE } from './numbers';
import type { Sc, Sys } from './sys';
import { fromUtf8, untilNul, utf8 } from './text';

export const NR_NET = {
  ppoll: 73,
  socket: 198,
  bind: 200,
  listen: 201,
  accept: 202,
  connect: 203,
  getsockname: 204,
  getpeername: 205,
  sendto: 206,
  recvfrom: 207,
  setsockopt: 208,
  getsockopt: 209,
  shutdown: 210,
  accept4: 242,
} as const;

export const AF_INET = 2, AF_NETLINK = 16;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_CLOEXEC = 0o2000000;
export const IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17;
export const NETLINK_ROUTE = 0;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2, SO_ERROR = 4, SO_BROADCAST = 6, SO_BINDTODEVICE = 25;
export const SHUT_WR = 1;
export const POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const INADDR_ANY = 0, INADDR_BROADCAST = 0xffffffff, INADDR_LOOPBACK = 0x7f000001;

/** Socket ioctls (include/uapi/linux/sockios.h). */
export const SIOC = {
  ADDRT: 0x890b,
  DELRT: 0x890c,
  GIFCONF: 0x8912,
  GIFFLAGS: 0x8913,
  SIFFLAGS: 0x8914,
  GIFADDR: 0x8915,
  SIFADDR: 0x8916,
  GIFBRDADDR: 0x8919,
  SIFBRDADDR: 0x891a,
  GIFNETMASK: 0x891b,
  SIFNETMASK: 0x891c,
  GIFMETRIC: 0x891d,
  GIFMTU: 0x8921,
  SIFMTU: 0x8922,
  GIFHWADDR: 0x8927,
  GIFINDEX: 0x8933,
  GIFTXQLEN: 0x8942,
} as const;

/** Interface flags (include/uapi/linux/if.h). */
export const IFF = { UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, POINTOPOINT: 0x10, RUNNING: 0x40, NOARP: 0x80, PROMISC: 0x100, MULTICAST: 0x1000 } as const;
/** Route flags (include/uapi/linux/route.h). */
export const RTF = { UP: 0x1, GATEWAY: 0x2, HOST: 0x4, REJECT: 0x200 } as const;

export const ECONNRESET = 104, ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTUNREACH = 113, EINPROGRESS = 115;
export const ENETUNREACH = 101, EADDRINUSE = 98, EADDRNOTAVAIL = 99, EAFNOSUPPORT = 97, ENOTSOCK = 88;

const NET_MESSAGES: ReadonlyMap<number, string> = new Map([
  [ENOTSOCK, 'Socket operation on non-socket'],
  [EAFNOSUPPORT, 'Address family not supported by protocol'],
  [EADDRINUSE, 'Address in use'],
  [EADDRNOTAVAIL, 'Address not available'],
  [ENETUNREACH, 'Network is unreachable'],
  [ECONNRESET, 'Connection reset by peer'],
  [ENOTCONN, 'Socket not connected'],
  [ETIMEDOUT, 'Connection timed out'],
  [ECONNREFUSED, 'Connection refused'],
  [EHOSTUNREACH, 'No route to host'],
  [EINPROGRESS, 'Operation in progress'],
]);

/** strerror() including the socket errnos, in glibc's words. */
export function netStrerror(err: number): string {
  return NET_MESSAGES.get(Math.abs(err)) ?? strerror(err);
}

/** inet_aton's strict dotted-quad form; undefined for anything else. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0) >>> 0;
}

export function formatIpv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

export function prefixToMask(prefixLen: number): number {
  return prefixLen <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefixLen, 32))) >>> 0;
}

/** Prefix length of a contiguous netmask, undefined for a non-contiguous one. */
export function maskToPrefix(mask: number): number | undefined {
  let n = 0;
  while (n < 32 && (mask >>> (31 - n)) & 1) n++;
  return prefixToMask(n) === mask >>> 0 ? n : undefined;
}

export interface InetAddr {
  addr: number;
  port: number;
}

export const SOCKADDR_IN_BYTES = 16;
export const SOCKADDR_NL_BYTES = 12;
export const IFREQ_BYTES = 40;
export const RTENTRY_BYTES = 120;

/** struct sockaddr_in: family (host order), port and address (network order), 8 zero bytes. */
export function emitSockaddrIn(a: InetAddr): Uint8Array {
  const b = new Uint8Array(SOCKADDR_IN_BYTES);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET, true);
  v.setUint16(2, a.port & 0xffff, false);
  v.setUint32(4, a.addr >>> 0, false);
  return b;
}

export function parseSockaddrIn(b: Uint8Array): InetAddr | undefined {
  if (b.length < 8) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint16(0, true) !== AF_INET) return undefined;
  return { port: v.getUint16(2, false), addr: v.getUint32(4, false) };
}

/** struct sockaddr_nl: family, pad, pid, groups. */
export function emitSockaddrNl(pid: number, groups: number): Uint8Array {
  const b = new Uint8Array(SOCKADDR_NL_BYTES);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_NETLINK, true);
  v.setUint32(4, pid >>> 0, true);
  v.setUint32(8, groups >>> 0, true);
  return b;
}

/** struct ifreq (40 bytes on LP64): ifr_name[16] then a 24-byte union. */
export function emitIfreq(name: string, union?: Uint8Array): Uint8Array {
  const b = new Uint8Array(IFREQ_BYTES);
  b.set(utf8(name).subarray(0, 15));
  if (union) b.set(union.subarray(0, 24), 16);
  return b;
}

export function ifreqName(b: Uint8Array): string {
  return fromUtf8(untilNul(b.subarray(0, 16)));
}

export function ifreqInt(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset + 16, 4).getInt32(0, true);
}

export function intUnion(v: number): Uint8Array {
  const b = new Uint8Array(24);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}

/** The sockaddr_in in an ifreq's union (ifr_addr, ifr_netmask, ifr_broadaddr). */
export function ifreqAddr(b: Uint8Array): number | undefined {
  return parseSockaddrIn(b.subarray(16, 32))?.addr;
}

/** ifr_hwaddr: sa_family (ARPHRD_*) then the MAC. */
export function ifreqHwaddr(b: Uint8Array): { family: number; mac: string } {
  const family = new DataView(b.buffer, b.byteOffset + 16, 2).getUint16(0, true);
  const mac = [...b.subarray(18, 24)].map((x) => x.toString(16).padStart(2, '0')).join(':');
  return { family, mac };
}

export interface RouteRequest {
  dest: number;
  gateway: number;
  mask: number;
  flags: number;
  metric: number;
  /** rt_dev: the string is placed by the caller; 0 = no device. */
  devPtr: number;
}

/**
 * struct rtentry on LP64: rt_pad1 (8), rt_dst, rt_gateway, rt_genmask (16 each), rt_flags (u16),
 * rt_pad2, rt_pad3 (8), rt_pad4 (8), rt_metric (i16), rt_dev (pointer at 88), rt_mtu, rt_window, rt_irtt.
 */
export function emitRtentry(r: RouteRequest): Uint8Array {
  const b = new Uint8Array(RTENTRY_BYTES);
  b.set(emitSockaddrIn({ addr: r.dest, port: 0 }), 8);
  b.set(emitSockaddrIn({ addr: r.gateway, port: 0 }), 24);
  b.set(emitSockaddrIn({ addr: r.mask, port: 0 }), 40);
  const v = new DataView(b.buffer);
  v.setUint16(56, r.flags, true);
  // Linux stores metric + 1 (route.c does the same before the ioctl).
  v.setInt16(80, r.metric + 1, true);
  v.setBigUint64(88, BigInt(r.devPtr), true);
  return b;
}

export interface PollFd {
  fd: number;
  events: number;
}

function trap(nr: number, args: number[]): SyscallTrap {
  return { nr, args };
}

const NET_SCRATCH_BYTES = 256 * 1024;

/** Socket calls for a process; marshals through its own mapping. */
export class Net {
  private top = 0;

  private constructor(readonly sys: Sys, private readonly base: number) {}

  static *create(sys: Sys): Sc<Net | number> {
    const addr = yield* sys.raw(NR.mmap, [0, NET_SCRATCH_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0]);
    if (addr < 0 && addr > -4096) return addr;
    return new Net(sys, addr);
  }

  /** In a forked child: the scratch mapping was copied with the address space. */
  forChild(sys: Sys): Net {
    return new Net(sys, this.base);
  }

  /** Places `bytes` (or `lenBytes` zeros) in scratch for the duration of one call. */
  private *call<T>(parts: readonly (Uint8Array | number)[], body: (ptrs: number[]) => Sc<T>): Sc<T | number> {
    const saved = this.top;
    try {
      const ptrs: number[] = [];
      for (const p of parts) {
        const len = typeof p === 'number' ? p : p.length;
        const at = (this.top + 15) & ~15;
        if (at + len > NET_SCRATCH_BYTES) return -ENOMEM;
        this.top = at + len;
        if (!this.sys.mem.write(this.base + at, typeof p === 'number' ? new Uint8Array(p) : p)) return -ENOMEM;
        ptrs.push(this.base + at);
      }
      return yield* body(ptrs);
    } finally {
      this.top = saved;
    }
  }

  private fetch(addr: number, lenBytes: number): Uint8Array {
    return this.sys.mem.read(addr, lenBytes) ?? new Uint8Array(lenBytes);
  }

  *socket(domain: number, type: number, protocol: number): Sc<number> {
    return yield trap(NR_NET.socket, [domain, type, protocol]);
  }

  *bind(fd: number, a: InetAddr): Sc<number> {
    return yield* this.call([emitSockaddrIn(a)], function* (p): Sc<number> {
      return yield trap(NR_NET.bind, [fd, p[0]!, SOCKADDR_IN_BYTES]);
    });
  }

  *bindNetlink(fd: number, pid: number, groups: number): Sc<number> {
    return yield* this.call([emitSockaddrNl(pid, groups)], function* (p): Sc<number> {
      return yield trap(NR_NET.bind, [fd, p[0]!, SOCKADDR_NL_BYTES]);
    });
  }

  *connect(fd: number, a: InetAddr): Sc<number> {
    return yield* this.call([emitSockaddrIn(a)], function* (p): Sc<number> {
      return yield trap(NR_NET.connect, [fd, p[0]!, SOCKADDR_IN_BYTES]);
    });
  }

  *listen(fd: number, backlog: number): Sc<number> {
    return yield trap(NR_NET.listen, [fd, backlog]);
  }

  /** accept4: the new descriptor and the peer, or -errno. */
  *accept(fd: number, flags = 0): Sc<{ fd: number; peer: InetAddr | undefined } | number> {
    const lenBuf = new Uint8Array(4);
    new DataView(lenBuf.buffer).setUint32(0, SOCKADDR_IN_BYTES, true);
    return yield* this.call([SOCKADDR_IN_BYTES, lenBuf], function* (this: Net, p: number[]): Sc<{ fd: number; peer: InetAddr | undefined } | number> {
      const r = yield trap(NR_NET.accept4, [fd, p[0]!, p[1]!, flags]);
      if (r < 0) return r;
      return { fd: r, peer: parseSockaddrIn(this.fetch(p[0]!, SOCKADDR_IN_BYTES)) };
    }.bind(this));
  }

  *sendto(fd: number, data: Uint8Array, flags = 0, to?: InetAddr): Sc<number> {
    const parts: Uint8Array[] = [data.length === 0 ? new Uint8Array(1) : data];
    if (to) parts.push(emitSockaddrIn(to));
    return yield* this.call(parts, function* (p): Sc<number> {
      return yield trap(NR_NET.sendto, [fd, p[0]!, data.length, flags, to ? p[1]! : 0, to ? SOCKADDR_IN_BYTES : 0]);
    });
  }

  /** Writes all of `data` (a stream socket may take it in pieces). */
  *sendAll(fd: number, data: Uint8Array): Sc<number> {
    let done = 0;
    while (done < data.length) {
      const n = yield* this.sendto(fd, data.subarray(done, done + 65536));
      if (n < 0) return done > 0 ? done : n;
      done += n;
    }
    return done;
  }

  *recvfrom(fd: number, maxBytes: number, flags = 0): Sc<{ data: Uint8Array; from: InetAddr | undefined } | number> {
    const len = Math.max(1, Math.min(maxBytes, 65536));
    const lenBuf = new Uint8Array(4);
    new DataView(lenBuf.buffer).setUint32(0, SOCKADDR_IN_BYTES, true);
    return yield* this.call([len, SOCKADDR_IN_BYTES, lenBuf], function* (this: Net, p: number[]): Sc<{ data: Uint8Array; from: InetAddr | undefined } | number> {
      const r = yield trap(NR_NET.recvfrom, [fd, p[0]!, len, flags, p[1]!, p[2]!]);
      if (r < 0) return r;
      const addrLen = new DataView(this.fetch(p[2]!, 4).buffer).getUint32(0, true);
      const from = addrLen >= 8 ? parseSockaddrIn(this.fetch(p[1]!, SOCKADDR_IN_BYTES)) : undefined;
      return { data: this.fetch(p[0]!, Math.min(r, len)), from };
    }.bind(this));
  }

  /** A raw sendto for netlink: the destination is the kernel (pid 0). */
  *sendNetlink(fd: number, message: Uint8Array): Sc<number> {
    return yield* this.call([message, emitSockaddrNl(0, 0)], function* (p): Sc<number> {
      return yield trap(NR_NET.sendto, [fd, p[0]!, message.length, 0, p[1]!, SOCKADDR_NL_BYTES]);
    });
  }

  *setsockoptInt(fd: number, level: number, name: number, value: number): Sc<number> {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    return yield* this.setsockopt(fd, level, name, b);
  }

  *setsockopt(fd: number, level: number, name: number, value: Uint8Array): Sc<number> {
    return yield* this.call([value], function* (p): Sc<number> {
      return yield trap(NR_NET.setsockopt, [fd, level, name, p[0]!, value.length]);
    });
  }

  *getsockoptInt(fd: number, level: number, name: number): Sc<number> {
    const lenBuf = new Uint8Array(4);
    new DataView(lenBuf.buffer).setUint32(0, 4, true);
    return yield* this.call([4, lenBuf], function* (this: Net, p: number[]): Sc<number> {
      const r = yield trap(NR_NET.getsockopt, [fd, level, name, p[0]!, p[1]!]);
      if (r < 0) return r;
      return new DataView(this.fetch(p[0]!, 4).buffer).getInt32(0, true);
    }.bind(this));
  }

  *getsockname(fd: number): Sc<InetAddr | number> {
    const lenBuf = new Uint8Array(4);
    new DataView(lenBuf.buffer).setUint32(0, SOCKADDR_IN_BYTES, true);
    return yield* this.call([SOCKADDR_IN_BYTES, lenBuf], function* (this: Net, p: number[]): Sc<InetAddr | number> {
      const r = yield trap(NR_NET.getsockname, [fd, p[0]!, p[1]!]);
      if (r < 0) return r;
      return parseSockaddrIn(this.fetch(p[0]!, SOCKADDR_IN_BYTES)) ?? { addr: 0, port: 0 };
    }.bind(this));
  }

  *shutdown(fd: number, how: number): Sc<number> {
    return yield trap(NR_NET.shutdown, [fd, how]);
  }

  /** An ioctl taking a struct ifreq: the struct as the kernel left it, or -errno. */
  *ioctlIfreq(fd: number, request: number, ifreq: Uint8Array): Sc<Uint8Array | number> {
    return yield* this.call([ifreq], function* (this: Net, p: number[]): Sc<Uint8Array | number> {
      const r = yield trap(NR.ioctl, [fd, request, p[0]!]);
      if (r < 0) return r;
      return this.fetch(p[0]!, ifreq.length);
    }.bind(this));
  }

  /** SIOCADDRT/SIOCDELRT with the device name placed beside the rtentry. */
  *ioctlRoute(fd: number, request: number, r: Omit<RouteRequest, 'devPtr'>, dev: string | undefined): Sc<number> {
    const name = utf8(`${dev ?? ''}\0`);
    return yield* this.call([name], function* (this: Net, p: number[]): Sc<number> {
      const rt = emitRtentry({ ...r, devPtr: dev ? p[0]! : 0 });
      return yield* this.call([rt], function* (q): Sc<number> {
        return yield trap(NR.ioctl, [fd, request, q[0]!]);
      });
    }.bind(this));
  }

  /** ppoll with a timeout (undefined = forever): revents per entry, or -errno. */
  *poll(fds: readonly PollFd[], timeoutNs: number | undefined): Sc<number[] | number> {
    const arr = new Uint8Array(Math.max(8, fds.length * 8));
    const v = new DataView(arr.buffer);
    fds.forEach((f, i) => {
      v.setInt32(i * 8, f.fd, true);
      v.setInt16(i * 8 + 4, f.events, true);
    });
    const ts = new Uint8Array(16);
    if (timeoutNs !== undefined) {
      const t = Math.max(0, Math.floor(timeoutNs));
      const tv = new DataView(ts.buffer);
      tv.setBigInt64(0, BigInt(Math.floor(t / 1e9)), true);
      tv.setBigInt64(8, BigInt(t % 1e9), true);
    }
    return yield* this.call([arr, ts], function* (this: Net, p: number[]): Sc<number[] | number> {
      const r = yield trap(NR_NET.ppoll, [p[0]!, fds.length, timeoutNs === undefined ? 0 : p[1]!, 0, 8]);
      if (r < 0) return r;
      const out = new DataView(this.fetch(p[0]!, arr.length).buffer);
      return fds.map((_, i) => out.getInt16(i * 8 + 6, true));
    }.bind(this));
  }
}
