// Descriptor I/O: read/write and their vector and positional forms, lseek, close, dup
// family, fcntl, ioctl's generic part, pipe2. Device- and file-specific behaviour is in
// each open file's FileOps.

import { EBADF, EFAULT, EINVAL, ENOTTY, ESPIPE, EISDIR, EOVERFLOW } from '../errno';
import { O_CLOEXEC, O_NONBLOCK, SETFL_MASK, type OpenFile } from '../file';
import { createPipe } from '../pipe';
import { sendSignal } from '../signal';
import { SIGPIPE } from '../signal-defs';
import { decodeIovecs } from '../structs';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { asInt, copyIn, copyOut, writeI32 } from '../uaccess';
import { isBlock, type SysResult } from '../wait';
import type { SyscallHandler } from './types';

/** Largest single transfer (MAX_RW_COUNT is INT_MAX & PAGE_MASK; smaller here to bound host memory). */
export const MAX_RW_BYTES = 16 * 1024 * 1024;
const IOV_MAX = 1024;
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
const F_SETOWN = 8, F_GETOWN = 9, F_DUPFD_CLOEXEC = 1030, F_GETPIPE_SZ = 1032, FD_CLOEXEC = 1;
const FIONBIO = 0x5421, FIOCLEX = 0x5451, FIONCLEX = 0x5450;
const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

export function fileFor(t: Task, fd: number): OpenFile | undefined {
  return t.fds.get(asInt(fd));
}

export function doRead(k: Kernel, t: Task, f: OpenFile, addr: number, lenBytes: number): SysResult {
  if (!f.readable || !f.ops.read) return f.node?.kind === 'dir' ? -EISDIR : -EBADF;
  if (lenBytes < 0) return -EINVAL;
  const len = Math.min(lenBytes, MAX_RW_BYTES);
  if (len > 0 && !t.mm.pageFor(addr, 'w')) return -EFAULT;
  const r = f.ops.read(f, len, t);
  if (typeof r === 'number' || isBlock(r)) return r;
  if (!copyOut(t, addr, r)) return -EFAULT;
  k.chargeCopy(r.length);
  return r.length;
}

export function doWrite(k: Kernel, t: Task, f: OpenFile, addr: number, lenBytes: number): SysResult {
  if (!f.writable || !f.ops.write) return -EBADF;
  if (lenBytes < 0) return -EINVAL;
  const data = copyIn(t, addr, Math.min(lenBytes, MAX_RW_BYTES));
  if (!data) return -EFAULT;
  const r = f.ops.write(f, data, t);
  if (typeof r === 'number' && r > 0) k.chargeCopy(r);
  return r;
}

function sysRead(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const f = fileFor(t, a[0]);
  return f ? doRead(k, t, f, a[1], a[2]) : -EBADF;
}

function sysWrite(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const f = fileFor(t, a[0]);
  return f ? doWrite(k, t, f, a[1], a[2]) : -EBADF;
}

function readIovecs(t: Task, addr: number, count: number): Array<{ base: number; len: number }> | number {
  const n = asInt(count);
  if (n < 0 || n > IOV_MAX) return -EINVAL;
  const raw = copyIn(t, addr, 16 * n);
  if (!raw) return -EFAULT;
  return decodeIovecs(raw);
}

/** readv/writev: one transfer per vector; stops at the first short or blocked one once something moved. */
function vectored(k: Kernel, t: Task, a: readonly number[], op: typeof doRead): SysResult {
  const f = fileFor(t, a[0]);
  if (!f) return -EBADF;
  const iov = readIovecs(t, a[1], a[2]);
  if (typeof iov === 'number') return iov;
  let total = 0;
  for (const v of iov) {
    if (v.len === 0) continue;
    const r = op(k, t, f, v.base, v.len);
    if (isBlock(r)) {
      if (total === 0) return r;
      return total;
    }
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < v.len) break;
  }
  return total;
}

function positional(k: Kernel, t: Task, a: readonly number[], op: typeof doRead): SysResult {
  const f = fileFor(t, a[0]);
  if (!f) return -EBADF;
  if (!f.ops.seekable) return -ESPIPE;
  if (a[3] < 0) return -EINVAL;
  const saved = f.pos;
  f.pos = a[3];
  const r = op(k, t, f, a[1], a[2]);
  f.pos = saved;
  return r;
}

function sysLseek(_k: unknown, t: Task, a: readonly number[]): SysResult {
  const f = fileFor(t, a[0]);
  if (!f) return -EBADF;
  if (!f.ops.seekable) return -ESPIPE;
  const off = a[1];
  const whence = asInt(a[2]);
  const size = f.ops.sizeBytes ? f.ops.sizeBytes(f) : f.node?.kind === 'file' ? f.node.size : f.snapshot?.length ?? 0;
  let pos: number;
  if (whence === SEEK_SET) pos = off;
  else if (whence === SEEK_CUR) pos = f.pos + off;
  else if (whence === SEEK_END) pos = size + off;
  else return -EINVAL;
  if (pos < 0) return -EINVAL;
  if (!Number.isSafeInteger(pos)) return -EOVERFLOW;
  f.pos = pos;
  if (f.node?.kind === 'dir') f.dirPos = pos;
  return pos;
}

function sysDup3(_k: unknown, t: Task, a: readonly number[]): number {
  const oldfd = asInt(a[0]), newfd = asInt(a[1]), flags = asInt(a[2]);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  const f = t.fds.get(oldfd);
  if (!f) return -EBADF;
  if (oldfd === newfd) return -EINVAL;
  return t.fds.installAt(newfd, f.get(), (flags & O_CLOEXEC) !== 0);
}

