// The kernel's storage: virtio-blk disks found at boot (with Linux's log lines), their
// /dev nodes, ext2 mounts on them, and sync(2). State hangs off the kernel in a WeakMap so
// the Kernel class needs no new fields.

import { VirtioBlkDriver, VIRTIO_ID_BLOCK } from '../drivers/virtio/blk';
import { probeVirtio } from '../drivers/virtio/probe';
import { allocMsiVectors, type MsiVector } from '../drivers/virtio/msi';
import type { VirtioTransport } from '../drivers/virtio/transport';
import { capacityLine, DiskTable, formatProcPartitions, type BlockNode } from '../block/disks';
import { Ext2 } from '../fs/ext2/ext2';
import { Ext2Mount } from '../fs/ext2-vfs';
import type { FsNode } from '../fs/node';
import { makeDev } from '../fs/tmpfs';
import type { Vfs } from '../fs/vfs';
import { KERN_ERR, KERN_WARNING } from './klog';
import { OpenFile, type FileOps } from './file';
import type { Kernel } from './kernel';

const EBUSY = 16, ENXIO = 6, ENOTBLK = 15, EROFS = 30, ENOSPC = 28, EINVAL = 22;

export interface Storage {
  disks: DiskTable;
  /** Mounted ext2 filesystems by their root node. */
  mounts: Map<FsNode, { mount: Ext2Mount; node: BlockNode }>;
}

const storages = new WeakMap<Kernel, Storage>();

export function storageOf(k: Kernel): Storage {
  let s = storages.get(k);
  if (!s) {
    s = { disks: new DiskTable(), mounts: new Map() };
    storages.set(k, s);
  }
  return s;
}

/** Boot: probe virtio devices and bring up every block device (drivers/block/virtio_blk.c's messages). */
export function probeStorage(k: Kernel): void {
  const s = storageOf(k);
  probeVirtio(k.machine).forEach((t, index) => {
    if (t.deviceType !== VIRTIO_ID_BLOCK) return;
    const dev = `virtio_blk virtio${index}`;
    const msix = useMsix(k, t, 2);
    const d = VirtioBlkDriver.init(t, k.machine.ram, () => k.frames.alloc(), () => waitForDeviceEvent(k));
    if (typeof d === 'string') {
      k.klog.printk(d, KERN_ERR);
      return;
    }
    if (msix) {
      // Linux's vectors: configuration changes, then the request queue.
      k.requestIrq(msix[0].hwirq, `virtio${index}-config`, () => undefined);
      k.requestIrq(msix[1].hwirq, `virtio${index}-req.0`, () => d.handleIrq());
    } else if (t.irq !== undefined) k.requestIrq(t.irq, `virtio${index}`, () => d.handleIrq());
    k.klog.printk(`${dev}: 1/0/0 default/read/poll queues`);
    const { disk, log } = s.disks.add(d);
    k.klog.printk(`${dev}: ${capacityLine(disk.name, d.sizeBytes, d.logicalBlockBytes)}`);
    for (const line of log) k.klog.printk(line, line.includes('GPT') ? KERN_WARNING : undefined);
    for (const n of disk.nodes) k.devices.set(makeDev(n.major, n.minor), (_t, flags, path) => new OpenFile(blockFileOps(n), flags, path));
  });
}

/**
 * MSI-X for a PCI function INTx cannot reach (behind a bridge, where the firmware tables route
 * nothing), so its driver takes interrupts instead of polling. Functions on the root bus keep
 * INTx (Linux would use MSI-X there too; see docs/storage.md).
 */
export function useMsix(k: Kernel, t: VirtioTransport, vectors: number): MsiVector[] | undefined {
  if (t.irq !== undefined || !t.enableMsix) return undefined;
  const v = allocMsiVectors(k.machine, vectors);
  return v && t.enableMsix(v.map((x) => x.message)) ? v : undefined;
}

