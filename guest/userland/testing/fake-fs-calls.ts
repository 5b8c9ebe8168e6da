// File-system and information syscalls of the stand-in kernel.

import * as E from '../libc/errno';
import { NR, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG } from '../libc/numbers';
import { DT_DIR, DT_LNK, DT_REG, emitDirent, emitStat } from '../libc/structs';
import type { FakeKernel, Proc } from './fake-kernel';
import { FakeFs } from './fake-fs';
import type { FsNode } from './fake-fs';

function statBytes(k: FakeKernel, path: string, node: FsNode | 'chr'): Uint8Array {
  const t = k.fs.mtimeSec;
  const size = node !== 'chr' && node.kind === 'file' ? node.data.length : node !== 'chr' && node.kind === 'native' ? 16 : 0;
  const type = node === 'chr' ? S_IFCHR : node.kind === 'dir' ? S_IFDIR : node.kind === 'symlink' ? S_IFLNK : S_IFREG;
  const perm = node === 'chr' ? 0o666 : node.mode;
  return emitStat({
    dev: 1, ino: k.fs.ino(path), mode: type | perm, nlink: node !== 'chr' && node.kind === 'dir' ? 2 : 1, uid: 0, gid: 0,
    rdev: 0, sizeBytes: size, blksize: 4096, blocks: Math.ceil(size / 512), atimeSec: t, atimeNsec: 0, mtimeSec: t, mtimeNsec: 0, ctimeSec: t, ctimeNsec: 0,
  });
}

function stat(k: FakeKernel, proc: Proc, pathAddr: number, buf: number): number {
  const raw = k.str(proc, pathAddr);
  if (raw === undefined) return -E.EFAULT;
  const path = k.resolve(proc, raw);
  const node = path === '/dev/null' || path === '/dev/console' ? 'chr' : k.fs.get(path);
  if (!node) return -E.ENOENT;
  return proc.mem.write(buf, statBytes(k, path, node)) ? 0 : -E.EFAULT;
}

function getdents(k: FakeKernel, proc: Proc, fd: number, buf: number): number {
  const f = proc.fds.get(fd)?.file;
  if (!f) return -E.EBADF;
  if (f.kind !== 'dir') return -E.ENOTDIR;
  if (f.done) return 0;
  f.done = true;
  const parts: Uint8Array[] = [];
  const names = ['.', '..', ...k.fs.list(f.path)];
  names.forEach((name, i) => {
    const node = name === '.' || name === '..' ? ({ kind: 'dir' } as const) : k.fs.get(`${f.path}/${name}`)!;
    const type = node.kind === 'dir' ? DT_DIR : node.kind === 'symlink' ? DT_LNK : DT_REG;
    parts.push(emitDirent({ ino: k.fs.ino(`${f.path}/${name}`), type, name }, i + 1));
  });
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return proc.mem.write(buf, all) ? all.length : -E.EFAULT;
}

function putString(proc: Proc, addr: number, s: string): boolean {
  const b = new TextEncoder().encode(`${s}\0`);
  return proc.mem.write(addr, b);
}

function uname(proc: Proc, buf: number): number {
  const fields = ['Linux', '(none)', '6.12.0-twinbox', '#1 SMP', 'aarch64', '(none)'];
  const b = new Uint8Array(6 * 65);
  fields.forEach((f, i) => b.set(new TextEncoder().encode(f), i * 65));
  return proc.mem.write(buf, b) ? 0 : -E.EFAULT;
}

function pathOp(k: FakeKernel, proc: Proc, nr: number, a: number[]): number {
  const raw = k.str(proc, a[1]!);
  if (raw === undefined) return -E.EFAULT;
  const path = k.resolve(proc, raw);
  const node = k.fs.get(path);
  if (nr === NR.mkdirat) {
    if (node) return -E.EEXIST;
    if (k.fs.parentMissing(path)) return -E.ENOENT;
    k.fs.put(path, { kind: 'dir', mode: a[2]! & ~proc.umask & 0o7777 });
    return 0;
  }
  if (nr === NR.unlinkat) {
    if (!node) return -E.ENOENT;
    const rmdir = (a[2]! & 0x200) !== 0;
    if (rmdir && node.kind !== 'dir') return -E.ENOTDIR;
    if (!rmdir && node.kind === 'dir') return -E.EISDIR;
    if (rmdir && k.fs.list(path).length > 0) return -E.ENOTEMPTY;
    k.fs.nodes.delete(path);
    return 0;
  }
  // faccessat
  if (!node) return -E.ENOENT;
  if ((a[2]! & 1) !== 0 && (node.mode & 0o111) === 0) return -E.EACCES;
  return 0;
}

