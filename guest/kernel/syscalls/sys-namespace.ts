// Name-space syscalls: mkdir, mknod, unlink/rmdir, symlink, link, rename (renameat2 with
// RENAME_NOREPLACE and RENAME_EXCHANGE), each checking what POSIX and Linux require of the
// names involved before changing any directory.

import { EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EROFS, EXDEV } from '../errno';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import type { FsNode } from '../../fs/node';
import { kindFromMode } from '../../fs/tmpfs';
import { asInt, readPath } from '../uaccess';
import type { SyscallHandler } from './types';
import { AT_EMPTY_PATH, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, lookup, mayModifyDir, parentOf } from './fs-common';

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
const AT_FDCWD_ARG = -100;

function sysMkdirat(k: Kernel, t: Task, a: readonly number[]): number {
  const p = parentOf(k, t, a[0], a[1]);
  if (typeof p === 'number') return p;
  if (p.name === '') return -EEXIST;
  if (typeof k.vfs.step(p.dir, p.name) !== 'number') return -EEXIST;
  const err = mayModifyDir(t, p.dir.node);
  if (err) return err;
  k.vfs.createNode(p.dir.node, p.name, 'dir', a[2] & 0o7777 & ~t.umask, t.cred.fsuid, t.cred.fsgid);
  return 0;
}

function sysMknodat(k: Kernel, t: Task, a: readonly number[]): number {
  const mode = a[2] >>> 0;
  const kind = (mode & 0o170000) === 0 ? 'file' : kindFromMode(mode);
  if (!kind || kind === 'dir' || kind === 'symlink') return -EINVAL;
  if ((kind === 'chr' || kind === 'blk') && t.cred.euid !== 0) return -EPERM;
  const p = parentOf(k, t, a[0], a[1]);
  if (typeof p === 'number') return p;
  if (p.name === '' || typeof k.vfs.step(p.dir, p.name) !== 'number') return -EEXIST;
  const err = mayModifyDir(t, p.dir.node);
  if (err) return err;
  const n = k.vfs.createNode(p.dir.node, p.name, kind, mode & 0o7777 & ~t.umask, t.cred.fsuid, t.cred.fsgid);
  n.rdev = a[3] >>> 0;
  return 0;
}

function isMountRoot(n: FsNode): boolean {
  return n.coveredBy !== undefined || n.mounted !== undefined;
}

