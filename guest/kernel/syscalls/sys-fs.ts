// Path and inode syscalls: openat, getdents64, the stat family, readlink, permissions,
// times, truncate, access, cwd/root, sync (names: sys-namespace.ts; mounts: sys-mount.ts). Arguments are
// fetched and checked here; the walk is the VFS's, the data operations tmpfs's.

import {
  EACCES, EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, EPERM, ERANGE, EROFS,
} from '../errno';
import { OpenFile, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_TRUNC, O_WRONLY, O_RDWR } from '../file';
import type { Kernel } from '../kernel';
import type { PathRef, Task } from '../task';
import { DT_TYPE, type FsNode } from '../../fs/node';
import { fileTruncate } from '../../fs/tmpfs';
import { joinPath, permitted } from '../../fs/vfs';
import { decodeTimespec, encodeDirent64, encodeStat, encodeStatx } from '../structs';
import { asInt, copyIn, copyOut, readPath } from '../uaccess';
import type { SyscallHandler } from './types';
import type { SysResult } from '../wait';
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, lookup, mayModifyDir, openNode, startDir, statOf, statOfFile } from './fs-common';
import { mountHandlers } from './sys-mount';
import { syncAll } from '../storage';
import { namespaceHandlers } from './sys-namespace';

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

function sysOpenat(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const flags = asInt(a[2]);
  const path = readPath(t, a[1]);
  if (typeof path === 'number') return path;
  const start = startDir(t, a[0]);
  if (typeof start === 'number') return start;
  let ref: PathRef | number;
  if (flags & O_CREAT) {
    ref = openCreate(k, t, start, path, flags, a[3]);
  } else {
    ref = k.vfs.resolve(start, path, { followLast: !(flags & O_NOFOLLOW), cred: t.cred });
    if (typeof ref !== 'number' && ref.node.kind === 'symlink' && !(flags & O_PATH)) return -ELOOP;
  }
  if (typeof ref === 'number') return ref;
  if (flags & O_DIRECTORY && ref.node.kind !== 'dir') return -ENOTDIR;
  const f = openNode(k, t, ref, flags);
  if (!(f instanceof OpenFile)) return f;
  if (flags & O_TRUNC && ref.node.kind === 'file' && flags & (O_WRONLY | O_RDWR) && !ref.node.generate) fileTruncate(ref.node, 0, k.now);
  return t.fds.install(f, (flags & O_CLOEXEC) !== 0);
}

function openCreate(k: Kernel, t: Task, start: PathRef, path: string, flags: number, mode: number): PathRef | number {
  const p = k.vfs.resolveParent(start, path, { followLast: false, cred: t.cred });
  if (typeof p === 'number') return p;
  if (p.name === '' || p.trailingSlash) return -EISDIR;
  const existing = k.vfs.step(p.dir, p.name, t.cred);
  if (typeof existing !== 'number') {
    if (flags & O_EXCL) return -EEXIST;
    if (existing.node.kind === 'symlink') {
      if (flags & O_NOFOLLOW) return -ELOOP;
      const r = k.vfs.resolve(p.dir, p.name, { followLast: true, cred: t.cred });
      if (r !== -ENOENT) return r;
      // A dangling symlink: create its target, as Linux does.
      return openCreate(k, t, p.dir, existing.node.target, flags & ~O_NOFOLLOW, mode);
    }
    if (existing.node.kind === 'dir') return -EISDIR;
    return existing;
  }
  if (existing !== -ENOENT) return existing;
  const err = mayModifyDir(t, p.dir.node);
  if (err) return err;
  const node = k.vfs.createNode(p.dir.node, p.name, 'file', mode & 0o7777 & ~t.umask, t.cred.fsuid, t.cred.fsgid);
  return { node, path: joinPath(p.dir.path, p.name) };
}

