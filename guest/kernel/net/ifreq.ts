// Interface ioctls on any socket (net/core/dev_ioctl.c, net/ipv4/devinet.c, af_inet.c's
// SIOCADDRT): struct ifreq is 40 bytes on 64-bit (name[16] + a 24-byte union), struct ifconf
// 16 (int len, pointer), struct rtentry 120. What ifconfig and route use, answered from the
// IPv4 stack; FIONREAD asks the socket (a non-consuming peek).

import { EAGAIN, EFAULT, EINVAL, EPERM, ENODEV, ENOTTY } from '../errno';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { copyIn, copyOut } from '../uaccess';
import type { SysResult } from '../wait';
import { isSockBlock } from './block';
import { MSG_PEEK, type InterfaceInfo, type IpStack, type KernelSocket } from '../../net/socket';
import { EADDRNOTAVAIL, ENETUNREACH } from './errno-net';

export const SIOCADDRT = 0x890b, SIOCDELRT = 0x890c, SIOCGIFNAME = 0x8910, SIOCGIFCONF = 0x8912;
export const SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFADDR = 0x8915, SIOCSIFADDR = 0x8916;
export const SIOCGIFDSTADDR = 0x8917, SIOCGIFBRDADDR = 0x8919, SIOCSIFBRDADDR = 0x891a;
export const SIOCGIFNETMASK = 0x891b, SIOCSIFNETMASK = 0x891c, SIOCGIFMETRIC = 0x891d;
export const SIOCGIFMTU = 0x8921, SIOCSIFMTU = 0x8922, SIOCGIFHWADDR = 0x8927, SIOCGIFINDEX = 0x8933, SIOCGIFTXQLEN = 0x8942;
export const FIONREAD = 0x541b;
export const IFF_UP = 0x1, IFF_BROADCAST = 0x2, IFF_LOOPBACK = 0x8, IFF_RUNNING = 0x40, IFF_MULTICAST = 0x1000;
export const IFF_LOWER_UP = 0x10000;
export const ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
const IFREQ_BYTES = 40, IFNAMSIZ = 16, RTENTRY_BYTES = 120;
const RTF_GATEWAY = 0x2, RTF_HOST = 0x4;

/** dev_get_flags: the administrative flags plus RUNNING (and LOWER_UP, for netlink) from the carrier. */
export function interfaceFlags(i: InterfaceInfo, withLowerUp = false): number {
  let f = i.loopback ? IFF_LOOPBACK : IFF_BROADCAST | IFF_MULTICAST;
  if (i.up) f |= IFF_UP;
  if (i.up && i.linkUp) f |= IFF_RUNNING | (withLowerUp ? IFF_LOWER_UP : 0);
  return f;
}

export function prefixToMask(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

/**
 * Routes in the order Linux's fib trie walks them (dumps, /proc/net/route): by destination,
 * then longest prefix first, then metric.
 */
export function fibOrder<R extends { dest: number; prefixLen: number; metric: number }>(routes: readonly R[]): R[] {
  return [...routes].sort((a, b) => (a.dest >>> 0) - (b.dest >>> 0) || b.prefixLen - a.prefixLen || a.metric - b.metric);
}

/** A netmask's prefix length, or -1 when its ones are not contiguous. */
export function maskToPrefix(mask: number): number {
  const m = mask >>> 0;
  let len = 0;
  while (len < 32 && (m & (0x80000000 >>> len)) !== 0) len++;
  return prefixToMask(len) === m ? len : -1;
}

/** inet_abc_len: the classful prefix SIOCSIFADDR gives a new address (-1 for multicast). */
export function classfulPrefix(addr: number): number {
  const a = addr >>> 0;
  if (a === 0 || a === 0xffffffff || a >>> 24 === 0) return 0;
  if ((a & 0x80000000) === 0) return 8;
  if ((a & 0xc0000000) >>> 0 === 0x80000000) return 16;
  if ((a & 0xe0000000) >>> 0 === 0xc0000000) return 24;
  if ((a & 0xf0000000) >>> 0 === 0xe0000000) return -1;
  return 32;
}

function inAddr(addr: number): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = 2;
  new DataView(b.buffer).setUint32(4, addr >>> 0, false);
  return b;
}