/**
 * A driver waiting for its device: the CPU's clock moves to the next scheduled event and the
 * event fires (a request's completion raises the device's interrupt there). The task keeps the
 * CPU meanwhile, as a polling driver would; false when nothing is pending.
 */
function waitForDeviceEvent(k: Kernel): boolean {
  const s = k.machine.scheduler;
  const next = s.nextEventTime();
  if (next === undefined) return false;
  k.charge(Math.max(0, next - k.now), Infinity, k.current);
  s.runNext();
  return true;
}

/** Raw reads and writes of /dev/vdX through the buffer cache (what dd if=/dev/vda does). */
function blockFileOps(n: BlockNode): FileOps {
  const size = n.sectors * 512;
  return {
    seekable: true,
    // lseek(fd, 0, SEEK_END) gives the device size, as blkdev's llseek does.
    sizeBytes: () => size,
    read: (f, len) => {
      const count = Math.max(0, Math.min(len, size - f.pos));
      const out = new Uint8Array(count);
      const r = count > 0 ? n.dev.read(f.pos, out) : 0;
      if (r < 0) return r;
      f.pos += count;
      return out;
    },
    write: (f, data) => {
      if (n.readonly) return -EROFS;
      const count = Math.max(0, Math.min(data.length, size - f.pos));
      if (count === 0 && data.length > 0) return -ENOSPC;
      const r = n.dev.write(f.pos, data.subarray(0, count));
      if (r < 0) return r;
      f.pos += count;
      return count;
    },
  };
}


/** Block device nodes for devtmpfs (block nodes are 0600 there, as devtmpfs makes them). */
export function addBlockNodes(k: Kernel, vfs: Vfs, devRoot: FsNode): void {
  for (const n of storageOf(k).disks.nodes()) {
    if (devRoot.children!.has(n.name)) continue;
    vfs.createNode(devRoot, n.name, 'blk', 0o600).rdev = makeDev(n.major, n.minor);
  }
}

/** /sys/block/vdX with size, ro, dev, removable, queue/ and a directory per partition. */
export function addSysBlock(k: Kernel, sysRoot: FsNode): FsNode {
  const block = sysRoot.children?.get('block');
  if (!block) return sysRoot;
  const attr = (dir: FsNode, name: string, value: string) => {
    k.vfs.createNode(dir, name, 'file', 0o444).generate = () => value + '\n';
  };
  for (const d of storageOf(k).disks.disks) {
    const [whole, ...parts] = d.nodes;
    const dir = k.vfs.createNode(block, d.name, 'dir', 0o755);
    const common = (at: FsNode, n: BlockNode) => {
      attr(at, 'size', String(n.sectors));
      attr(at, 'ro', n.readonly ? '1' : '0');
      attr(at, 'dev', `${n.major}:${n.minor}`);
    };
    common(dir, whole);
    attr(dir, 'removable', '0');
    const q = k.vfs.createNode(dir, 'queue', 'dir', 0o755);
    const lbs = String(d.driver.logicalBlockBytes);
    attr(q, 'logical_block_size', lbs);
    attr(q, 'physical_block_size', lbs);
    attr(q, 'hw_sector_size', lbs);
    attr(q, 'rotational', '0');
    for (const p of parts) {
      const pd = k.vfs.createNode(dir, p.name, 'dir', 0o755);
      common(pd, p);
      attr(pd, 'partition', String(p.partNo));
      attr(pd, 'start', String(p.startSector));
    }
  }
  return sysRoot;
}

export function procPartitions(k: Kernel): string {
  return formatProcPartitions(storageOf(k).disks.nodes());
}