export function fsCall(k: FakeKernel, proc: Proc, nr: number, a: number[]): number {
  switch (nr) {
    case NR.getcwd: return putString(proc, a[0]!, proc.cwd) ? proc.cwd.length + 1 : -E.EFAULT;
    case NR.chdir: {
      const raw = k.str(proc, a[0]!);
      if (raw === undefined) return -E.EFAULT;
      const path = k.resolve(proc, raw);
      const node = k.fs.get(path);
      if (!node) return -E.ENOENT;
      if (node.kind !== 'dir') return -E.ENOTDIR;
      proc.cwd = path;
      return 0;
    }
    case NR.newfstatat: return stat(k, proc, a[1]!, a[2]!);
    case NR.fstat: {
      const f = proc.fds.get(a[0]!)?.file;
      if (!f) return -E.EBADF;
      const path = f.kind === 'file' || f.kind === 'dir' ? f.path : '/dev/console';
      const node = f.kind === 'file' || f.kind === 'dir' ? k.fs.get(path) ?? 'chr' : 'chr';
      return proc.mem.write(a[1]!, statBytes(k, path, node)) ? 0 : -E.EFAULT;
    }
    case NR.getdents64: return getdents(k, proc, a[0]!, a[1]!);
    case NR.mkdirat:
    case NR.unlinkat:
    case NR.faccessat: return pathOp(k, proc, nr, a);
    case NR.uname: return uname(proc, a[0]!);
    case NR.clock_gettime: {
      const b = new Uint8Array(16);
      const v = new DataView(b.buffer);
      v.setBigInt64(0, BigInt(Math.floor(k.nowNs / 1e9)), true);
      v.setBigInt64(8, BigInt(k.nowNs % 1e9), true);
      return proc.mem.write(a[1]!, b) ? 0 : -E.EFAULT;
    }
    default: return moreFsCalls(k, proc, nr, a);
  }
}

function moreFsCalls(k: FakeKernel, proc: Proc, nr: number, a: number[]): number {
  const path = (addr: number): string | undefined => {
    const raw = k.str(proc, addr);
    return raw === undefined ? undefined : k.resolve(proc, raw);
  };
  switch (nr) {
    case NR.utimensat: {
      const p = path(a[1]!);
      if (p === undefined) return -E.EFAULT;
      return k.fs.get(p) ? 0 : -E.ENOENT;
    }
    case NR.fchmodat: {
      const p = path(a[1]!);
      const node = p === undefined ? undefined : k.fs.get(p);
      if (!node) return -E.ENOENT;
      node.mode = a[2]! & 0o7777;
      return 0;
    }
    case NR.fchownat: return path(a[1]!) !== undefined && k.fs.get(path(a[1]!)!) ? 0 : -E.ENOENT;
    case NR.symlinkat: {
      const target = k.str(proc, a[0]!);
      const p = path(a[2]!);
      if (target === undefined || p === undefined) return -E.EFAULT;
      if (k.fs.get(p)) return -E.EEXIST;
      k.fs.put(p, { kind: 'symlink', target, mode: 0o777 });
      return 0;
    }
    case NR.readlinkat: {
      const p = path(a[1]!);
      const node = p === undefined ? undefined : k.fs.get(p);
      if (!node) return -E.ENOENT;
      if (node.kind !== 'symlink') return -E.EINVAL;
      const b = new TextEncoder().encode(node.target).subarray(0, a[3]!);
      return proc.mem.write(a[2]!, b) ? b.length : -E.EFAULT;
    }
    case NR.renameat: {
      const from = path(a[1]!);
      const to = path(a[3]!);
      if (from === undefined || to === undefined) return -E.EFAULT;
      const node = k.fs.get(from);
      if (!node) return -E.ENOENT;
      for (const [p, n] of [...k.fs.nodes]) {
        if (p === from || p.startsWith(`${from}/`)) {
          k.fs.nodes.delete(p);
          k.fs.nodes.set(to + p.slice(from.length), n);
        }
      }
      return 0;
    }
    default: return -E.ENOSYS;
  }
}

export { FakeFs };
