// A simulated machine's sysfs as a SysfsView, for `twinbox hw --machine ARGS|--profile F` and
// export-sysfs: the machine boots in-process with the native userland until its shell waits
// for input, then a fresh sysfs is created from the kernel (as `mount -t sysfs` would) and read
// through the same file operations the guest's read(2) uses.

import { Machine } from '../emulator/machine/machine';
import type { MachineDescription } from '../emulator/machine/description/types';
import { FsNode } from '../guest/fs/node';
import { createGuest } from '../guest/index';
import { OpenFile, O_RDONLY } from '../guest/kernel/file';
import { createFilesystem } from '../guest/kernel/filesystems';
import type { Kernel } from '../guest/kernel/kernel';
import type { Task } from '../guest/kernel/task';
import { joinPath, normalisePath, type SysfsView } from './sysfs-view';

const BOOT_LIMIT_NS = 60e9;
const MAX_LINK_HOPS = 40;
const READ_LIMIT_BYTES = 1 << 20;
const UTF8 = new TextDecoder();
const LATIN1 = new TextDecoder('latin1');

export interface SimHost {
  sys: SysfsView;
  cpuinfo: string;
  cmdline: string;
}

export class FsNodeSysfs implements SysfsView {
  constructor(private readonly root: FsNode, private readonly task: Task) {}

  private child(dir: FsNode, name: string): FsNode | undefined {
    return dir.children?.get(name) ?? dir.dynamic?.lookup(name);
  }

  private lookup(path: string, followLast: boolean): FsNode | undefined {
    let pending = normalisePath(path).split('/').filter(Boolean);
    let node = this.root;
    let at: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (node.kind !== 'dir') return undefined;
      const c = this.child(node, name);
      if (!c) return undefined;
      if (c.kind === 'symlink' && (pending.length > 0 || followLast)) {
        if (++hops > MAX_LINK_HOPS) return undefined;
        pending = [...joinPath('/' + at.join('/'), c.target).split('/').filter(Boolean), ...pending];
        node = this.root;
        at = [];
        continue;
      }
      node = c;
      at.push(name);
    }
    return node;
  }

  list(dir: string): string[] | undefined {
    const n = this.lookup(dir, true);
    if (n?.kind !== 'dir') return undefined;
    return [...new Set([...(n.children?.keys() ?? []), ...(n.dynamic?.list() ?? [])])].sort();
  }

  read(path: string): string | undefined {
    const n = this.lookup(path, true);
    if (n?.kind !== 'file') return undefined;
    if (n.generate) {
      const g = n.generate();
      return typeof g === 'string' ? g : UTF8.decode(g);
    }
    if (n.ops?.read) {
      const r = n.ops.read(new OpenFile(n.ops, O_RDONLY, path, n), READ_LIMIT_BYTES, this.task);
      return r instanceof Uint8Array ? LATIN1.decode(r) : undefined;
    }
    return UTF8.decode(n.data.subarray(0, n.size));
  }

  /** Raw bytes of a file (config space), undefined when unreadable. */
  readBytes(path: string): Uint8Array | undefined {
    const n = this.lookup(path, true);
    if (n?.kind !== 'file' || !n.ops?.read) return undefined;
    const r = n.ops.read(new OpenFile(n.ops, O_RDONLY, path, n), READ_LIMIT_BYTES, this.task);
    return r instanceof Uint8Array ? r : undefined;
  }

  readlink(path: string): string | undefined {
    const n = this.lookup(path, false);
    return n?.kind === 'symlink' ? n.target : undefined;
  }

  exists(path: string): boolean {
    return this.lookup(path, true) !== undefined;
  }
}

/** Boots `desc` (seed 1) until the native shell waits for input; undefined with a reason on failure. */
export function bootSimHost(desc: MachineDescription, seed = 1): { ok: true; host: SimHost; kernel: Kernel } | { ok: false; error: string } {
  let kernel: Kernel | undefined;
  let stop: string;
  try {
    const m = new Machine(desc, seed);
    m.start((machine) => {
      const g = createGuest(machine);
      kernel = g as Kernel;
      return g;
    });
    stop = m.run({ untilNs: BOOT_LIMIT_NS });
  } catch (e) {
    // The description layer refuses machines by throwing (MachineBuildError): report, never crash.
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (!kernel) return { ok: false, error: 'the guest kernel did not start' };
  const task = [...kernel.tasks.values()][0];
  if (!task) return { ok: false, error: `the guest has no running task after boot (${stop})` };
  const root = createFilesystem(kernel, 'sysfs');
  if (!root) return { ok: false, error: 'sysfs could not be created' };
  const procRoot = createFilesystem(kernel, 'proc');
  const proc = procRoot ? new FsNodeSysfs(procRoot, task) : undefined;
  return {
    ok: true, kernel,
    host: { sys: new FsNodeSysfs(root, task), cpuinfo: proc?.read('/cpuinfo') ?? '', cmdline: (proc?.read('/cmdline') ?? '').trim() },
  };
}
