// devtmpfs: one shared instance holding a node for every registered device, with the
// names and modes the kernel gives them (drivers/base/devtmpfs.c creates nodes 0600
// unless the driver says otherwise: the memory devices and tty are 0666).

import { makeDev, TMPFS_MAGIC } from './tmpfs';
import type { FsNode } from './node';
import { newFileSystem, type Vfs } from './vfs';

export interface DeviceNodeSpec {
  name: string;
  major: number;
  minor: number;
  perm: number;
}

export function standardDeviceNodes(serialName: string): DeviceNodeSpec[] {
  const serial = serialName === 'ttyAMA0' ? { major: 204, minor: 64 } : { major: 4, minor: 64 };
  return [
    { name: 'console', major: 5, minor: 1, perm: 0o600 },
    { name: 'full', major: 1, minor: 7, perm: 0o666 },
    { name: 'kmsg', major: 1, minor: 11, perm: 0o644 },
    { name: 'null', major: 1, minor: 3, perm: 0o666 },
    { name: 'ptmx', major: 5, minor: 2, perm: 0o666 },
    { name: 'random', major: 1, minor: 8, perm: 0o666 },
    { name: 'tty', major: 5, minor: 0, perm: 0o666 },
    { name: serialName, major: serial.major, minor: serial.minor, perm: 0o600 },
    { name: 'urandom', major: 1, minor: 9, perm: 0o666 },
    { name: 'zero', major: 1, minor: 5, perm: 0o666 },
  ];
}

/** Builds the devtmpfs tree (a root with device nodes, plus the pts and shm directories). */
export function createDevtmpfs(vfs: Vfs, nodes: readonly DeviceNodeSpec[]): FsNode {
  const fs = newFileSystem('devtmpfs', TMPFS_MAGIC);
  const root = vfs.createDetachedRoot(fs, 0o755);
  for (const n of nodes) vfs.createNode(root, n.name, 'chr', n.perm).rdev = makeDev(n.major, n.minor);
  vfs.createNode(root, 'pts', 'dir', 0o755);
  vfs.createNode(root, 'shm', 'dir', 0o1777);
  return root;
}