function sysGetdents64(k: Kernel, t: Task, a: readonly number[]): number {
  const f = t.fds.get(asInt(a[0]));
  if (!f) return -EBADF;
  if (!f.node || f.node.kind !== 'dir') return -ENOTDIR;
  const list = k.vfs.listDir(f.node);
  if (typeof list === 'number') return list;
  const size = asInt(a[2]);
  const chunks: Uint8Array[] = [];
  let used = 0;
  while (f.dirPos < list.length) {
    const [name, node] = list[f.dirPos];
    const rec = encodeDirent64(node.ino, f.dirPos + 1, DT_TYPE[node.kind], name);
    if (used + rec.length > size) {
      if (used === 0) return -EINVAL;
      break;
    }
    chunks.push(rec);
    used += rec.length;
    f.dirPos++;
  }
  const out = new Uint8Array(used);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  f.node.atimeNs = k.now;
  return copyOut(t, a[1], out) ? used : -EFAULT;
}

function sysFstatat(k: Kernel, t: Task, a: readonly number[]): number {
  const flags = asInt(a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800)) return -EINVAL;
  const ref = lookup(k, t, a[0], a[1], !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  if (typeof ref === 'number') return ref;
  return copyOut(t, a[2], encodeStat(statOf(ref.node, k.epochAtBootS), 'generic')) ? 0 : -EFAULT;
}

function sysFstat(k: Kernel, t: Task, a: readonly number[]): number {
  const f = t.fds.get(asInt(a[0]));
  if (!f) return -EBADF;
  const st = statOfFile(f);
  if (!st) return -EBADF;
  return copyOut(t, a[1], encodeStat({ ...st, epochS: k.epochAtBootS }, 'generic')) ? 0 : -EFAULT;
}

function sysStatx(k: Kernel, t: Task, a: readonly number[]): number {
  const flags = asInt(a[2]);
  let st;
  const path = readPath(t, a[1]);
  if (path === '' && flags & AT_EMPTY_PATH) {
    const f = asInt(a[0]) === -100 ? undefined : t.fds.get(asInt(a[0]));
    if (asInt(a[0]) === -100) st = statOf(t.cwd.node);
    else if (!f) return -EBADF;
    else st = statOfFile(f);
    if (!st) return -EBADF;
  } else {
    const ref = lookup(k, t, a[0], a[1], !(flags & AT_SYMLINK_NOFOLLOW));
    if (typeof ref === 'number') return ref;
    st = statOf(ref.node);
  }
  return copyOut(t, a[4], encodeStatx({ ...st, epochS: k.epochAtBootS }, asInt(a[3]))) ? 0 : -EFAULT;
}

function sysReadlinkat(k: Kernel, t: Task, a: readonly number[]): number {
  const size = asInt(a[3]);
  if (size <= 0) return -EINVAL;
  const ref = lookup(k, t, a[0], a[1], false);
  if (typeof ref === 'number') return ref;
  if (ref.node.kind !== 'symlink') return -EINVAL;
  const bytes = new TextEncoder().encode(ref.node.target).subarray(0, size);
  return copyOut(t, a[2], bytes) ? bytes.length : -EFAULT;
}

function chmodNode(k: Kernel, t: Task, node: FsNode, mode: number): number {
  if (t.cred.fsuid !== 0 && t.cred.fsuid !== node.uid) return -EPERM;
  if (node.fs.readonly) return -EROFS;
  node.perm = mode & 0o7777;
  node.ctimeNs = k.now;
  return 0;
}

function chownNode(k: Kernel, t: Task, node: FsNode, uid: number, gid: number): number {
  const u = asInt(uid), g = asInt(gid);
  if (t.cred.fsuid !== 0 && ((u !== -1 && u !== node.uid) || (g !== -1 && g !== node.gid && !t.cred.groups.includes(g) && g !== t.cred.fsgid))) return -EPERM;
  if (node.fs.readonly) return -EROFS;
  if (u !== -1) node.uid = u;
  if (g !== -1) node.gid = g;
  if (node.kind !== 'dir') node.perm &= t.cred.fsuid === 0 ? ~0 : ~0o6000;
  node.ctimeNs = k.now;
  return 0;
}

