// The socket calls (net/socket.c): descriptors for sockets of every family, addresses moved
// in and out of user memory (move_addr_to_kernel / move_addr_to_user), sendmsg/recvmsg with
// iovecs and control messages, socket options (SO_RCVTIMEO/SO_SNDTIMEO here, the rest in the
// family). The families (guest/net/unix, guest/net/netlink, the IPv4 stack) own behaviour.

import { EBADF, EFAULT, EINVAL, ENOTSOCK } from '../errno';
import { O_NONBLOCK, type OpenFile } from '../file';
import type { Kernel } from '../kernel';
import { isSockBlock } from '../net/block';
import { createSocket, createSocketPair } from '../net/families';
import { emitControl, parseControl, parseMsgHdr, MSGHDR_BYTES, SOL_SOCKET } from '../net/msghdr';
import { credentialsMessage, dropRights, installRights, rightsOf, takeRights, MSG_CMSG_CLOEXEC } from '../net/scm';
import { UnixSocket } from '../../net/unix/unix-socket';
import { emitSockaddr, parseSockaddr, SOCKADDR_STORAGE_BYTES } from '../net/sockaddr';
import { openSocketFile, recvOnce, sendAll, socketOf, withTimeout, type SocketExtra } from '../net/socket-file';
import { decodeIovecs } from '../structs';
import type { Task } from '../task';
import { asInt, copyIn, copyOut, readI32, writeI32 } from '../uaccess';
import type { SysResult } from '../wait';
import { MSG_DONTWAIT, MSG_TRUNC, SOCK_CLOEXEC, SOCK_NONBLOCK, type KernelSocket, type SockAddr } from '../../net/socket';
import type { SyscallHandler } from './types';

const SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21, SO_RCVTIMEO_NEW = 66, SO_SNDTIMEO_NEW = 67;
const MSG_CTRUNC = 0x8;
const IOV_MAX = 1024;
/** Bound on one datagram or one write handed to a family. */
const MAX_SEND_BYTES = 16 * 1024 * 1024;

function sockFd(t: Task, fd: number): SocketExtra | number {
  const f = t.fds.get(asInt(fd));
  if (!f) return -EBADF;
  return socketOf(f) ?? -ENOTSOCK;
}

function fileOf(t: Task, fd: number): OpenFile | undefined {
  return t.fds.get(asInt(fd));
}

/** Installs a new socket's file: SOCK_NONBLOCK / SOCK_CLOEXEC from `flags`. */
function install(k: Kernel, t: Task, sock: KernelSocket, flags: number): number {
  const f = openSocketFile(k, sock, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);
  return t.fds.install(f, (flags & SOCK_CLOEXEC) !== 0);
}

function readAddr(t: Task, addr: number, lenBytes: number, family: number, forBind = false): SockAddr | number {
  const len = asInt(lenBytes);
  if (len < 0 || len > SOCKADDR_STORAGE_BYTES) return -EINVAL;
  const b = copyIn(t, addr, len);
  if (!b) return -EFAULT;
  return parseSockaddr(b, family, forBind);
}

/** move_addr_to_user: copies what fits, stores the full length; a NULL address is skipped. */
function writeAddr(t: Task, addr: number, lenPtr: number, a: SockAddr): number {
  if (addr === 0) return 0;
  const ulen = readI32(t, lenPtr);
  if (ulen === undefined) return -EFAULT;
  if (ulen < 0) return -EINVAL;
  const bytes = emitSockaddr(a);
  if (!copyOut(t, addr, bytes.subarray(0, Math.min(ulen, bytes.length)))) return -EFAULT;
  return writeI32(t, lenPtr, bytes.length) ? 0 : -EFAULT;
}

function sysSocket(k: Kernel, t: Task, a: readonly number[]): number {
  const type = asInt(a[1]);
  if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  const sock = createSocket(k, asInt(a[0]), type & 0xf, asInt(a[2]));
  if (typeof sock === 'number') return sock;
  return install(k, t, sock, type);
}

