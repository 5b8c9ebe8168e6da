// The VFS: a mount table over in-memory nodes, and the path walk every *at() syscall
// goes through (namei: `.` and `..`, mount crossing, symlinks with a 40-link budget for
// ELOOP, trailing slashes, permission checks on search). Results are -errno or a PathRef.

import { EACCES, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EINVAL } from '../kernel/errno';
import type { Credentials, PathRef } from '../kernel/task';
import { FsNode, type FileSystem, type NodeKind } from './node';

export const PATH_MAX = 4096;
export const NAME_MAX = 255;
export const MAXSYMLINKS = 40;

export interface Mount {
  source: string;
  target: string;
  fstype: string;
  options: string;
  flags: number;
  root: FsNode;
}

export interface WalkOptions {
  /** Follow a symlink in the last component (false for lstat, O_NOFOLLOW, AT_SYMLINK_NOFOLLOW). */
  followLast: boolean;
  cred?: Credentials;
}

export interface ParentRef {
  dir: PathRef;
  name: string;
  /** The path had a trailing slash: the last component must be a directory. */
  trailingSlash: boolean;
}

let nextDev = 1;

export function newFileSystem(type: string, magic: number, readonly = false): FileSystem {
  return { type, dev: nextDev++, magic, readonly, nextIno: 1 };
}

