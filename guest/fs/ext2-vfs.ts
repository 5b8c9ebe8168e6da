// ext2 under the VFS. The VFS works on in-memory nodes, so a mounted ext2 is its inode cache
// made complete: mount reads the tree (names, attributes, file data, symlink targets, device
// numbers) into nodes, the syscalls work on the nodes, and write-back (sync, fsync, umount)
// reconciles the disk with them through the inode-level library: new names are created,
// moved files linked and moved directories renamed, vanished names unlinked, changed data
// and attributes written. The on-disk result is what the same operations would have left.

import { ROOT_INO, type Ext2 } from './ext2/ext2';
import { FsNode, S_IFMT, type FileSystem, type NodeKind } from './node';
import { newFileSystem, type Vfs } from './vfs';

export const EXT2_SUPER_MAGIC = 0xef53;
const S_IFLNK = 0o120000, S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFBLK = 0o060000, S_IFIFO = 0o010000, S_IFSOCK = 0o140000;
const KIND_OF: Record<number, NodeKind> = { [S_IFLNK]: 'symlink', [S_IFDIR]: 'dir', [S_IFCHR]: 'chr', [S_IFBLK]: 'blk', [S_IFIFO]: 'fifo', [S_IFSOCK]: 'sock' };
const TYPE_BITS: Record<NodeKind, number> = { file: 0o100000, dir: S_IFDIR, symlink: S_IFLNK, chr: S_IFCHR, blk: S_IFBLK, fifo: S_IFIFO, sock: S_IFSOCK };
/** Bound on the directory depth walked, so a corrupt loop of directories ends. */
const MAX_DEPTH = 512;

interface Synced {
  size: number;
  mtimeNs: number;
  ctimeNs: number;
  atimeNs: number;
  perm: number;
  uid: number;
  gid: number;
}

export class Ext2Mount {
  readonly root: FsNode;
  readonly fs: FileSystem;
  private readonly inoOf = new Map<FsNode, number>();
  /** Where each directory inode sits on disk now (for renames). */
  private readonly dirLoc = new Map<number, { dir: number; name: string }>();
  private readonly synced = new Map<FsNode, Synced>();
  readonly log: string[] = [];

  private constructor(
    readonly ext2: Ext2,
    vfs: Vfs,
    private readonly epochS: number,
  ) {
    this.fs = newFileSystem('ext2', EXT2_SUPER_MAGIC, ext2.readonly);
    this.root = vfs.createDetachedRoot(this.fs, 0o755);
  }

  /** Reads the whole tree; an error is a kernel-log message and -errno. */
  static load(ext2: Ext2, vfs: Vfs, epochS: number): Ext2Mount | { errno: number; message: string } {
    const m = new Ext2Mount(ext2, vfs, epochS);
    const r = m.loadDir(m.root, ROOT_INO, new Map([[ROOT_INO, m.root]]), 0);
    if (r !== 0) return { errno: r, message: m.log[0] ?? `EXT2-fs: error ${-r} reading the directory tree` };
    m.fs.nextIno = ext2.fs.sb.inodesCount + 1;
    return m;
  }

  private toNs(sec: number): number {
    return (sec - this.epochS) * 1e9;
  }

  private toSec(ns: number): number {
    return Math.floor(ns / 1e9) + this.epochS;
  }

  private loadDir(dir: FsNode, dirIno: number, seen: Map<number, FsNode>, depth: number): number {
    if (depth > MAX_DEPTH) return -40;
    const st = this.ext2.getattr(dirIno);
    if (typeof st === 'number') return st;
    this.fill(dir, dirIno, st);
    const entries = this.ext2.readdir(dirIno);
    if (typeof entries === 'number') return entries;
    for (const e of entries) {
      if (e.name === '.' || e.name === '..') continue;
      let node = seen.get(e.ino);
      if (!node) {
        const made = this.loadNode(dir, e.ino, e.name, seen, depth);
        if (typeof made === 'number') return made;
        node = made;
      }
      dir.children!.set(e.name, node);
    }
    return 0;
  }

