// Shared pieces of the path syscalls: *at() start directories, opening a node into an
// OpenFile of the right kind, and stat information from a node.

import { EACCES, EBADF, EISDIR, ENOTDIR, ENXIO, ELOOP, EROFS } from '../errno';
import { O_ACCMODE, O_PATH, O_RDONLY, O_WRONLY, OpenFile } from '../file';
import type { Kernel } from '../kernel';
import type { PathRef, Task } from '../task';
import type { FsNode } from '../../fs/node';
import { directoryOps, generatedFileOps, makeDev, regularFileOps } from '../../fs/tmpfs';
import { permitted, type ParentRef } from '../../fs/vfs';
import type { StatInfo } from '../structs';
import { asInt, readPath } from '../uaccess';
import { openDevice } from '../devices';
import { openFifo } from '../fifo';
import type { Block } from '../wait';

export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;

/** The directory a relative path in an *at() call starts from. */
export function startDir(t: Task, dirfd: number): PathRef | number {
  const fd = asInt(dirfd);
  if (fd === AT_FDCWD) return t.cwd;
  const f = t.fds.get(fd);
  if (!f) return -EBADF;
  if (!f.node || f.node.kind !== 'dir') return -ENOTDIR;
  return { node: f.node, path: f.path };
}

export function accessMode(flags: number): number {
  const acc = flags & O_ACCMODE;
  return acc === O_RDONLY ? 4 : acc === O_WRONLY ? 2 : 6;
}

/** Builds the open file for `ref` (permission and type checks included). */
export function openNode(k: Kernel, t: Task, ref: PathRef, flags: number): OpenFile | number | Block {
  const node = ref.node;
  if (flags & O_PATH) return new OpenFile(directoryOps, flags, ref.path, node);
  if (node.kind === 'symlink') return -ELOOP;
  const want = accessMode(flags);
  if (node.kind === 'dir' && want & 2) return -EISDIR;
  if (!permitted(node, t.cred, want)) return -EACCES;
  if (want & 2 && node.fs.readonly && node.kind !== 'chr') return -EROFS;
  let f: OpenFile | number | Block;
  if (node.ops) f = new OpenFile(node.ops, flags, ref.path, node);
  else if (node.kind === 'dir') f = new OpenFile(directoryOps, flags, ref.path, node);
  else if (node.kind === 'chr' || node.kind === 'blk') f = openDevice(k, t, node.rdev, flags, ref.path);
  else if (node.kind === 'fifo') f = openFifo(k, t, node, flags, ref.path);
  else if (node.kind === 'file' && node.generate) {
    f = new OpenFile(generatedFileOps, flags, ref.path, node);
    const content = node.generate();
    f.snapshot = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  } else if (node.kind === 'file') f = new OpenFile(regularFileOps(() => k.now), flags, ref.path, node);
  else return -ENXIO;
  if (f instanceof OpenFile && !f.node) f.node = node;
  return f;
}

/** stat of a node; times are relative to the boot epoch `epochS` (added when encoded). */
export function statOf(node: FsNode, epochS = 0): StatInfo {
  const size = node.kind === 'file' ? (node.generate ? 0 : node.size) : node.kind === 'symlink' ? Buffer.byteLength(node.target) : node.kind === 'dir' ? 4096 : 0;
  const blocks = node.kind === 'file' ? Math.ceil(size / 4096) * 8 : node.kind === 'dir' ? 0 : 0;
  return {
    dev: makeDev(0, node.fs.dev + 20), ino: node.ino, mode: node.mode, nlink: node.nlink, uid: node.uid, gid: node.gid,
    rdev: node.rdev, size, blksize: 4096, blocks, atimeNs: node.atimeNs, mtimeNs: node.mtimeNs, ctimeNs: node.ctimeNs, epochS,
  };
}

/** stat of an open file with no node (a pipe, or the initial console). */
export function statOfFile(f: OpenFile): StatInfo | undefined {
  if (f.node) return statOf(f.node);
  if (f.path === 'pipe:') {
    return { dev: makeDev(0, 12), ino: 1, mode: 0o010600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0, mtimeNs: 0, ctimeNs: 0 };
  }
  return undefined;
}

/** Resolves (dirfd, path) for an *at() call; an empty path with emptyOk means dirfd itself (AT_EMPTY_PATH). */
export function lookup(k: Kernel, t: Task, dirfd: number, pathAddr: number, follow: boolean, emptyOk = false): PathRef | number {
  const path = readPath(t, pathAddr);
  if (typeof path === 'number') return path;
  if (path === '' && emptyOk) {
    const f = t.fds.get(asInt(dirfd));
    if (asInt(dirfd) === -100) return t.cwd;
    if (!f) return -EBADF;
    return f.node ? { node: f.node, path: f.path } : -EBADF;
  }
  const start = startDir(t, dirfd);
  if (typeof start === 'number') return start;
  return k.vfs.resolve(start, path, { followLast: follow, cred: t.cred });
}


/** Walks to the parent directory of (dirfd, path) for calls that create or remove a name. */
export function parentOf(k: Kernel, t: Task, dirfd: number, pathAddr: number): ParentRef | number {
  const path = readPath(t, pathAddr);
  if (typeof path === 'number') return path;
  const start = startDir(t, dirfd);
  if (typeof start === 'number') return start;
  return k.vfs.resolveParent(start, path, { followLast: false, cred: t.cred });
}

/** Creating or removing a name needs write and search permission on a writable filesystem. */
export function mayModifyDir(t: Task, dir: FsNode): number {
  if (dir.fs.readonly) return -EROFS;
  if (!permitted(dir, t.cred, 3)) return -EACCES;
  return 0;
}