function readName(b: Uint8Array): string {
  const end = b.subarray(0, IFNAMSIZ).indexOf(0);
  return new TextDecoder().decode(b.subarray(0, end < 0 ? IFNAMSIZ : end));
}

export function socketIoctl(k: Kernel, t: Task, sock: KernelSocket, cmd: number, arg: number): SysResult {
  if (cmd === FIONREAD) return fionread(t, sock, arg);
  const net = k.net;
  if (cmd === SIOCGIFCONF) return net ? ifconf(t, net, arg) : -ENODEV;
  if (cmd === SIOCADDRT || cmd === SIOCDELRT) return net ? routeIoctl(t, net, cmd, arg) : -ENODEV;
  if ((cmd & 0xff00) !== 0x8900) return -ENOTTY;
  const req = copyIn(t, arg, IFREQ_BYTES);
  if (!req) return -EFAULT;
  if (!net) return -ENODEV;
  const r = ifreqIoctl(t, net, cmd, req);
  if (typeof r === 'number') return r;
  return copyOut(t, arg, r) ? 0 : -EFAULT;
}

function fionread(t: Task, sock: KernelSocket, arg: number): number {
  const r = sock.recv(1 << 20, MSG_PEEK, true);
  const n = isSockBlock(r) ? 0 : typeof r === 'number' ? (r === -EAGAIN ? 0 : r) : (r.fullLengthBytes ?? r.data.length);
  if (n < 0) return n;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return copyOut(t, arg, b) ? 0 : -EFAULT;
}

/** SIOCGIFCONF: one ifreq (name + sockaddr_in) per IPv4 address; a NULL buffer asks for the length. */
function ifconf(t: Task, net: IpStack, arg: number): number {
  const hdr = copyIn(t, arg, 16);
  if (!hdr) return -EFAULT;
  const v = new DataView(hdr.buffer);
  const room = v.getInt32(0, true), buf = Number(v.getBigUint64(8, true));
  const entries: Uint8Array[] = [];
  for (const i of net.interfaces()) {
    for (const a of i.addresses) {
      const e = new Uint8Array(IFREQ_BYTES);
      e.set(new TextEncoder().encode(i.name).subarray(0, IFNAMSIZ - 1));
      e.set(inAddr(a.addr), IFNAMSIZ);
      entries.push(e);
    }
  }
  let used = entries.length * IFREQ_BYTES;
  if (buf !== 0) {
    const fit = entries.slice(0, Math.max(0, Math.floor(room / IFREQ_BYTES)));
    used = fit.length * IFREQ_BYTES;
    for (let j = 0; j < fit.length; j++) if (!copyOut(t, buf + j * IFREQ_BYTES, fit[j])) return -EFAULT;
  }
  v.setInt32(0, used, true);
  return copyOut(t, arg, hdr.subarray(0, 4)) ? 0 : -EFAULT;
}

function ifreqIoctl(t: Task, net: IpStack, cmd: number, req: Uint8Array): Uint8Array | number {
  const v = new DataView(req.buffer);
  if (cmd === SIOCGIFNAME) {
    const i = net.interfaces().find((x) => x.index === v.getInt32(IFNAMSIZ, true));
    if (!i) return -ENODEV;
    req.fill(0, 0, IFNAMSIZ);
    req.set(new TextEncoder().encode(i.name).subarray(0, IFNAMSIZ - 1));
    return req;
  }
  const i = net.interfaces().find((x) => x.name === readName(req));
  if (!i) return -ENODEV;
  const admin = t.cred.euid === 0;
  const primary = i.addresses[0];
  const union = (bytes: Uint8Array) => {
    req.fill(0, IFNAMSIZ);
    req.set(bytes, IFNAMSIZ);
    return req;
  };
  const int = (n: number) => {
    req.fill(0, IFNAMSIZ);
    v.setInt32(IFNAMSIZ, n, true);
    return req;
  };
  switch (cmd) {
    case SIOCGIFFLAGS: return int(interfaceFlags(i) & 0xffff);
    case SIOCGIFMTU: return int(i.mtuBytes);
    case SIOCGIFINDEX: return int(i.index);
    case SIOCGIFMETRIC: return int(0);
    case SIOCGIFTXQLEN: return int(1000);
    case SIOCGIFHWADDR: {
      const hw = new Uint8Array(16);
      new DataView(hw.buffer).setUint16(0, i.loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER, true);
      i.mac.split(':').forEach((h, j) => (hw[2 + j] = parseInt(h, 16) & 0xff));
      return union(hw);
    }
    case SIOCGIFADDR: case SIOCGIFNETMASK: case SIOCGIFBRDADDR: case SIOCGIFDSTADDR: {
      if (!primary) return -EADDRNOTAVAIL;
      const mask = prefixToMask(primary.prefixLen);
      const value = cmd === SIOCGIFADDR || cmd === SIOCGIFDSTADDR ? primary.addr : cmd === SIOCGIFNETMASK ? mask : (primary.addr | ~mask) >>> 0;
      return union(inAddr(value));
    }
  }
  if (!admin) return -EPERM;
  return setIoctl(net, i, cmd, v);
}

