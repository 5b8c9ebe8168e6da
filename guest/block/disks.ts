// The kernel's disks (Linux's gendisk table): each virtio-blk disk behind its buffer cache,
// its partitions from the partition table, device numbers (virtblk's major 254, 16 minors
// per disk), and what /proc/partitions, /sys/block and /dev show of them.

import type { BlockDevice } from './block-device';
import { BufferCache } from './buffer-cache';
import { partitionDevice, readPartitionTable, type PartitionTable } from './partitions';

export const VIRTBLK_MAJOR = 254;
const MINORS_PER_DISK = 16;

export interface BlockDriver extends BlockDevice {
  readonly readonly: boolean;
  readonly logicalBlockBytes: number;
}

export interface BlockNode {
  /** "vda", "vda1". */
  name: string;
  major: number;
  minor: number;
  dev: BlockDevice;
  sectors: number;
  readonly: boolean;
  disk: Disk;
  /** Partition number, 0 for the whole disk. */
  partNo: number;
  startSector: number;
}

export interface Disk {
  name: string;
  driver: BlockDriver;
  cache: BufferCache;
  table: PartitionTable;
  nodes: BlockNode[];
}

/** "vda", ..., "vdz", "vdaa" (Linux's sd_format_disk_name scheme). */
export function diskName(prefix: string, index: number): string {
  let s = '';
  for (let i = index + 1; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(97 + ((i - 1) % 26)) + s;
  return prefix + s;
}

export class DiskTable {
  readonly disks: Disk[] = [];

  /** Adds a disk and scans its partition table; returns it with its boot-log lines. */
  add(driver: BlockDriver): { disk: Disk; log: string[] } {
    const name = diskName('vd', this.disks.length);
    const cache = new BufferCache(driver);
    const table = readPartitionTable(cache);
    const minor0 = this.disks.length * MINORS_PER_DISK;
    const disk: Disk = { name, driver, cache, table, nodes: [] };
    const sectors = Math.floor(driver.sizeBytes / 512);
    disk.nodes.push({ name, major: VIRTBLK_MAJOR, minor: minor0, dev: cache, sectors, readonly: driver.readonly, disk, partNo: 0, startSector: 0 });
    for (const p of table.partitions) {
      if (p.number >= MINORS_PER_DISK || p.startLba + p.sectorCount > sectors) continue;
      // An extended partition shows as a 2-sector (1 KiB) stub, as Linux shows it.
      const count = p.kind === 'extended' ? Math.min(2, p.sectorCount) : p.sectorCount;
      disk.nodes.push({
        name: `${name}${p.number}`, major: VIRTBLK_MAJOR, minor: minor0 + p.number, sectors: count,
        dev: partitionDevice(cache, { ...p, sectorCount: count }), readonly: driver.readonly, disk, partNo: p.number, startSector: p.startLba,
      });
    }
    this.disks.push(disk);
    const parts = disk.nodes.slice(1).map((n) => (n.disk.table.partitions.find((p) => p.number === n.partNo)?.kind === 'extended' ? `${n.name} <` : n.name));
    const log = [...table.warnings.map((w) => ` ${name}: ${w}`), ` ${name}:${parts.map((p) => ` ${p}`).join('')}`];
    return { disk, log };
  }

  nodes(): BlockNode[] {
    return this.disks.flatMap((d) => d.nodes);
  }

  byName(name: string): BlockNode | undefined {
    return this.nodes().find((n) => n.name === name);
  }

  byDev(major: number, minor: number): BlockNode | undefined {
    return this.nodes().find((n) => n.major === major && n.minor === minor);
  }

  /** sync(2): every disk's dirty pages to the device, then a flush. The first error wins. */
  syncAll(): number {
    let first = 0;
    for (const d of this.disks) {
      const r = d.cache.sync();
      if (r !== 0 && first === 0) first = r;
    }
    return first;
  }
}

/** /proc/partitions (block/genhd.c show_partition): "%4d  %7d %10llu %s", sizes in KiB. */
export function formatProcPartitions(nodes: readonly BlockNode[]): string {
  const head = 'major minor  #blocks  name\n\n';
  return head + nodes.map((n) => `${String(n.major).padStart(4)}  ${String(n.minor).padStart(7)} ${String(Math.floor(n.sectors / 2)).padStart(10)} ${n.name}\n`).join('');
}

/** string_get_size: three significant digits, "67.1 MB" / "64.0 MiB". */
export function formatSize(bytes: number, binary: boolean): string {
  const units = binary ? ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] : ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  const divisor = binary ? 1024 : 1000;
  let v = bytes;
  let u = 0;
  while (v >= divisor && u < units.length - 1) {
    v /= divisor;
    u++;
  }
  if (u === 0) return `${bytes} B`;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${units[u]}`;
}

/** virtio_blk's capacity line: "[vda] 131072 512-byte logical blocks (67.1 MB/64.0 MiB)". */
export function capacityLine(name: string, sizeBytes: number, logicalBlockBytes: number): string {
  const blocks = Math.floor(sizeBytes / logicalBlockBytes);
  return `[${name}] ${blocks} ${logicalBlockBytes}-byte logical blocks (${formatSize(sizeBytes, false)}/${formatSize(sizeBytes, true)})`;
}