function sysSocketpair(k: Kernel, t: Task, a: readonly number[]): number {
  const type = asInt(a[1]);
  if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  if (!t.mm.pageFor(a[3], 'w') || !t.mm.pageFor(a[3] + 7, 'w')) return -EFAULT;
  const pair = createSocketPair(k, asInt(a[0]), type & 0xf, asInt(a[2]));
  if (typeof pair === 'number') return pair;
  const fd0 = install(k, t, pair[0], type);
  if (fd0 < 0) {
    pair[1].close();
    return fd0;
  }
  const fd1 = install(k, t, pair[1], type);
  if (fd1 < 0) {
    t.fds.close(fd0);
    return fd1;
  }
  writeI32(t, a[3], fd0);
  writeI32(t, a[3] + 4, fd1);
  return 0;
}

function sysBind(_k: Kernel, t: Task, a: readonly number[]): number {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const addr = readAddr(t, a[1], a[2], s.sock.family, true);
  return typeof addr === 'number' ? addr : s.sock.bind(addr);
}

function sysListen(_k: Kernel, t: Task, a: readonly number[]): number {
  const s = sockFd(t, a[0]);
  return typeof s === 'number' ? s : s.sock.listen(asInt(a[1]));
}

function sysAccept4(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const flags = asInt(a[3]);
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const r = s.sock.accept(fileOf(t, a[0])!.nonblocking);
  // accept waits under SO_RCVTIMEO, connect under SO_SNDTIMEO, as sock_rcvtimeo/sock_sndtimeo.
  if (isSockBlock(r)) return withTimeout(k, t, r, s.rcvTimeoutNs, 'sockRcvDeadline');
  if (typeof r === 'number') return r;
  if (a[1] !== 0) {
    const peer = r.peerAddress();
    const w = writeAddr(t, a[1], a[2], typeof peer === 'number' ? { family: 0 } : peer);
    if (w < 0) {
      r.close();
      return w;
    }
  }
  return install(k, t, r, flags);
}

function sysConnect(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const addr = readAddr(t, a[1], a[2], s.sock.family);
  if (typeof addr === 'number') return addr;
  const r = s.sock.connect(addr, fileOf(t, a[0])!.nonblocking);
  return isSockBlock(r) ? withTimeout(k, t, r, s.sndTimeoutNs, 'sockSndDeadline') : r;
}

function sysSendto(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const len = Math.min(a[2], MAX_SEND_BYTES);
  if (len < 0) return -EINVAL;
  const data = copyIn(t, a[1], len);
  if (!data) return -EFAULT;
  let to: SockAddr | undefined;
  if (a[4] !== 0) {
    const addr = readAddr(t, a[4], a[5], s.sock.family);
    if (typeof addr === 'number') return addr;
    to = addr;
  }
  const r = sendAll(k, t, s, data, asInt(a[3]), to, fileOf(t, a[0])!.nonblocking);
  if (typeof r === 'number' && r > 0) k.chargeCopy(r);
  return r;
}

function sysRecvfrom(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const len = Math.min(a[2], MAX_SEND_BYTES), flags = asInt(a[3]);
  if (len < 0) return -EINVAL;
  if (len > 0 && !t.mm.pageFor(a[1], 'w')) return -EFAULT;
  const r = recvOnce(k, t, s, len, flags, fileOf(t, a[0])!.nonblocking);
  if (typeof r === 'number' || isSockBlock(r)) return r;
  dropRights(r);
  if (!copyOut(t, a[1], r.data)) return -EFAULT;
  k.chargeCopy(r.data.length);
  if (a[4] !== 0 && r.from) {
    const w = writeAddr(t, a[4], a[5], r.from);
    if (w < 0) return w;
  }
  return flags & MSG_TRUNC && r.truncated ? (r.fullLengthBytes ?? r.data.length) : r.data.length;
}

function readIov(t: Task, addr: number, count: number): Array<{ base: number; len: number }> | number {
  if (count < 0 || count > IOV_MAX) return -EINVAL;
  const raw = copyIn(t, addr, 16 * count);
  if (!raw) return -EFAULT;
  return decodeIovecs(raw);
}