export function joinPath(dir: string, name: string): string {
  if (name === '.') return dir;
  if (name === '..') return dir === '/' ? '/' : dir.slice(0, dir.lastIndexOf('/')) || '/';
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** May `cred` do `want` (4 read, 2 write, 1 exec/search) on `node`? Root passes except exec with no x bit. */
export function permitted(node: FsNode, cred: Credentials | undefined, want: number): boolean {
  if (!cred || cred.fsuid === 0) return want !== 1 || node.kind === 'dir' || (node.perm & 0o111) !== 0;
  let bits = node.perm & 7;
  if (cred.fsuid === node.uid) bits = (node.perm >> 6) & 7;
  else if (cred.fsgid === node.gid || cred.groups.includes(node.gid)) bits = (node.perm >> 3) & 7;
  return (bits & want) === want;
}

export class Vfs {
  readonly mounts: Mount[] = [];
  readonly rootRef: PathRef;

  constructor(
    rootFs: FileSystem,
    private readonly now: () => number,
  ) {
    const root = new FsNode(rootFs, 'dir', 0o755, now());
    root.parent = root;
    this.rootRef = { node: root, path: '/' };
    this.mounts.push({ source: 'rootfs', target: '/', fstype: rootFs.type, options: 'rw', flags: 0, root });
  }

  nowNs(): number {
    return this.now();
  }

  /** Creates a node in `dir` (no checks: callers have done them). */
  createNode(dir: FsNode, name: string, kind: NodeKind, perm: number, uid = 0, gid = 0): FsNode {
    const n = new FsNode(dir.fs, kind, perm, this.now());
    n.uid = uid;
    n.gid = gid;
    n.parent = dir;
    dir.children!.set(name, n);
    if (kind === 'dir') dir.nlink++;
    dir.mtimeNs = dir.ctimeNs = this.now();
    return n;
  }

  /** The root directory of a filesystem that is not mounted yet. */
  createDetachedRoot(fs: FileSystem, perm: number): FsNode {
    const root = new FsNode(fs, 'dir', perm, this.now());
    root.parent = root;
    return root;
  }

  mount(target: PathRef, root: FsNode, m: Omit<Mount, 'root' | 'target'>): void {
    let covered = target.node;
    while (covered.mounted) covered = covered.mounted;
    covered.mounted = root;
    root.coveredBy = covered;
    root.parent = covered.parent;
    this.mounts.push({ ...m, target: target.path, root });
  }

  /** Detaches the filesystem whose root is `root`. */
  umount(root: FsNode): void {
    const covered = root.coveredBy;
    if (covered) covered.mounted = undefined;
    root.coveredBy = undefined;
    const i = this.mounts.findIndex((m) => m.root === root);
    if (i >= 0) this.mounts.splice(i, 1);
  }

  mountOf(node: FsNode): Mount | undefined {
    for (let i = this.mounts.length - 1; i >= 0; i--) if (this.mounts[i].root.fs === node.fs) return this.mounts[i];
    return undefined;
  }

  resolve(start: PathRef, path: string, opts: WalkOptions, budget = { links: MAXSYMLINKS }): PathRef | number {
    const parent = this.resolveParent(start, path, opts, budget);
    if (typeof parent === 'number') return parent;
    if (parent.name === '') return parent.dir;
    const child = this.step(parent.dir, parent.name, opts.cred);
    if (typeof child === 'number') return child;
    if (child.node.kind === 'symlink' && (opts.followLast || parent.trailingSlash)) {
      const r = this.followLink(parent.dir, child.node, opts, budget);
      if (typeof r === 'number') return r;
      if (parent.trailingSlash && r.node.kind !== 'dir') return -ENOTDIR;
      return r;
    }
    if (parent.trailingSlash && child.node.kind !== 'dir') return -ENOTDIR;
    return child;
  }

  /** Walks all but the last component. The name is '' for `/` or a path of only `.`/`..` steps resolved into dir. */
  resolveParent(start: PathRef, path: string, opts: WalkOptions, budget = { links: MAXSYMLINKS }): ParentRef | number {
    if (path.length === 0) return -ENOENT;
    if (path.length >= PATH_MAX) return -ENAMETOOLONG;
    let cur: PathRef = path.startsWith('/') ? this.rootRef : start;
    const parts = path.split('/').filter((p) => p.length > 0);
    const trailingSlash = path.endsWith('/') && parts.length > 0;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = this.walkDir(cur, parts[i], opts, budget);
      if (typeof next === 'number') return next;
      cur = next;
    }
    const last = parts[parts.length - 1];
    if (last === undefined) return { dir: cur, name: '', trailingSlash: false };
    if (last.length > NAME_MAX) return -ENAMETOOLONG;
    if (last === '.' || last === '..') {
      const d = this.walkDir(cur, last, opts, budget);
      if (typeof d === 'number') return d;
      return { dir: d, name: '', trailingSlash };
    }
    if (cur.node.kind !== 'dir') return -ENOTDIR;
    return { dir: cur, name: last, trailingSlash };
  }

  /** One step from a directory, following a symlink found there (intermediate components always follow). */
  private walkDir(cur: PathRef, name: string, opts: WalkOptions, budget: { links: number }): PathRef | number {
    const next = this.step(cur, name, opts.cred);
    if (typeof next === 'number') return next;
    if (next.node.kind === 'symlink') {
      const r = this.followLink(cur, next.node, opts, budget);
      if (typeof r === 'number') return r;
      if (r.node.kind !== 'dir') return -ENOTDIR;
      return r;
    }
    if (next.node.kind !== 'dir') return -ENOTDIR;
    return next;
  }

  private followLink(dir: PathRef, link: FsNode, opts: WalkOptions, budget: { links: number }): PathRef | number {
    if (--budget.links < 0) return -ELOOP;
    if (link.target === '') return -ENOENT;
    return this.resolve(dir, link.target, { ...opts, followLast: true }, budget);
  }

  /** Looks `name` up in directory `cur`, crossing mount points both ways. */
  step(cur: PathRef, name: string, cred?: Credentials): PathRef | number {
    const dir = cur.node;
    if (dir.kind !== 'dir') return -ENOTDIR;
    if (!permitted(dir, cred, 1)) return -EACCES;
    if (name.length > NAME_MAX) return -ENAMETOOLONG;
    if (name === '.') return cur;
    if (name === '..') {
      let d = dir;
      while (d.coveredBy) d = d.coveredBy;
      const up = d === this.rootRef.node ? d : (d.parent ?? d);
      return { node: this.topMount(up), path: joinPath(cur.path, '..') };
    }
    const child = dir.children?.get(name) ?? dir.dynamic?.lookup(name);
    if (!child) return -ENOENT;
    return { node: this.topMount(child), path: joinPath(cur.path, name) };
  }

  private topMount(n: FsNode): FsNode {
    let cur = n;
    while (cur.mounted) cur = cur.mounted;
    return cur;
  }

  /** The entries of a directory in listing order (`.` and `..` first). */
  listDir(dir: FsNode): Array<[string, FsNode]> | number {
    if (dir.kind !== 'dir') return -ENOTDIR;
    const out: Array<[string, FsNode]> = [['.', dir], ['..', dir.coveredBy?.parent ?? dir.parent ?? dir]];
    if (dir.children) for (const [name, n] of dir.children) out.push([name, n]);
    if (dir.dynamic) {
      for (const name of dir.dynamic.list()) {
        const n = dir.dynamic.lookup(name);
        if (n) out.push([name, n]);
      }
    }
    return out;
  }
}

export function checkName(name: string): number {
  if (name.length === 0) return -ENOENT;
  if (name.length > NAME_MAX) return -ENAMETOOLONG;
  if (name.includes('/')) return -EINVAL;
  return 0;
}
