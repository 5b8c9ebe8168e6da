// /sys/devices/system/cpu as Linux shows it: the online, possible and present CPU lists
// (glibc's sysconf(_SC_NPROCESSORS_ONLN) reads `online`) and one cpuN directory per vCPU
// with its topology (every vCPU is its own core in package 0, as QEMU's default -smp N gives).

import type { FsNode } from '../../fs/node';
import type { Kernel } from '../kernel';

/** A CPU list in Linux's bitmap_print_to_pagebuf list format: "0", "0-3". */
export function cpuListText(count: number): string {
  return count <= 1 ? '0\n' : `0-${count - 1}\n`;
}

export function addSysCpus(k: Kernel, sysRoot: FsNode): void {
  const vfs = k.vfs;
  const dir = (parent: FsNode, name: string): FsNode => parent.children?.get(name) ?? vfs.createNode(parent, name, 'dir', 0o755);
  const attr = (parent: FsNode, name: string, text: string): void => {
    const n = vfs.createNode(parent, name, 'file', 0o444);
    n.generate = () => text;
  };
  const cpuDir = dir(dir(dir(sysRoot, 'devices'), 'system'), 'cpu');
  const count = k.rq.count;
  attr(cpuDir, 'online', cpuListText(count));
  attr(cpuDir, 'possible', cpuListText(count));
  attr(cpuDir, 'present', cpuListText(count));
  attr(cpuDir, 'offline', '\n');
  for (let i = 0; i < count; i++) {
    const cpu = dir(cpuDir, `cpu${i}`);
    const topo = dir(cpu, 'topology');
    attr(topo, 'core_id', `${i}\n`);
    attr(topo, 'physical_package_id', '0\n');
    attr(topo, 'thread_siblings_list', `${i}\n`);
    attr(topo, 'core_siblings_list', cpuListText(count));
  }
}