function sysSendmsg(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const raw = copyIn(t, a[1], MSGHDR_BYTES);
  const m = raw && parseMsgHdr(raw);
  if (!m) return -EFAULT;
  const iov = readIov(t, m.iovAddr, m.iovCount);
  if (typeof iov === 'number') return iov;
  const total = iov.reduce((sum, v) => sum + v.len, 0);
  if (total > MAX_SEND_BYTES || iov.some((v) => v.len < 0)) return -EINVAL;
  const data = new Uint8Array(total);
  let off = 0;
  for (const v of iov) {
    const part = copyIn(t, v.base, v.len);
    if (!part) return -EFAULT;
    data.set(part, off);
    off += v.len;
  }
  let rights: OpenFile[] = [];
  if (m.controlLenBytes > 0) {
    const c = copyIn(t, m.controlAddr, Math.min(m.controlLenBytes, 1 << 16));
    if (!c) return -EFAULT;
    const r = takeRights(t, s.sock, parseControl(c));
    if (typeof r === 'number') return r;
    rights = r;
  }
  let to: SockAddr | undefined;
  if (m.nameAddr !== 0 && m.nameLenBytes > 0) {
    const addr = readAddr(t, m.nameAddr, m.nameLenBytes, s.sock.family);
    if (typeof addr === 'number') return addr;
    to = addr;
  }
  const nonblocking = fileOf(t, a[0])!.nonblocking || (asInt(a[2]) & MSG_DONTWAIT) !== 0;
  // Files go with one send call (the data they are attached to); a blocked or failed call gives them back.
  const r = rights.length > 0 && s.sock instanceof UnixSocket
    ? s.sock.sendWithRights(data, asInt(a[2]), to, nonblocking, rights)
    : sendAll(k, t, s, data, asInt(a[2]), to, fileOf(t, a[0])!.nonblocking);
  if (rights.length > 0 && (typeof r !== 'number' || r < 0 || (r === 0 && data.length > 0))) for (const f of rights) f.put();
  if (typeof r === 'number' && r > 0) k.chargeCopy(r);
  return r;
}

function sysRecvmsg(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const raw = copyIn(t, a[1], MSGHDR_BYTES);
  const m = raw && parseMsgHdr(raw);
  if (!m) return -EFAULT;
  const iov = readIov(t, m.iovAddr, m.iovCount);
  if (typeof iov === 'number') return iov;
  const room = iov.reduce((sum, v) => sum + Math.max(0, v.len), 0);
  const flags = asInt(a[2]);
  const r = recvOnce(k, t, s, Math.min(room, MAX_SEND_BYTES), flags, fileOf(t, a[0])!.nonblocking);
  if (typeof r === 'number' || isSockBlock(r)) return r;
  let off = 0;
  for (const v of iov) {
    if (off >= r.data.length) break;
    const n = Math.min(v.len, r.data.length - off);
    if (!copyOut(t, v.base, r.data.subarray(off, off + n))) return -EFAULT;
    off += n;
  }
  k.chargeCopy(r.data.length);
  const out = new DataView(raw.buffer);
  // ____sys_recvmsg starts msg_flags from the caller's MSG_CMSG_CLOEXEC.
  let msgFlags = (r.truncated ? MSG_TRUNC : 0) | (flags & MSG_CMSG_CLOEXEC);
  if (m.nameAddr !== 0 && r.from) {
    const name = emitSockaddr(r.from);
    if (!copyOut(t, m.nameAddr, name.subarray(0, Math.min(m.nameLenBytes, name.length)))) return -EFAULT;
    out.setUint32(8, name.length, true);
  } else out.setUint32(8, 0, true);
  // scm_recv's order: credentials, then descriptors (in the room the credentials leave).
  const cred = credentialsMessage(r);
  const credBytes = cred ? Math.min(m.controlLenBytes, 32) : 0;
  const files = rightsOf(r);
  const installed = files ? installRights(t, files, m.controlLenBytes - credBytes, flags) : { truncated: false };
  const ctl = emitControl([...(cred ? [cred] : []), ...(installed.msg ? [installed.msg] : [])], m.controlLenBytes);
  if (ctl.truncated || installed.truncated) msgFlags |= MSG_CTRUNC;
  if (ctl.bytes.length > 0 && !copyOut(t, m.controlAddr, ctl.bytes)) return -EFAULT;
  out.setBigUint64(40, BigInt(ctl.bytes.length), true);
  out.setInt32(48, msgFlags, true);
  if (!copyOut(t, a[1], raw)) return -EFAULT;
  return flags & MSG_TRUNC && r.truncated ? (r.fullLengthBytes ?? r.data.length) : r.data.length;
}

