// hostfs: a host directory as a guest filesystem (what `twinbox exec --root DIR` runs in).
// Host entries are brought in lazily, the first time the guest looks a name up: regular
// files with their bytes, directories (themselves lazy), symlinks with their target.
// Sockets, FIFOs and devices on the host stay invisible. From then on the node is an
// ordinary in-memory node, so every syscall works on it unchanged; `syncToHost` writes
// the guest's changes back (new, changed, chmod'ed, removed entries) when the run ends.
//
// Confinement: the guest only ever sees names inside DIR. A path walk cannot climb above
// the VFS root, symlink targets are resolved by the guest's own walk (an absolute target
// starts at DIR), and write-back only touches paths built from DIR plus entry names the
// guest's directory tree holds (never `..`, never through a host symlink: lstat is used).

import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { FsNode } from './node';
import { TMPFS_MAX_FILE_BYTES } from './tmpfs';
import type { Vfs } from './vfs';

/** Reported by statfs: no Linux filesystem, so a value of our own ('hstf'). */
export const HOSTFS_MAGIC = 0x68737466;

interface Origin {
  /** Where on the host this node came from (moved nodes are written anew at their new place). */
  hostPath: string;
  /** Names of this directory brought in from the host (a missing one was removed by the guest). */
  hostNames: Set<string> | undefined;
  mtimeNs: number;
  size: number;
  perm: number;
  target: string;
}

export interface SyncReport {
  written: string[];
  removed: string[];
  errors: string[];
}

export class HostFs {
  private readonly origins = new WeakMap<FsNode, Origin>();

  constructor(
    /** The host directory (already resolved with realpath). */
    readonly hostRoot: string,
    private readonly vfs: Vfs,
    /** Host time (ns since 1970) → node time (ns since the kernel's boot epoch). */
    private readonly epochNs: number,
  ) {}

  /** Makes the VFS root show the host directory. */
  attachRoot(): void {
    const root = this.vfs.rootRef.node;
    const st = safeLstat(this.hostRoot);
    if (st) this.copyAttrs(root, st);
    this.makeLazy(root, this.hostRoot);
  }

  private makeLazy(dir: FsNode, hostPath: string): void {
    const origin: Origin = { hostPath, hostNames: new Set(), mtimeNs: dir.mtimeNs, size: 0, perm: dir.perm, target: '' };
    this.origins.set(dir, origin);
    let names: string[] | undefined;
    const hostNames = (): string[] => {
      if (!names) {
        try {
          // Sorted: the host's directory order must not leak into the guest's behaviour.
          names = readdirSync(hostPath).sort();
        } catch {
          names = [];
        }
      }
      return names;
    };
    dir.dynamic = {
      list: () => hostNames().filter((n) => !origin.hostNames!.has(n) && !dir.children!.has(n)),
      lookup: (name) => {
        if (origin.hostNames!.has(name) || dir.children!.has(name) || !hostNames().includes(name)) return undefined;
        const node = this.bringIn(dir, join(hostPath, name));
        if (!node) return undefined;
        origin.hostNames!.add(name);
        dir.children!.set(name, node);
        if (node.kind === 'dir') dir.nlink++;
        return node;
      },
    };
  }

  private bringIn(dir: FsNode, hostPath: string): FsNode | undefined {
    const st = safeLstat(hostPath);
    if (!st) return undefined;
    const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : undefined;
    if (!kind || (kind === 'file' && st.size > TMPFS_MAX_FILE_BYTES)) return undefined;
    const node = new FsNode(dir.fs, kind, st.mode & 0o7777, 0);
    node.parent = dir;
    this.copyAttrs(node, st);
    try {
      if (kind === 'file') {
        node.data = new Uint8Array(readFileSync(hostPath));
        node.size = node.data.length;
      } else if (kind === 'symlink') node.target = readlinkSync(hostPath);
    } catch {
      return undefined;
    }
    if (kind === 'dir') this.makeLazy(node, hostPath);
    else this.origins.set(node, { hostPath, hostNames: undefined, mtimeNs: node.mtimeNs, size: node.size, perm: node.perm, target: node.target });
    return node;
  }

  private copyAttrs(node: FsNode, st: Stats): void {
    node.perm = st.mode & 0o7777;
    node.uid = st.uid;
    node.gid = st.gid;
    const t = (ms: number) => Math.round(ms * 1e6) - this.epochNs;
    node.atimeNs = t(st.atimeMs);
    node.mtimeNs = t(st.mtimeMs);
    node.ctimeNs = t(st.ctimeMs);
  }

  /** Writes the guest's changes under the root back to the host directory. */
  syncToHost(): SyncReport {
    const report: SyncReport = { written: [], removed: [], errors: [] };
    const removals: string[] = [];
    this.syncDir(this.vfs.rootRef.node, this.hostRoot, report, removals);
    // Removals last: a renamed entry is written at its new place before its old one goes.
    for (const p of removals) this.removeHost(p, report);
    return report;
  }

  /** Brings in everything still lazy below `dir` (a directory the guest moved: its old host path goes away). */
  private materializeAll(dir: FsNode): void {
    if (dir.dynamic && this.origins.get(dir)?.hostNames) for (const name of dir.dynamic.list()) dir.dynamic.lookup(name);
    for (const child of dir.children?.values() ?? []) if (child.kind === 'dir' && child.fs === dir.fs) this.materializeAll(child);
  }

  private syncDir(dir: FsNode, hostPath: string, r: SyncReport, removals: string[]): void {
    const origin = this.origins.get(dir);
    if (origin?.hostPath === hostPath) {
      for (const name of origin?.hostNames ?? []) if (!dir.children!.has(name)) removals.push(join(hostPath, name));
    }
    for (const [name, node] of dir.children!) {
      if (node.fs !== dir.fs || node.mounted) continue;
      const p = join(hostPath, name);
      const o = this.origins.get(node);
      const fresh = !o || o.hostPath !== p;
      try {
        if (node.kind === 'dir') {
          if (fresh) {
            this.materializeAll(node);
            this.removeIfNot(p, (st) => st.isDirectory(), r);
            mkdirSync(p, { recursive: true, mode: node.perm });
            chmodSync(p, node.perm);
            r.written.push(p);
          } else if (o.perm !== node.perm) chmodSync(p, node.perm);
          this.syncDir(node, p, r, removals);
        } else if (node.kind === 'file') {
          if (fresh || o.mtimeNs !== node.mtimeNs || o.size !== node.size) {
            this.removeIfNot(p, (st) => st.isFile(), r);
            writeFileSync(p, node.data.subarray(0, node.size), { mode: node.perm });
            chmodSync(p, node.perm);
            r.written.push(p);
          } else if (o.perm !== node.perm) chmodSync(p, node.perm);
        } else if (node.kind === 'symlink' && (fresh || o.target !== node.target)) {
          this.removeIfNot(p, () => false, r);
          symlinkSync(node.target, p);
          r.written.push(p);
        }
      } catch (e) {
        r.errors.push(`${p}: ${(e as Error).message}`);
      }
    }
  }

  private removeIfNot(p: string, keep: (st: Stats) => boolean, r: SyncReport): void {
    const st = safeLstat(p);
    if (st && !keep(st)) this.removeHost(p, r);
  }

  private removeHost(p: string, r: SyncReport): void {
    if (!safeLstat(p)) return;
    try {
      // lstat-based: a symlink is removed itself, never followed.
      rmSync(p, { recursive: true, force: true });
      r.removed.push(p);
    } catch (e) {
      r.errors.push(`${p}: ${(e as Error).message}`);
    }
  }
}

function safeLstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}