function sysDup2(_k: unknown, t: Task, a: readonly number[]): number {
  const oldfd = asInt(a[0]), newfd = asInt(a[1]);
  const f = t.fds.get(oldfd);
  if (!f) return -EBADF;
  if (oldfd === newfd) return newfd;
  return t.fds.installAt(newfd, f.get(), false);
}

function sysFcntl(_k: unknown, t: Task, a: readonly number[]): number {
  const fd = asInt(a[0]), cmd = asInt(a[1]), arg = a[2];
  const e = t.fds.entry(fd);
  if (!e) return -EBADF;
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
      if (asInt(arg) < 0 || asInt(arg) >= t.fds.limit) return -EINVAL;
      return t.fds.install(e.file.get(), cmd === F_DUPFD_CLOEXEC, asInt(arg));
    case F_GETFD: return e.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: e.cloexec = (arg & FD_CLOEXEC) !== 0; return 0;
    case F_GETFL: return e.file.flags;
    case F_SETFL: e.file.flags = (e.file.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
    case F_GETLK: case F_SETLK: case F_SETLKW: return 0;
    case F_GETOWN: return 0;
    case F_SETOWN: return 0;
    case F_GETPIPE_SZ: return e.file.path === 'pipe:' ? 65536 : -EBADF;
    default: return -EINVAL;
  }
}

function sysIoctl(_k: unknown, t: Task, a: readonly number[]): SysResult {
  const fd = asInt(a[0]);
  const e = t.fds.entry(fd);
  if (!e) return -EBADF;
  const cmd = a[1] >>> 0;
  if (cmd === FIOCLEX || cmd === FIONCLEX) {
    e.cloexec = cmd === FIOCLEX;
    return 0;
  }
  if (cmd === FIONBIO) {
    const b = copyIn(t, a[2], 4);
    if (!b) return -EFAULT;
    const on = new DataView(b.buffer).getInt32(0, true) !== 0;
    e.file.flags = on ? e.file.flags | O_NONBLOCK : e.file.flags & ~O_NONBLOCK;
    return 0;
  }
  return e.file.ops.ioctl ? e.file.ops.ioctl(e.file, cmd, a[2], t) : -ENOTTY;
}

function sysPipe2(k: Kernel, t: Task, a: readonly number[]): number {
  const flags = asInt(a[1]);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  if (!t.mm.pageFor(a[0], 'w') || !t.mm.pageFor(a[0] + 7, 'w')) return -EFAULT;
  const [r, w] = createPipe((task) => sendSignal(k, task, SIGPIPE), flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = t.fds.install(r, cloexec);
  if (rfd < 0) {
    w.put();
    return rfd;
  }
  const wfd = t.fds.install(w, cloexec);
  if (wfd < 0) {
    t.fds.close(rfd);
    return wfd;
  }
  writeI32(t, a[0], rfd);
  writeI32(t, a[0] + 4, wfd);
  return 0;
}

/** sendfile(out, in, offset*, count): a read and a write through a kernel buffer. */
function sysSendfile(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const out = fileFor(t, a[0]), inp = fileFor(t, a[1]);
  if (!out || !inp || !inp.readable || !out.writable || !inp.ops.read || !out.ops.write) return -EBADF;
  const count = Math.min(a[3], MAX_RW_BYTES);
  if (count < 0) return -EINVAL;
  const saved = inp.pos;
  if (a[2] !== 0) {
    const off = copyIn(t, a[2], 8);
    if (!off) return -EFAULT;
    if (!inp.ops.seekable) return -ESPIPE;
    inp.pos = Number(new DataView(off.buffer).getBigInt64(0, true));
  }
  const data = inp.ops.read(inp, count, t);
  if (typeof data === 'number' || isBlock(data)) {
    if (a[2] !== 0) inp.pos = saved;
    return data;
  }
  const w = data.length === 0 ? 0 : out.ops.write(out, data, t);
  if (isBlock(w)) {
    inp.pos -= data.length;
    return w;
  }
  if (a[2] !== 0) {
    const newOff = new Uint8Array(8);
    new DataView(newOff.buffer).setBigInt64(0, BigInt(inp.pos - (data.length - Math.max(0, w))), true);
    inp.pos = saved;
    if (!copyOut(t, a[2], newOff)) return -EFAULT;
  } else if (w >= 0 && w < data.length) inp.pos -= data.length - w;
  k.chargeCopy(data.length);
  return w;
}

export const ioHandlers: Record<string, SyscallHandler> = {
  read: sysRead,
  write: sysWrite,
  readv: (k, t, a) => vectored(k, t, a, doRead),
  writev: (k, t, a) => vectored(k, t, a, doWrite),
  pread64: (k, t, a) => positional(k, t, a, doRead),
  pwrite64: (k, t, a) => positional(k, t, a, doWrite),
  lseek: sysLseek,
  close: (_k, t, a) => t.fds.close(asInt(a[0])),
  dup: (_k, t, a) => {
    const f = fileFor(t, a[0]);
    return f ? t.fds.install(f.get(), false) : -EBADF;
  },
  dup2: sysDup2,
  dup3: sysDup3,
  fcntl: sysFcntl,
  ioctl: sysIoctl,
  pipe2: sysPipe2,
  sendfile: sysSendfile,
  pipe: (k, t, a) => sysPipe2(k, t, [a[0], 0]),
};