function sysShutdown(_k: Kernel, t: Task, a: readonly number[]): number {
  const s = sockFd(t, a[0]);
  return typeof s === 'number' ? s : s.sock.shutdown(asInt(a[1]));
}

function sysName(t: Task, a: readonly number[], peer: boolean): number {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const addr = peer ? s.sock.peerAddress() : s.sock.localAddress();
  if (typeof addr === 'number') return addr;
  if (a[1] === 0) return -EFAULT;
  return writeAddr(t, a[1], a[2], addr);
}

/** struct timeval / __kernel_sock_timeval (both 16 bytes on 64-bit) <-> ns. */
function timevalNs(b: Uint8Array): number | undefined {
  if (b.length < 16) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const sec = Number(v.getBigInt64(0, true)), usec = Number(v.getBigInt64(8, true));
  if (usec < 0 || usec >= 1_000_000) return undefined;
  return sec < 0 ? 0 : sec * 1e9 + usec * 1000;
}

function nsTimeval(ns: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
  v.setBigInt64(8, BigInt(Math.floor((ns % 1e9) / 1000)), true);
  return b;
}

function isTimeout(level: number, name: number): 'rcv' | 'snd' | undefined {
  if (level !== SOL_SOCKET) return undefined;
  if (name === SO_RCVTIMEO_OLD || name === SO_RCVTIMEO_NEW) return 'rcv';
  if (name === SO_SNDTIMEO_OLD || name === SO_SNDTIMEO_NEW) return 'snd';
  return undefined;
}

function sysSetsockopt(_k: Kernel, t: Task, a: readonly number[]): number {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const level = asInt(a[1]), name = asInt(a[2]), len = asInt(a[4]);
  if (len < 0) return -EINVAL;
  const value = copyIn(t, a[3], Math.min(len, 4096));
  if (!value) return -EFAULT;
  const which = isTimeout(level, name);
  if (which) {
    const ns = timevalNs(value);
    if (ns === undefined) return value.length < 16 ? -EINVAL : -33; // EDOM, as sock_set_timeout
    if (which === 'rcv') s.rcvTimeoutNs = ns;
    else s.sndTimeoutNs = ns;
    return 0;
  }
  return s.sock.setOption(level, name, value);
}

function sysGetsockopt(_k: Kernel, t: Task, a: readonly number[]): number {
  const s = sockFd(t, a[0]);
  if (typeof s === 'number') return s;
  const level = asInt(a[1]), name = asInt(a[2]);
  const ulen = readI32(t, a[4]);
  if (ulen === undefined) return -EFAULT;
  if (ulen < 0) return -EINVAL;
  const which = isTimeout(level, name);
  const value = which ? nsTimeval(which === 'rcv' ? s.rcvTimeoutNs : s.sndTimeoutNs) : s.sock.getOption(level, name);
  if (typeof value === 'number') return value;
  const n = Math.min(ulen, value.length);
  if (!copyOut(t, a[3], value.subarray(0, n))) return -EFAULT;
  return writeI32(t, a[4], n) ? 0 : -EFAULT;
}

export const socketHandlers: Record<string, SyscallHandler> = {
  socket: sysSocket,
  socketpair: sysSocketpair,
  bind: sysBind,
  listen: sysListen,
  accept: (k, t, a) => sysAccept4(k, t, [a[0], a[1], a[2], 0]),
  accept4: sysAccept4,
  connect: sysConnect,
  sendto: sysSendto,
  recvfrom: sysRecvfrom,
  sendmsg: sysSendmsg,
  recvmsg: sysRecvmsg,
  shutdown: sysShutdown,
  getsockname: (_k, t, a) => sysName(t, a, false),
  getpeername: (_k, t, a) => sysName(t, a, true),
  setsockopt: sysSetsockopt,
  getsockopt: sysGetsockopt,
};