function sysUnlinkat(k: Kernel, t: Task, a: readonly number[]): number {
  const flags = asInt(a[2]);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  const path = readPath(t, a[1]);
  if (typeof path === 'number') return path;
  const p = parentOf(k, t, a[0], a[1]);
  if (typeof p === 'number') return p;
  const rmdir = (flags & AT_REMOVEDIR) !== 0;
  if (p.name === '') return rmdir ? (/(^|\/)\.\.\/*$/.test(path) ? -ENOTEMPTY : path.replace(/\/+$/, '').endsWith('.') ? -EINVAL : -EBUSY) : -EISDIR;
  const child = k.vfs.step(p.dir, p.name);
  if (typeof child === 'number') return child;
  const node = p.dir.node.children?.get(p.name);
  if (!node) return p.dir.node.fs.readonly ? -EROFS : -EPERM;
  const err = mayModifyDir(t, p.dir.node);
  if (err) return err;
  if (rmdir) {
    if (node.kind !== 'dir') return -ENOTDIR;
    if (isMountRoot(child.node) || node.mounted) return -EBUSY;
    if (node.children!.size > 0 || (node.dynamic?.list().length ?? 0) > 0) return -ENOTEMPTY;
  } else {
    if (node.kind === 'dir') return -EISDIR;
    if (p.trailingSlash) return -ENOTDIR;
  }
  removeEntry(k, p.dir.node, p.name, node);
  return 0;
}

function removeEntry(k: Kernel, dir: FsNode, name: string, node: FsNode): void {
  dir.children!.delete(name);
  node.nlink = node.kind === 'dir' ? 0 : node.nlink - 1;
  if (node.kind === 'dir') dir.nlink--;
  dir.mtimeNs = dir.ctimeNs = k.now;
  node.ctimeNs = k.now;
}

function sysSymlinkat(k: Kernel, t: Task, a: readonly number[]): number {
  const target = readPath(t, a[0]);
  if (typeof target === 'number') return target;
  if (target === '') return -ENOENT;
  const p = parentOf(k, t, a[1], a[2]);
  if (typeof p === 'number') return p;
  if (p.name === '' || typeof k.vfs.step(p.dir, p.name) !== 'number') return -EEXIST;
  const err = mayModifyDir(t, p.dir.node);
  if (err) return err;
  k.vfs.createNode(p.dir.node, p.name, 'symlink', 0o777, t.cred.fsuid, t.cred.fsgid).target = target;
  return 0;
}

function sysLinkat(k: Kernel, t: Task, a: readonly number[]): number {
  const flags = asInt(a[4]);
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const old = lookup(k, t, a[0], a[1], (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof old === 'number') return old;
  if (old.node.kind === 'dir') return -EPERM;
  const p = parentOf(k, t, a[2], a[3]);
  if (typeof p === 'number') return p;
  if (p.name === '' || typeof k.vfs.step(p.dir, p.name) !== 'number') return -EEXIST;
  if (p.dir.node.fs !== old.node.fs) return -EXDEV;
  const err = mayModifyDir(t, p.dir.node);
  if (err) return err;
  p.dir.node.children!.set(p.name, old.node);
  old.node.nlink++;
  old.node.ctimeNs = k.now;
  return 0;
}

function isAncestor(a: FsNode, b: FsNode): boolean {
  for (let n: FsNode | undefined = b, i = 0; n && i < 4096; n = n.parent === n ? undefined : n.parent, i++) if (n === a) return true;
  return false;
}

function sysRenameat2(k: Kernel, t: Task, a: readonly number[]): number {
  const flags = asInt(a[4]);
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) || (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE)) return -EINVAL;
  const op = parentOf(k, t, a[0], a[1]);
  if (typeof op === 'number') return op;
  const np = parentOf(k, t, a[2], a[3]);
  if (typeof np === 'number') return np;
  if (op.name === '' || np.name === '') return -EBUSY;
  const src = op.dir.node.children?.get(op.name);
  if (!src) return -ENOENT;
  if (op.dir.node.fs !== np.dir.node.fs) return -EXDEV;
  const e1 = mayModifyDir(t, op.dir.node) || mayModifyDir(t, np.dir.node);
  if (e1) return e1;
  const dst = np.dir.node.children?.get(np.name);
  if (src.kind === 'dir' && isAncestor(src, np.dir.node)) return -EINVAL;
  if (flags & RENAME_EXCHANGE) {
    if (!dst) return -ENOENT;
    op.dir.node.children!.set(op.name, dst);
    np.dir.node.children!.set(np.name, src);
    [src.parent, dst.parent] = [np.dir.node, op.dir.node];
    return 0;
  }
  if (dst === src) return 0;
  if (dst) {
    if (flags & RENAME_NOREPLACE) return -EEXIST;
    if (dst.kind === 'dir' && src.kind !== 'dir') return -EISDIR;
    if (dst.kind !== 'dir' && src.kind === 'dir') return -ENOTDIR;
    if (dst.kind === 'dir' && (dst.children!.size > 0 || (dst.dynamic?.list().length ?? 0) > 0)) return -ENOTEMPTY;
    if (dst.mounted) return -EBUSY;
    removeEntry(k, np.dir.node, np.name, dst);
  } else if ((op.trailingSlash || np.trailingSlash) && src.kind !== 'dir') return -ENOTDIR;
  op.dir.node.children!.delete(op.name);
  np.dir.node.children!.set(np.name, src);
  if (src.kind === 'dir' && op.dir.node !== np.dir.node) {
    op.dir.node.nlink--;
    np.dir.node.nlink++;
  }
  src.parent = np.dir.node;
  src.ctimeNs = op.dir.node.mtimeNs = np.dir.node.mtimeNs = k.now;
  return 0;
}


export const namespaceHandlers: Record<string, SyscallHandler> = {
  mkdirat: sysMkdirat,
  mkdir: (k, t, a) => sysMkdirat(k, t, [AT_FDCWD_ARG, a[0], a[1]]),
  mknodat: sysMknodat,
  mknod: (k, t, a) => sysMknodat(k, t, [AT_FDCWD_ARG, a[0], a[1], a[2]]),
  unlinkat: sysUnlinkat,
  unlink: (k, t, a) => sysUnlinkat(k, t, [AT_FDCWD_ARG, a[0], 0]),
  rmdir: (k, t, a) => sysUnlinkat(k, t, [AT_FDCWD_ARG, a[0], AT_REMOVEDIR]),
  symlinkat: sysSymlinkat,
  symlink: (k, t, a) => sysSymlinkat(k, t, [a[0], AT_FDCWD_ARG, a[1]]),
  linkat: sysLinkat,
  link: (k, t, a) => sysLinkat(k, t, [AT_FDCWD_ARG, a[0], AT_FDCWD_ARG, a[1], 0]),
  renameat2: sysRenameat2,
  renameat: (k, t, a) => sysRenameat2(k, t, [a[0], a[1], a[2], a[3], 0]),
  rename: (k, t, a) => sysRenameat2(k, t, [AT_FDCWD_ARG, a[0], AT_FDCWD_ARG, a[1], 0]),
};