  private loadNode(parent: FsNode, ino: number, name: string, seen: Map<number, FsNode>, depth: number): FsNode | number {
    const st = this.ext2.getattr(ino);
    if (typeof st === 'number') return st;
    const kind = KIND_OF[st.mode & S_IFMT] ?? 'file';
    this.fs.nextIno = ino;
    const node = new FsNode(this.fs, kind, st.mode & 0o7777, 0);
    node.parent = parent;
    seen.set(ino, node);
    if (kind === 'dir') {
      this.dirLoc.set(ino, { dir: this.inoOf.get(parent)!, name });
      const r = this.loadDir(node, ino, seen, depth + 1);
      if (r !== 0) return r;
      return node;
    }
    this.fill(node, ino, st);
    if (kind === 'file') {
      const data = this.ext2.read(ino, 0, st.sizeBytes);
      if (typeof data === 'number') return data;
      node.data = data;
      node.size = data.length;
    } else if (kind === 'symlink') {
      const t = this.ext2.readlink(ino);
      if (typeof t === 'number') return t;
      node.target = t;
      node.size = st.sizeBytes;
    } else if (kind === 'chr' || kind === 'blk') node.rdev = st.rdev;
    this.snapshot(node);
    return node;
  }

  private fill(node: FsNode, ino: number, st: { mode: number; uid: number; gid: number; links: number; atimeSec: number; mtimeSec: number; ctimeSec: number }): void {
    node.perm = st.mode & 0o7777;
    node.uid = st.uid;
    node.gid = st.gid;
    node.nlink = st.links;
    node.atimeNs = this.toNs(st.atimeSec);
    node.mtimeNs = this.toNs(st.mtimeSec);
    node.ctimeNs = this.toNs(st.ctimeSec);
    this.inoOf.set(node, ino);
    this.snapshot(node);
  }

  private snapshot(n: FsNode): void {
    this.synced.set(n, { size: n.size, mtimeNs: n.mtimeNs, ctimeNs: n.ctimeNs, atimeNs: n.atimeNs, perm: n.perm, uid: n.uid, gid: n.gid });
  }

  /** Writes every change since the last write-back to the filesystem; 0 or the first -errno. */
  writeBack(): number {
    if (this.ext2.readonly) return 0;
    const visited = new Set<FsNode>();
    let r = this.linkPass(this.root, ROOT_INO, visited, 0);
    if (r === 0) r = this.removePass(this.root, ROOT_INO, 0);
    if (r === 0) for (const n of visited) if ((r = this.writeNode(n)) !== 0) break;
    if (r === 0) r = this.writeNode(this.root);
    const s = this.ext2.sync();
    return r !== 0 ? r : s;
  }

  /** Creates new names, links moved files, renames moved directories (top-down). */
  private linkPass(dir: FsNode, dirIno: number, visited: Set<FsNode>, depth: number): number {
    if (depth > MAX_DEPTH || !dir.children) return 0;
    const onDisk = this.entries(dirIno);
    if (typeof onDisk === 'number') return onDisk;
    for (const [name, child] of dir.children) {
      let ino = this.inoOf.get(child);
      const there = onDisk.get(name);
      if (ino === undefined || there !== ino) {
        if (there !== undefined) {
          const r = this.removeTree(dirIno, name, there, depth);
          if (r !== 0) return r;
        }
        const made = ino === undefined ? this.create(dirIno, name, child) : this.relink(dirIno, name, child, ino);
        if (made < 0) return made;
        ino = made;
      }
      if (!visited.has(child)) {
        visited.add(child);
        if (child.kind === 'dir') {
          const r = this.linkPass(child, ino, visited, depth + 1);
          if (r !== 0) return r;
        }
      }
    }
    return 0;
  }