function sysUtimensat(k: Kernel, t: Task, a: readonly number[]): number {
  const flags = asInt(a[3]);
  const ref = a[1] === 0 ? fdRef(t, a[0]) : lookup(k, t, a[0], a[1], !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  if (typeof ref === 'number') return ref;
  const node = ref.node;
  // Node times count from the boot epoch (k.epochAtBootS), which keeps them exact in a double.
  let atime = k.now, mtime = atime;
  let setA = true, setM = true;
  if (a[2] !== 0) {
    const b = copyIn(t, a[2], 32);
    if (!b) return -EFAULT;
    const ta = decodeTimespec(b.subarray(0, 16)), tm = decodeTimespec(b.subarray(16, 32));
    for (const ts of [ta, tm]) if (ts.nsec !== UTIME_NOW && ts.nsec !== UTIME_OMIT && (ts.nsec < 0 || ts.nsec >= 1e9)) return -EINVAL;
    if (ta.nsec === UTIME_OMIT) setA = false;
    else if (ta.nsec !== UTIME_NOW) atime = (ta.sec - k.epochAtBootS) * 1e9 + ta.nsec;
    if (tm.nsec === UTIME_OMIT) setM = false;
    else if (tm.nsec !== UTIME_NOW) mtime = (tm.sec - k.epochAtBootS) * 1e9 + tm.nsec;
    if ((setA || setM) && t.cred.fsuid !== 0 && t.cred.fsuid !== node.uid) return -EPERM;
  } else if (t.cred.fsuid !== 0 && t.cred.fsuid !== node.uid && !permitted(node, t.cred, 2)) return -EACCES;
  if (setA) node.atimeNs = atime;
  if (setM) node.mtimeNs = mtime;
  node.ctimeNs = k.now;
  return 0;
}

function fdRef(t: Task, fd: number): PathRef | number {
  const f = t.fds.get(asInt(fd));
  if (!f) return -EBADF;
  return f.node ? { node: f.node, path: f.path } : -EBADF;
}

function truncateNode(k: Kernel, node: FsNode, len: number): number {
  if (len < 0) return -EINVAL;
  if (node.kind === 'dir') return -EISDIR;
  if (node.kind !== 'file' || node.generate) return -EINVAL;
  if (node.fs.readonly) return -EROFS;
  return fileTruncate(node, len, k.now);
}

function sysFaccessat(k: Kernel, t: Task, a: readonly number[], flags: number): number {
  const mode = asInt(a[2]);
  if (mode & ~7) return -EINVAL;
  const ref = lookup(k, t, a[0], a[1], !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  if (typeof ref === 'number') return ref;
  if (mode === 0) return 0;
  if (mode & 2 && ref.node.fs.readonly && ref.node.kind !== 'chr') return -EROFS;
  const cred = flags & 0x200 ? t.cred : { ...t.cred, fsuid: t.cred.uid, fsgid: t.cred.gid };
  return permitted(ref.node, cred, mode) ? 0 : -EACCES;
}

function sysGetcwd(t: Task, a: readonly number[]): number {
  const bytes = new TextEncoder().encode(t.cwd.path + '\0');
  if (a[1] < bytes.length) return -ERANGE;
  return copyOut(t, a[0], bytes) ? bytes.length : -EFAULT;
}

function changeDir(t: Task, ref: PathRef | number, set: (r: PathRef) => void): number {
  if (typeof ref === 'number') return ref;
  if (ref.node.kind !== 'dir') return -ENOTDIR;
  if (!permitted(ref.node, t.cred, 1)) return -EACCES;
  set(ref);
  return 0;
}

const AT_FDCWD_ARG = -100;

export const fsHandlers: Record<string, SyscallHandler> = {
  openat: sysOpenat,
  open: (k, t, a) => sysOpenat(k, t, [AT_FDCWD_ARG, a[0], a[1], a[2]]),
  creat: (k, t, a) => sysOpenat(k, t, [AT_FDCWD_ARG, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]]),
  getdents64: sysGetdents64,
  newfstatat: sysFstatat,
  fstat: sysFstat,
  stat: (k, t, a) => sysFstatat(k, t, [AT_FDCWD_ARG, a[0], a[1], 0]),
  lstat: (k, t, a) => sysFstatat(k, t, [AT_FDCWD_ARG, a[0], a[1], AT_SYMLINK_NOFOLLOW]),
  statx: sysStatx,
  readlinkat: sysReadlinkat,
  readlink: (k, t, a) => sysReadlinkat(k, t, [AT_FDCWD_ARG, a[0], a[1], a[2]]),
  fchmodat: (k, t, a) => {
    const ref = lookup(k, t, a[0], a[1], true);
    return typeof ref === 'number' ? ref : chmodNode(k, t, ref.node, a[2]);
  },
  chmod: (k, t, a) => fsHandlers.fchmodat(k, t, [AT_FDCWD_ARG, a[0], a[1]]) as number,
  fchmod: (k, t, a) => {
    const ref = fdRef(t, a[0]);
    return typeof ref === 'number' ? ref : chmodNode(k, t, ref.node, a[1]);
  },
  fchownat: (k, t, a) => {
    const flags = asInt(a[4]);
    const ref = lookup(k, t, a[0], a[1], !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
    return typeof ref === 'number' ? ref : chownNode(k, t, ref.node, a[2], a[3]);
  },
  chown: (k, t, a) => fsHandlers.fchownat(k, t, [AT_FDCWD_ARG, a[0], a[1], a[2], 0]) as number,
  lchown: (k, t, a) => fsHandlers.fchownat(k, t, [AT_FDCWD_ARG, a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW]) as number,
  fchown: (k, t, a) => {
    const ref = fdRef(t, a[0]);
    return typeof ref === 'number' ? ref : chownNode(k, t, ref.node, a[1], a[2]);
  },
  utimensat: sysUtimensat,
  truncate: (k, t, a) => {
    const ref = lookup(k, t, AT_FDCWD_ARG, a[0], true);
    if (typeof ref === 'number') return ref;
    if (!permitted(ref.node, t.cred, 2)) return -EACCES;
    return truncateNode(k, ref.node, a[1]);
  },
  ftruncate: (k, t, a) => {
    const f = t.fds.get(asInt(a[0]));
    if (!f) return -EBADF;
    if (!f.writable || !f.node) return -EINVAL;
    return truncateNode(k, f.node, a[1]);
  },
  faccessat: (k, t, a) => sysFaccessat(k, t, a, 0),
  faccessat2: (k, t, a) => (asInt(a[3]) & ~(0x200 | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) ? -EINVAL : sysFaccessat(k, t, a, asInt(a[3]))),
  access: (k, t, a) => sysFaccessat(k, t, [AT_FDCWD_ARG, a[0], a[1]], 0),
  getcwd: (_k, t, a) => sysGetcwd(t, a),
  chdir: (k, t, a) => changeDir(t, lookup(k, t, AT_FDCWD_ARG, a[0], true), (r) => (t.cwd = r)),
  fchdir: (_k, t, a) => changeDir(t, fdRef(t, a[0]), (r) => (t.cwd = r)),
  chroot: (k, t, a) => (t.cred.euid !== 0 ? -EPERM : changeDir(t, lookup(k, t, AT_FDCWD_ARG, a[0], true), (r) => (t.root = r))),
  sync: (k) => {
    syncAll(k);
    return 0;
  },
  syncfs: (k, t, a) => (t.fds.get(asInt(a[0])) ? syncAll(k) : -EBADF),
  fsync: (k, t, a) => (t.fds.get(asInt(a[0])) ? syncAll(k) : -EBADF),
  fdatasync: (k, t, a) => (t.fds.get(asInt(a[0])) ? syncAll(k) : -EBADF),
  ...mountHandlers,
  ...namespaceHandlers,
};