/** The SIOCS* calls (CAP_NET_ADMIN, checked by the caller). */
function setIoctl(net: IpStack, i: InterfaceInfo, cmd: number, v: DataView): number {
  const addrArg = v.getUint32(IFNAMSIZ + 4, false);
  const primary = i.addresses[0];
  switch (cmd) {
    case SIOCSIFFLAGS: return net.setUp(i.name, (v.getInt16(IFNAMSIZ, true) & IFF_UP) !== 0);
    case SIOCSIFMTU: return net.setMtu(i.name, v.getInt32(IFNAMSIZ, true));
    case SIOCSIFADDR: {
      const prefixLen = classfulPrefix(addrArg);
      if (prefixLen < 0) return -EINVAL;
      if (primary?.addr === addrArg) return 0;
      if (primary) net.removeAddress(i.name, primary);
      return net.addAddress(i.name, { addr: addrArg, prefixLen });
    }
    case SIOCSIFNETMASK: {
      const prefixLen = maskToPrefix(addrArg);
      if (prefixLen < 0) return -EINVAL;
      if (!primary) return -EADDRNOTAVAIL;
      if (primary.prefixLen === prefixLen) return 0;
      net.removeAddress(i.name, primary);
      return net.addAddress(i.name, { addr: primary.addr, prefixLen });
    }
    // The broadcast address is derived from the prefix; one that differs cannot be represented.
    case SIOCSIFBRDADDR:
      if (!primary) return -EADDRNOTAVAIL;
      return addrArg === ((primary.addr | ~prefixToMask(primary.prefixLen)) >>> 0) ? 0 : -EINVAL;
    default: return -ENOTTY;
  }
}

/** SIOCADDRT/SIOCDELRT with struct rtentry (what BusyBox `route add` sends). */
function routeIoctl(t: Task, net: IpStack, cmd: number, arg: number): number {
  if (t.cred.euid !== 0) return -EPERM;
  const rt = copyIn(t, arg, RTENTRY_BYTES);
  if (!rt) return -EFAULT;
  const v = new DataView(rt.buffer);
  const dest = v.getUint32(8 + 4, false), gateway = v.getUint32(24 + 4, false), genmask = v.getUint32(40 + 4, false);
  const flags = v.getUint16(56, true), metric = v.getInt16(80, true), devPtr = Number(v.getBigUint64(88, true));
  const prefixLen = flags & RTF_HOST ? 32 : maskToPrefix(genmask);
  if (prefixLen < 0 || (dest & ~prefixToMask(prefixLen)) !== 0) return -EINVAL;
  let ifname: string | undefined;
  if (devPtr !== 0) {
    ifname = t.mm.readCString(devPtr, IFNAMSIZ) ?? undefined;
    if (ifname === undefined) return -EFAULT;
    if (!net.interfaces().some((i) => i.name === ifname)) return -ENODEV;
  } else {
    const via = flags & RTF_GATEWAY ? gateway : dest;
    ifname = net.interfaces().find((i) => i.addresses.some((a) => ((a.addr ^ via) & prefixToMask(a.prefixLen)) === 0))?.name;
    if (!ifname) return -ENETUNREACH;
  }
  const route = { dest, prefixLen, gateway: flags & RTF_GATEWAY ? gateway : 0, ifname, metric: metric > 0 ? metric - 1 : 0 };
  return cmd === SIOCADDRT ? net.addRoute(route) : net.removeRoute(route);
}