  private create(dirIno: number, name: string, n: FsNode): number {
    const mode = TYPE_BITS[n.kind] | (n.perm & 0o7777);
    let ino: number;
    if (n.kind === 'dir') ino = this.ext2.mkdir(dirIno, name, mode, n.uid, n.gid);
    else if (n.kind === 'symlink') ino = this.ext2.symlink(dirIno, name, n.target);
    else ino = this.ext2.create(dirIno, name, mode, n.uid, n.gid, n.rdev);
    if (ino < 0) return ino;
    this.inoOf.set(n, ino);
    // From now on stat shows the inode number the disk has (Linux assigns it at creation).
    (n as { ino: number }).ino = ino;
    if (n.kind === 'dir') this.dirLoc.set(ino, { dir: dirIno, name });
    return ino;
  }

  private relink(dirIno: number, name: string, n: FsNode, ino: number): number {
    if (n.kind !== 'dir') {
      const r = this.ext2.link(ino, dirIno, name);
      return r < 0 ? r : ino;
    }
    const from = this.dirLoc.get(ino);
    if (!from) return -5;
    const r = this.ext2.rename(from.dir, from.name, dirIno, name);
    if (r < 0) return r;
    this.dirLoc.set(ino, { dir: dirIno, name });
    return ino;
  }

  /** Unlinks names the nodes no longer have (after linkPass, so moved things are safe). */
  private removePass(dir: FsNode, dirIno: number, depth: number): number {
    if (depth > MAX_DEPTH || !dir.children) return 0;
    const onDisk = this.entries(dirIno);
    if (typeof onDisk === 'number') return onDisk;
    for (const [name, ino] of onDisk) {
      const child = dir.children.get(name);
      if (child && this.inoOf.get(child) === ino) continue;
      const r = this.removeTree(dirIno, name, ino, depth);
      if (r !== 0) return r;
    }
    for (const child of dir.children.values()) {
      if (child.kind !== 'dir') continue;
      const r = this.removePass(child, this.inoOf.get(child)!, depth + 1);
      if (r !== 0) return r;
    }
    return 0;
  }

  /** Removes `name` from the disk; a directory with everything still under it on disk. */
  private removeTree(dirIno: number, name: string, ino: number, depth: number): number {
    const st = this.ext2.getattr(ino);
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) !== S_IFDIR) return this.ext2.unlink(dirIno, name);
    if (depth > MAX_DEPTH) return -40;
    const inner = this.entries(ino);
    if (typeof inner === 'number') return inner;
    for (const [n, i] of inner) {
      const r = this.removeTree(ino, n, i, depth + 1);
      if (r !== 0) return r;
    }
    this.dirLoc.delete(ino);
    return this.ext2.rmdir(dirIno, name);
  }

  private entries(dirIno: number): Map<string, number> | number {
    const list = this.ext2.readdir(dirIno);
    if (typeof list === 'number') return list;
    const m = new Map<string, number>();
    for (const e of list) if (e.name !== '.' && e.name !== '..') m.set(e.name, e.ino);
    return m;
  }

  /** Data (regular files whose size or mtime moved) and attributes. */
  private writeNode(n: FsNode): number {
    const ino = this.inoOf.get(n);
    if (ino === undefined) return 0;
    const was = this.synced.get(n);
    if (n.kind === 'file' && (!was || was.size !== n.size || was.mtimeNs !== n.mtimeNs)) {
      const w = this.ext2.write(ino, 0, n.data.subarray(0, n.size));
      if (w < 0) return w;
      const t = this.ext2.truncate(ino, n.size);
      if (t < 0) return t;
    }
    if (!was || was.perm !== n.perm || was.uid !== n.uid || was.gid !== n.gid || was.mtimeNs !== n.mtimeNs || was.atimeNs !== n.atimeNs || was.size !== n.size) {
      const r = this.ext2.setattr(ino, {
        mode: TYPE_BITS[n.kind] | (n.perm & 0o7777), uid: n.uid, gid: n.gid,
        atimeSec: this.toSec(n.atimeNs), mtimeSec: this.toSec(n.mtimeNs),
      });
      if (r < 0) return r;
    }
    this.snapshot(n);
    return 0;
  }
}
