// Times (atimeNs, mtimeNs, ctimeNs) count nanoseconds from the kernel's boot epoch, not from
// 1970, so they stay exact in a double; stat adds the epoch back.
// The in-memory inode every filesystem here is made of (tmpfs stores data in it; devtmpfs
// attaches device operations; procfs and sysfs generate content or directory listings
// on demand). A directory's children keep insertion order, so listings are deterministic.

import type { FileOps } from '../kernel/file';

export type NodeKind = 'dir' | 'file' | 'symlink' | 'chr' | 'blk' | 'fifo' | 'sock';

import { S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO } from '../abi/file-mode';

export { S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO };
export const KIND_BITS: Record<NodeKind, number> = {
  dir: S_IFDIR, file: S_IFREG, symlink: S_IFLNK, chr: S_IFCHR, blk: S_IFBLK, fifo: S_IFIFO, sock: S_IFSOCK,
};
/** d_type values for getdents64. */
export const DT_TYPE: Record<NodeKind, number> = { fifo: 1, chr: 2, dir: 4, blk: 6, file: 8, symlink: 10, sock: 12 };

export interface FileSystem {
  readonly type: string;
  /** st_dev of every node in it. */
  readonly dev: number;
  readonly magic: number;
  /** Writes give EROFS; changed by mount -o remount,ro|rw. */
  readonly: boolean;
  nextIno: number;
}

/** A directory whose entries are computed on each lookup (procfs PID dirs, /proc/self). */
export interface DynamicDir {
  list(): string[];
  lookup(name: string): FsNode | undefined;
}

export class FsNode {
  readonly ino: number;
  nlink: number;
  uid = 0;
  gid = 0;
  atimeNs: number;
  mtimeNs: number;
  ctimeNs: number;
  rdev = 0;
  /** Directory entries (dir only). */
  children: Map<string, FsNode> | undefined;
  parent: FsNode | undefined;
  /** File contents (tmpfs regular files); `size` may be below data.length (capacity). */
  data: Uint8Array = new Uint8Array(0);
  size = 0;
  target = '';
  /** Content computed when the file is opened (procfs). */
  generate: (() => string | Uint8Array) | undefined;
  /** Device or special-file operations (devtmpfs, FIFOs). */
  ops: FileOps | undefined;
  dynamic: DynamicDir | undefined;
  /** Root of the filesystem mounted on this directory, if any. */
  mounted: FsNode | undefined;
  /** For a mounted root: the directory it covers. */
  coveredBy: FsNode | undefined;

  constructor(
    readonly fs: FileSystem,
    readonly kind: NodeKind,
    /** Permission bits (07777); the type bits come from `kind`. */
    public perm: number,
    nowNs: number,
  ) {
    this.ino = fs.nextIno++;
    this.nlink = kind === 'dir' ? 2 : 1;
    this.atimeNs = this.mtimeNs = this.ctimeNs = nowNs;
    if (kind === 'dir') this.children = new Map();
  }

  get mode(): number {
    return KIND_BITS[this.kind] | (this.perm & 0o7777);
  }
}
