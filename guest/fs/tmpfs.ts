// tmpfs: regular files whose bytes live in the node (grown by doubling, bounded), the
// operations opened files use (read/write at the file position, O_APPEND), generated
// files (procfs-style: content captured at open), and unpacking an initramfs into it.

import { EFBIG, EINVAL, EISDIR } from '../kernel/errno';
import { O_APPEND, type FileOps, type OpenFile } from '../kernel/file';
import type { CpioEntry } from './cpio';
import { FsNode, S_IFMT, S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, type NodeKind } from './node';
import { joinPath, type Vfs } from './vfs';

export const TMPFS_MAGIC = 0x01021994;
export const RAMFS_MAGIC = 0x858458f6;
/** Largest tmpfs file (bounded so a guest cannot exhaust host memory with one write). */
export const TMPFS_MAX_FILE_BYTES = 256 * 1024 * 1024;

export function fileRead(node: FsNode, pos: number, lenBytes: number): Uint8Array {
  if (pos >= node.size) return new Uint8Array(0);
  return node.data.slice(pos, Math.min(node.size, pos + lenBytes));
}

/** Writes at `pos`, growing the file (holes read as zeros). Returns bytes written or -errno. */
export function fileWrite(node: FsNode, pos: number, data: Uint8Array, nowNs: number): number {
  const end = pos + data.length;
  if (end > TMPFS_MAX_FILE_BYTES) return -EFBIG;
  ensureCapacity(node, end);
  node.data.set(data, pos);
  if (end > node.size) node.size = end;
  node.mtimeNs = node.ctimeNs = nowNs;
  return data.length;
}

export function fileTruncate(node: FsNode, lenBytes: number, nowNs: number): number {
  if (lenBytes < 0) return -EINVAL;
  if (lenBytes > TMPFS_MAX_FILE_BYTES) return -EFBIG;
  if (lenBytes > node.size) ensureCapacity(node, lenBytes);
  else node.data.fill(0, lenBytes, node.size);
  node.size = lenBytes;
  node.mtimeNs = node.ctimeNs = nowNs;
  return 0;
}

function ensureCapacity(node: FsNode, bytes: number): void {
  if (bytes <= node.data.length) return;
  const cap = Math.min(TMPFS_MAX_FILE_BYTES, Math.max(bytes, node.data.length * 2, 256));
  const grown = new Uint8Array(cap);
  grown.set(node.data.subarray(0, node.size));
  node.data = grown;
}

export function regularFileOps(now: () => number): FileOps {
  return {
    seekable: true,
    read(f: OpenFile, lenBytes: number) {
      const node = f.node!;
      const out = fileRead(node, f.pos, lenBytes);
      f.pos += out.length;
      node.atimeNs = now();
      return out;
    },
    write(f: OpenFile, data: Uint8Array) {
      const node = f.node!;
      if (f.flags & O_APPEND) f.pos = node.size;
      const n = fileWrite(node, f.pos, data, now());
      if (n > 0) f.pos += n;
      return n;
    },
  };
}

export const directoryOps: FileOps = {
  seekable: true,
  read: () => -EISDIR,
  write: () => -EISDIR,
};

/** Files whose content is computed when opened (procfs, sysfs). */
export const generatedFileOps: FileOps = {
  seekable: true,
  read(f: OpenFile, lenBytes: number) {
    const content = f.snapshot ?? new Uint8Array(0);
    const out = content.slice(f.pos, f.pos + lenBytes);
    f.pos += out.length;
    return out;
  },
  write: () => -EINVAL,
};

export function kindFromMode(mode: number): NodeKind | undefined {
  switch (mode & S_IFMT) {
    case S_IFDIR: return 'dir';
    case S_IFREG: return 'file';
    case S_IFLNK: return 'symlink';
    case S_IFCHR: return 'chr';
    case S_IFBLK: return 'blk';
    case S_IFIFO: return 'fifo';
    case S_IFSOCK: return 'sock';
    default: return undefined;
  }
}

/** Linux's new_encode_dev. */
export function makeDev(major: number, minor: number): number {
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** Unpacks initramfs entries under the root; returns a warning per entry skipped. */
/** Unpacks initramfs entries under the root (mtimes made relative to the boot epoch); returns a warning per entry skipped. */
export function unpackInitramfs(vfs: Vfs, entries: readonly CpioEntry[], epochS = 0): string[] {
  const warnings: string[] = [];
  const hardlinks = new Map<string, FsNode>();
  for (const e of entries) {
    const parts = e.name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0 || parts.includes('..')) continue;
    const kind = kindFromMode(e.mode);
    if (!kind) {
      warnings.push(`initramfs: ${e.name}: unknown file type 0${(e.mode & S_IFMT).toString(8)}`);
      continue;
    }
    let dir = vfs.rootRef.node;
    let path = '/';
    for (const p of parts.slice(0, -1)) {
      path = joinPath(path, p);
      let next = dir.children!.get(p);
      if (!next) next = vfs.createNode(dir, p, 'dir', 0o755);
      if (next.kind !== 'dir') break;
      dir = next;
    }
    const name = parts[parts.length - 1];
    const existing = dir.children!.get(name);
    if (existing && !(existing.kind === 'dir' && kind === 'dir')) dir.children!.delete(name);
    if (existing?.kind === 'dir' && kind === 'dir') {
      existing.perm = e.mode & 0o7777;
      continue;
    }
    const linkKey = `${e.devMajor}:${e.devMinor}:${e.ino}`;
    const prior = kind === 'file' && e.nlink > 1 ? hardlinks.get(linkKey) : undefined;
    if (prior) {
      dir.children!.set(name, prior);
      prior.nlink++;
      if (e.data.length > 0) fileWrite(prior, 0, e.data, vfs.nowNs());
      continue;
    }
    const node = vfs.createNode(dir, name, kind, e.mode & 0o7777, e.uid, e.gid);
    node.mtimeNs = node.ctimeNs = node.atimeNs = (e.mtime - epochS) * 1e9;
    if (kind === 'file') {
      fileWrite(node, 0, e.data, vfs.nowNs());
      node.mtimeNs = (e.mtime - epochS) * 1e9;
      if (e.nlink > 1) hardlinks.set(linkKey, node);
    } else if (kind === 'symlink') node.target = Buffer.from(e.data).toString('utf8');
    else if (kind === 'chr' || kind === 'blk') node.rdev = makeDev(e.rdevMajor, e.rdevMinor);
  }
  return warnings;
}
