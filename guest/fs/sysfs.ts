// sysfs skeleton: the top-level directories (/sys/devices, bus, class, kernel, ...) that
// later issues fill (PCI devices, network interfaces), plus a few kernel attributes.

import { newFileSystem, type Vfs } from './vfs';
import type { FsNode } from './node';

export const SYSFS_MAGIC = 0x62656572;

export function createSysfs(vfs: Vfs, attrs: { hostname: () => string; release: string; console: string }): FsNode {
  const fs = newFileSystem('sysfs', SYSFS_MAGIC, false);
  const root = vfs.createDetachedRoot(fs, 0o555);
  for (const d of ['block', 'bus', 'class', 'dev', 'devices', 'firmware', 'fs', 'kernel', 'module', 'power']) {
    vfs.createNode(root, d, 'dir', 0o755);
  }
  const kernel = root.children!.get('kernel')!;
  const attr = (dir: FsNode, name: string, gen: () => string) => {
    const n = vfs.createNode(dir, name, 'file', 0o444);
    n.generate = gen;
  };
  attr(kernel, 'osrelease', () => attrs.release + '\n');
  for (const d of ['pci', 'virtio', 'platform']) {
    const b = vfs.createNode(root.children!.get('bus')!, d, 'dir', 0o755);
    vfs.createNode(b, 'devices', 'dir', 0o755);
    vfs.createNode(b, 'drivers', 'dir', 0o755);
  }
  for (const d of ['net', 'tty', 'block', 'misc', 'mem']) vfs.createNode(root.children!.get('class')!, d, 'dir', 0o755);
  // BusyBox's cttyhack finds the console's real device here, as on Linux.
  const consoleDir = vfs.createNode(root.children!.get('class')!.children!.get('tty')!, 'console', 'dir', 0o755);
  attr(consoleDir, 'active', () => attrs.console + '\n');
  for (const d of ['system', 'virtual', 'platform']) vfs.createNode(root.children!.get('devices')!, d, 'dir', 0o755);
  return root;
}
