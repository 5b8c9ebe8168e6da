// VFIO's character devices: /dev/vfio/vfio (the container, misc 10:196) and /dev/vfio/N, one
// per IOMMU group with a device bound to vfio-pci (created with the first such device,
// removed with the last). The group ioctls follow include/uapi/linux/vfio.h; setting the
// container fails with EPERM while the group is not viable (another member is bound to a
// host driver that does DMA), which is what QEMU reports as "group N is not viable".

import { FsNode } from '../../fs/node';
import { makeDev } from '../../fs/tmpfs';
import { OpenFile, type FileOps } from '../../kernel/file';
import type { PciSubsystem } from './pci-core';
import type { Task } from '../../kernel/task';
import { readU32, writeI32 } from '../../kernel/uaccess';

const VFIO_TYPE = 0x3b, VFIO_BASE = 100;
const io = (nr: number) => (VFIO_TYPE << 8) | (VFIO_BASE + nr);
export const VFIO_GET_API_VERSION = io(0), VFIO_CHECK_EXTENSION = io(1), VFIO_SET_IOMMU = io(2);
export const VFIO_GROUP_GET_STATUS = io(3), VFIO_GROUP_SET_CONTAINER = io(4), VFIO_GROUP_UNSET_CONTAINER = io(5);
export const VFIO_API_VERSION = 0, VFIO_TYPE1_IOMMU = 1, VFIO_TYPE1v2_IOMMU = 3;
export const VFIO_GROUP_FLAGS_VIABLE = 1, VFIO_GROUP_FLAGS_CONTAINER_SET = 2;
export const VFIO_MISC_MINOR = 196, VFIO_GROUP_MAJOR = 243;

const EPERM = 1, EBADF = 9, EINVAL = 22, ENOTTY = 25, EBUSY = 16, EFAULT = 14, ENODEV = 19;

interface Container { groups: Set<number>; iommuSet: boolean }

export class Vfio {
  private readonly containers = new WeakMap<OpenFile, Container>();
  private readonly groupContainer = new Map<number, Container>();

  constructor(private readonly pci: PciSubsystem) {}

  /** Groups that have a /dev/vfio/N node: at least one member bound to vfio-pci. */
  liveGroups(): number[] {
    return this.pci.groupIds().filter((g) => this.pci.devices.some((d) => d.group === g && d.driver?.name === 'vfio-pci'));
  }

  /** Brings /dev/vfio in a devtmpfs root in line with the bindings. */
  syncNodes(devRoot: FsNode, nowNs: number): void {
    let dir = devRoot.children!.get('vfio');
    if (!dir) {
      dir = new FsNode(devRoot.fs, 'dir', 0o755, nowNs);
      dir.parent = devRoot;
      devRoot.children!.set('vfio', dir);
      devRoot.nlink++;
    }
    const want = new Map<string, number>([['vfio', makeDev(10, VFIO_MISC_MINOR)]]);
    for (const g of this.liveGroups()) want.set(String(g), makeDev(VFIO_GROUP_MAJOR, g));
    for (const name of [...dir.children!.keys()]) if (!want.has(name)) dir.children!.delete(name);
    for (const [name, rdev] of want) {
      if (dir.children!.has(name)) continue;
      const n = new FsNode(dir.fs, 'chr', name === 'vfio' ? 0o666 : 0o600, nowNs);
      n.rdev = rdev;
      n.parent = dir;
      dir.children!.set(name, n);
    }
  }

  openContainer(flags: number, path: string): OpenFile {
    const f = new OpenFile(this.containerOps(), flags, path);
    this.containers.set(f, { groups: new Set(), iommuSet: false });
    return f;
  }

  private containerOps(): FileOps {
    return {
      seekable: false,
      release: (f) => {
        const c = this.containers.get(f);
        if (c) for (const g of c.groups) this.groupContainer.delete(g);
      },
      ioctl: (f, cmd, arg) => {
        const c = this.containers.get(f);
        if (!c) return -EBADF;
        if (cmd === VFIO_GET_API_VERSION) return VFIO_API_VERSION;
        if (cmd === VFIO_CHECK_EXTENSION) return arg === VFIO_TYPE1_IOMMU || arg === VFIO_TYPE1v2_IOMMU ? 1 : 0;
        if (cmd === VFIO_SET_IOMMU) {
          if (c.groups.size === 0) return -EINVAL;
          if (arg !== VFIO_TYPE1_IOMMU && arg !== VFIO_TYPE1v2_IOMMU) return -EINVAL;
          c.iommuSet = true;
          return 0;
        }
        return -ENOTTY;
      },
    };
  }

  /** Opens /dev/vfio/N: ENODEV once the group has no vfio-bound device left. */
  openGroup(group: number, flags: number, path: string): OpenFile | number {
    if (!this.liveGroups().includes(group)) return -ENODEV;
    const ops: FileOps = {
      seekable: false,
      ioctl: (_f, cmd, arg, t) => this.groupIoctl(group, cmd, arg, t),
    };
    return new OpenFile(ops, flags, path);
  }

  private groupIoctl(group: number, cmd: number, arg: number, t: Task): number {
    if (cmd === VFIO_GROUP_GET_STATUS) {
      const argsz = readU32(t, arg);
      if (argsz === undefined) return -EFAULT;
      if (argsz < 8) return -EINVAL;
      const flags = (this.pci.groupViable(group) ? VFIO_GROUP_FLAGS_VIABLE : 0) | (this.groupContainer.has(group) ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
      return writeI32(t, arg + 4, flags) ? 0 : -EFAULT;
    }
    if (cmd === VFIO_GROUP_SET_CONTAINER) {
      const fd = readU32(t, arg);
      if (fd === undefined) return -EFAULT;
      const f = t.fds.get(fd | 0);
      const c = f ? this.containers.get(f) : undefined;
      if (!c) return -EBADF;
      if (this.groupContainer.has(group)) return -EINVAL;
      if (!this.pci.groupViable(group)) return -EPERM;
      if (c.iommuSet) return -EBUSY;
      c.groups.add(group);
      this.groupContainer.set(group, c);
      return 0;
    }
    if (cmd === VFIO_GROUP_UNSET_CONTAINER) {
      const c = this.groupContainer.get(group);
      if (!c) return -EINVAL;
      c.groups.delete(group);
      this.groupContainer.delete(group);
      return 0;
    }
    return -ENOTTY;
  }
}
