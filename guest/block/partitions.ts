// Reading a disk's partition table as Linux's block/partitions code does: GPT when sector 0
// holds a protective MBR (primary header at LBA 1, the backup at the last LBA when the
// primary is bad), otherwise MBR with logical partitions from the extended chain numbered
// from 5. Partitions become devices through SliceBlockDevice.

import { SliceBlockDevice, type BlockDevice } from './block-device';
import { parseGptEntries, parseGptHeader, type GptEntry, type GptHeader } from './gpt';
import { isExtendedType, parseMbrSector, TYPE_GPT_PROTECTIVE, type MbrEntry } from './mbr';

export const SECTOR_BYTES = 512;
/** Bound on the EBR chain (Linux stops at its partition limit too). */
const MAX_LOGICAL = 128;

export interface Partition {
  /** Linux's number: vdaN. */
  number: number;
  startLba: number;
  sectorCount: number;
  kind: 'primary' | 'extended' | 'logical' | 'gpt';
  mbrType?: number;
  bootable?: boolean;
  typeGuid?: string;
  uuid?: string;
  name?: string;
}

export interface PartitionTable {
  scheme: 'mbr' | 'gpt' | 'none';
  /** MBR: "0x%08x" disk signature; GPT: disk GUID. */
  diskId: string;
  partitions: Partition[];
  /** Kernel-log style notes, e.g. that the backup GPT header was used. */
  warnings: string[];
}

function readSectors(dev: BlockDevice, lba: number, count: number): Uint8Array | null {
  const b = new Uint8Array(count * SECTOR_BYTES);
  if (lba < 0 || (lba + count) * SECTOR_BYTES > dev.sizeBytes) return null;
  return dev.read(lba * SECTOR_BYTES, b) === 0 ? b : null;
}

export function readPartitionTable(dev: BlockDevice): PartitionTable {
  const none: PartitionTable = { scheme: 'none', diskId: '', partitions: [], warnings: [] };
  const s0 = readSectors(dev, 0, 1);
  const mbr = s0 && parseMbrSector(s0);
  if (!mbr) return none;
  if (mbr.entries.some((e) => e.type === TYPE_GPT_PROTECTIVE)) return readGpt(dev) ?? none;
  return readMbr(dev, mbr.diskId, mbr.entries);
}

function readMbr(dev: BlockDevice, diskId: number, entries: MbrEntry[]): PartitionTable {
  const t: PartitionTable = { scheme: 'mbr', diskId: '0x' + diskId.toString(16).padStart(8, '0'), partitions: [], warnings: [] };
  let nextLogical = 5;
  for (const e of entries) {
    const extended = isExtendedType(e.type);
    // Linux exposes an extended partition as a 2-sector stub so nobody mkfs'es over the chain.
    t.partitions.push({ number: e.slot + 1, startLba: e.startLba, sectorCount: extended ? Math.min(2, e.sectorCount) : e.sectorCount, kind: extended ? 'extended' : 'primary', mbrType: e.type, bootable: e.bootable });
    if (extended) nextLogical = readLogicals(dev, e.startLba, e.sectorCount, t, nextLogical);
  }
  return t;
}

function readLogicals(dev: BlockDevice, extStart: number, extSectors: number, t: PartitionTable, first: number): number {
  let number = first;
  let ebr = extStart;
  const seen = new Set<number>();
  for (let k = 0; k < MAX_LOGICAL; k++) {
    if (seen.has(ebr)) {
      t.warnings.push(`EBR chain loops at sector ${ebr}`);
      break;
    }
    seen.add(ebr);
    const s = readSectors(dev, ebr, 1);
    const sec = s && parseMbrSector(s);
    if (!sec) break;
    const data = sec.entries.find((e) => !isExtendedType(e.type));
    const link = sec.entries.find((e) => isExtendedType(e.type));
    if (data) t.partitions.push({ number: number++, startLba: ebr + data.startLba, sectorCount: data.sectorCount, kind: 'logical', mbrType: data.type, bootable: data.bootable });
    if (!link || link.startLba >= extSectors) break;
    ebr = extStart + link.startLba;
  }
  return number;
}

function readGpt(dev: BlockDevice): PartitionTable | null {
  const diskSectors = Math.floor(dev.sizeBytes / SECTOR_BYTES);
  const warnings: string[] = [];
  const primary = loadGpt(dev, 1, diskSectors);
  let chosen = typeof primary === 'string' ? null : primary;
  if (!chosen) {
    const backup = loadGpt(dev, diskSectors - 1, diskSectors);
    if (typeof backup === 'string') {
      warnings.push(`GPT: primary header invalid (${primary}), backup invalid (${backup})`);
      return { scheme: 'none', diskId: '', partitions: [], warnings };
    }
    warnings.push(`GPT: Primary header invalid (${primary}), using alternate GPT.`);
    chosen = backup;
  }
  const partitions: Partition[] = chosen.entries.map((e) => ({
    number: e.number, startLba: e.firstLba, sectorCount: e.lastLba - e.firstLba + 1, kind: 'gpt', typeGuid: e.typeGuid, uuid: e.uniqueGuid, name: e.name,
  }));
  return { scheme: 'gpt', diskId: chosen.header.diskGuid, partitions, warnings };
}

function loadGpt(dev: BlockDevice, lba: number, diskSectors: number): { header: GptHeader; entries: GptEntry[] } | string {
  const s = readSectors(dev, lba, 1);
  if (!s) return 'unreadable';
  const h = parseGptHeader(s, lba, diskSectors);
  if (typeof h === 'string') return h;
  const arraySectors = Math.ceil((h.entryCount * h.entrySizeBytes) / SECTOR_BYTES);
  const array = readSectors(dev, h.entriesLba, arraySectors);
  if (!array) return 'entry array off the disk';
  const entries = parseGptEntries(h, array, diskSectors);
  if (typeof entries === 'string') return entries;
  return { header: h, entries };
}

/** A partition as a block device of its own. */
export function partitionDevice(dev: BlockDevice, p: Partition): SliceBlockDevice {
  return new SliceBlockDevice(dev, p.startLba * SECTOR_BYTES, p.sectorCount * SECTOR_BYTES);
}
