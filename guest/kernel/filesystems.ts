// The filesystem types mount(2) knows, and how each instance is made: tmpfs and ramfs
// are new per mount; proc, sysfs and devtmpfs show the kernel's own state.

import { createDevtmpfs, standardDeviceNodes } from '../fs/devtmpfs';
import { Procfs } from '../fs/procfs';
import { createSysfs } from '../fs/sysfs';
import { RAMFS_MAGIC, TMPFS_MAGIC, makeDev } from '../fs/tmpfs';
import { FsNode } from '../fs/node';

const DEVPTS_SUPER_MAGIC = 0x1cd1;
import { newFileSystem } from '../fs/vfs';
import { UTS_RELEASE } from './boot';
import type { Kernel } from './kernel';
import { addBlockNodes, addSysBlock } from './storage';
import { addProcNet, addSysClassNet } from './net/netfs';
import { addSysCpus } from './sched/sysfs-cpu';
import { addFbNodes, addSysGraphics } from '../drivers/fb/kernel-fb';

const devtmpfsRoots = new WeakMap<Kernel, FsNode>();

export function devtmpfsRoot(k: Kernel): FsNode {
  let root = devtmpfsRoots.get(k);
  if (!root) {
    root = createDevtmpfs(k.vfs, standardDeviceNodes(k.consolePort.name));
    addBlockNodes(k, k.vfs, root);
    addFbNodes(k, k.vfs, root);
    devtmpfsRoots.set(k, root);
  }
  return root;
}

const devptsRoots = new WeakMap<Kernel, FsNode>();

/** devpts: one instance listing `ptmx` and a node per live pseudo-terminal (136:N, 0620). */
export function devptsRoot(k: Kernel): FsNode {
  let root = devptsRoots.get(k);
  if (root) return root;
  const r = k.vfs.createDetachedRoot(newFileSystem('devpts', DEVPTS_SUPER_MAGIC), 0o755);
  const ptmx = new FsNode(r.fs, 'chr', 0o000, k.now);
  ptmx.rdev = makeDev(5, 2);
  ptmx.parent = r;
  const nodes = new Map<number, FsNode>();
  const node = (i: number): FsNode => {
    let n = nodes.get(i);
    if (!n) {
      n = new FsNode(r.fs, 'chr', 0o620, k.now);
      n.rdev = makeDev(136, i);
      n.parent = r;
      nodes.set(i, n);
    }
    return n;
  };
  r.dynamic = {
    list: () => ['ptmx', ...k.ptys.indexes().map(String)],
    lookup: (name) => (name === 'ptmx' ? ptmx : /^\d+$/.test(name) && k.ptys.get(Number(name)) ? node(Number(name)) : undefined),
  };
  devptsRoots.set(k, r);
  root = r;
  return root;
}

/** A fresh root for `fstype`, or undefined for an unknown type (ENODEV). */
export function createFilesystem(k: Kernel, fstype: string): FsNode | undefined {
  switch (fstype) {
    case 'tmpfs': return k.vfs.createDetachedRoot(newFileSystem('tmpfs', TMPFS_MAGIC), 0o1777);
    case 'ramfs': return k.vfs.createDetachedRoot(newFileSystem('ramfs', RAMFS_MAGIC), 0o755);
    case 'proc': {
      const root = new Procfs(k, k.vfs).root;
      addProcNet(k, root);
      return root;
    }
    case 'sysfs': {
      const root = createSysfs(k.vfs, { hostname: () => k.hostname, release: UTS_RELEASE, console: k.consolePort.name });
      k.pci?.populateSysfs(root);
      addSysBlock(k, root);
      addSysCpus(k, root);
      addSysGraphics(k, root);
      addSysClassNet(k, root);
      return root;
    }
    case 'devtmpfs': return devtmpfsRoot(k);
    case 'devpts': return devptsRoot(k);
    default: return undefined;
  }
}