/** mount -t ext2 SOURCE: the block node SOURCE names, its filesystem read into the VFS. */
export function mountExt2(k: Kernel, sourceNode: FsNode | undefined, readonly: boolean): FsNode | number {
  if (!sourceNode || sourceNode.kind !== 'blk') return -ENOTBLK;
  const rdev = sourceNode.rdev;
  const node = storageOf(k).disks.byDev((rdev >>> 8) & 0xfff, (rdev & 0xff) | ((rdev >>> 12) & 0xfff00));
  if (!node) return -ENXIO;
  if (node.readonly && !readonly) return -EROFS;
  const s = storageOf(k);
  if ([...s.mounts.values()].some((m) => m.node === node)) return -EBUSY;
  const ext2 = Ext2.mount(node.dev, { readonly, name: node.name, nowSec: () => Math.floor(k.realtimeNs / 1e9) });
  if (!(ext2 instanceof Ext2)) {
    k.klog.printk(ext2.message, KERN_ERR);
    return ext2.errno;
  }
  const m = Ext2Mount.load(ext2, k.vfs, k.epochAtBootS);
  if (!(m instanceof Ext2Mount)) {
    k.klog.printk(m.message, KERN_ERR);
    ext2.unmount();
    return m.errno;
  }
  s.mounts.set(m.root, { mount: m, node });
  // ext2 is served by the ext4 driver on Debian's kernels (CONFIG_EXT4_USE_FOR_EXT2), which logs so.
  k.klog.printk(`EXT4-fs (${node.name}): mounting ext2 file system using the ext4 subsystem`);
  k.klog.printk(`EXT4-fs (${node.name}): mounted filesystem ${fsUuid(ext2)} ${readonly ? 'ro' : 'r/w'} without journal. Quota mode: none.`);
  return m.root;
}

/**
 * mount -o remount,ro|rw of an ext2 root: going read-only writes everything back first and
 * marks the superblock clean, as Linux does; going read-write refuses what the driver cannot
 * write (a read-only device, unsupported ro-compat features).
 */
export function remountExt2(k: Kernel, root: FsNode, readonly: boolean): number {
  const m = storageOf(k).mounts.get(root);
  if (!m) return -EINVAL;
  if (!readonly && m.node.readonly) return -EROFS;
  if (readonly) {
    const r = m.mount.writeBack();
    if (r !== 0) return r;
  }
  const err = m.mount.ext2.remount(readonly);
  if (err) {
    k.klog.printk(err.message, KERN_ERR);
    return err.errno;
  }
  m.mount.fs.readonly = readonly;
  const f = m.node.disk.cache.sync();
  return f;
}

/** The superblock's s_uuid as %pU prints it. */
function fsUuid(e: Ext2): string {
  const h = Buffer.from(e.fs.sb.raw.subarray(104, 120)).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** umount of an ext2 root: write back, mark clean, flush the disk. Always 0 (errors are logged). */
export function umountExt2(k: Kernel, root: FsNode): number {
  const s = storageOf(k);
  const m = s.mounts.get(root);
  if (!m) return 0;
  const r = m.mount.writeBack();
  const u = m.mount.ext2.unmount();
  const f = m.node.disk.cache.sync();
  m.node.disk.cache.dropClean();
  s.mounts.delete(root);
  k.klog.printk(`EXT4-fs (${m.node.name}): unmounting filesystem ${fsUuid(m.mount.ext2)}.`);
  // As in Linux, umount goes through even when write-back failed; the failure is logged.
  const err = r !== 0 ? r : u !== 0 ? u : f;
  if (err !== 0) k.klog.printk(`EXT2-fs (${m.node.name}): error ${-err} writing back on umount`, KERN_ERR);
  return 0;
}

/** sync(2): every ext2 mount written back, every disk's cache written and flushed. */
export function syncAll(k: Kernel): number {
  const s = storageOf(k);
  let first = 0;
  for (const m of s.mounts.values()) {
    const r = m.mount.writeBack();
    if (r !== 0 && first === 0) first = r;
  }
  const d = s.disks.syncAll();
  return first !== 0 ? first : d;
}

/** statfs of a node on a mounted ext2, or undefined if it is not on one. */
export function ext2Statfs(k: Kernel, node: FsNode): ReturnType<Ext2['statfs']> | undefined {
  for (const m of storageOf(k).mounts.values()) if (m.mount.fs === node.fs) return m.mount.ext2.statfs();
  return undefined;
}
