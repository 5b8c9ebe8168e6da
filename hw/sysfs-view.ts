// The one thing every `twinbox hw` subcommand reads: a sysfs-shaped tree. Paths are absolute
// within the tree ("/bus/pci/devices"); links are followed by `list` and `read` as on a real
// filesystem, not by `readlink`. Implementations: a host directory (host-sysfs.ts), the guest's
// own /sys snapshotted through the libc (the twinbox-hw applet), and MemorySysfs below.

export interface SysfsView {
  /** Entry names of a directory in a fixed (sorted) order, or undefined when it is not one. */
  list(dir: string): string[] | undefined;
  /** A file's text, or undefined when it cannot be read. */
  read(path: string): string | undefined;
  /** A symlink's target as stored (usually relative), or undefined when it is not a link. */
  readlink(path: string): string | undefined;
  exists(path: string): boolean;
}

/** Joins and normalises an absolute tree path, resolving `.` and `..` lexically. */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export function joinPath(dir: string, name: string): string {
  return normalisePath(name.startsWith('/') ? name : `${dir}/${name}`);
}

export function baseName(path: string): string {
  const p = path.replace(/\/+$/, '');
  return p.slice(p.lastIndexOf('/') + 1);
}

type MemNode = { kind: 'dir'; children: Map<string, MemNode> } | { kind: 'file'; text: string } | { kind: 'link'; target: string };

const MAX_LINK_HOPS = 40;

/** An in-memory tree: test fixtures, and the applet's snapshot of the guest's /sys. */
export class MemorySysfs implements SysfsView {
  private readonly root: MemNode = { kind: 'dir', children: new Map() };

  /** Creates the file (and its parent directories). */
  file(path: string, text: string): this {
    this.put(path, { kind: 'file', text });
    return this;
  }

  link(path: string, target: string): this {
    this.put(path, { kind: 'link', target });
    return this;
  }

  dir(path: string): this {
    const parts = normalisePath(path).split('/').filter(Boolean);
    let node = this.root;
    for (const p of parts) node = this.childDir(node, p);
    return this;
  }

  private childDir(node: MemNode, name: string): MemNode {
    if (node.kind !== 'dir') throw new Error(`not a directory at ${name}`);
    let c = node.children.get(name);
    if (!c) {
      c = { kind: 'dir', children: new Map() };
      node.children.set(name, c);
    }
    return c;
  }

  private put(path: string, leaf: MemNode): void {
    const parts = normalisePath(path).split('/').filter(Boolean);
    const name = parts.pop();
    if (name === undefined) throw new Error('cannot replace the root');
    let node = this.root;
    for (const p of parts) node = this.childDir(node, p);
    if (node.kind === 'dir') node.children.set(name, leaf);
  }

  /** Walks `path`, following links in every component (and in the last one when `followLast`). */
  private lookup(path: string, followLast: boolean): MemNode | undefined {
    let pending = normalisePath(path).split('/').filter(Boolean);
    let node: MemNode = this.root;
    let at: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const name = pending[0];
      pending = pending.slice(1);
      if (node.kind !== 'dir') return undefined;
      const child: MemNode | undefined = node.children.get(name);
      if (!child) return undefined;
      if (child.kind === 'link' && (pending.length > 0 || followLast)) {
        if (++hops > MAX_LINK_HOPS) return undefined;
        const resolved = joinPath('/' + at.join('/'), child.target).split('/').filter(Boolean);
        pending = [...resolved, ...pending];
        node = this.root;
        at = [];
        continue;
      }
      node = child;
      at.push(name);
    }
    return node;
  }

  list(dir: string): string[] | undefined {
    const n = this.lookup(dir, true);
    return n?.kind === 'dir' ? [...n.children.keys()].sort() : undefined;
  }

  read(path: string): string | undefined {
    const n = this.lookup(path, true);
    return n?.kind === 'file' ? n.text : undefined;
  }

  readlink(path: string): string | undefined {
    const n = this.lookup(path, false);
    return n?.kind === 'link' ? n.target : undefined;
  }

  exists(path: string): boolean {
    return this.lookup(path, true) !== undefined;
  }
}
