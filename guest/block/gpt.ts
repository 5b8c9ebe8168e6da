// GPT (UEFI 2.x §5.3): a header at LBA 1 (and a backup at the last LBA) with CRC-32s over
// the header and over the partition entry array. Validity follows Linux's is_gpt_valid:
// signature, header size, header CRC, my_lba where it was read, usable range on the disk,
// 128-byte entries, and the entry array CRC.

import { crc32 } from './crc32';

export const GPT_SIGNATURE = 'EFI PART';
export const GPT_ENTRY_BYTES = 128;

export interface GptHeader {
  myLba: number;
  alternateLba: number;
  firstUsableLba: number;
  lastUsableLba: number;
  diskGuid: string;
  entriesLba: number;
  entryCount: number;
  entrySizeBytes: number;
  entriesCrc32: number;
}

export interface GptEntry {
  /** 1-based: Linux numbers GPT partitions by their slot in the array. */
  number: number;
  typeGuid: string;
  uniqueGuid: string;
  firstLba: number;
  lastLba: number;
  attributes: bigint;
  name: string;
}

/** Mixed-endian GUID text as sfdisk and blkid print it (upper case). */
export function formatGuid(b: Uint8Array): string {
  const h = (i: number) => b[i].toString(16).padStart(2, '0');
  const seq = (idx: number[]) => idx.map(h).join('');
  return [seq([3, 2, 1, 0]), seq([5, 4]), seq([7, 6]), seq([8, 9]), seq([10, 11, 12, 13, 14, 15])].join('-').toUpperCase();
}

function u64(v: DataView, o: number): number {
  return Number(v.getBigUint64(o, true));
}

/** The header in `sector` if it is valid when read from `lba` of a disk of `diskSectors`; else a reason. */
export function parseGptHeader(sector: Uint8Array, lba: number, diskSectors: number): GptHeader | string {
  if (sector.length < 92 || new TextDecoder('latin1').decode(sector.subarray(0, 8)) !== GPT_SIGNATURE) return 'no GPT signature';
  const v = new DataView(sector.buffer, sector.byteOffset, sector.length);
  const headerSize = v.getUint32(12, true);
  if (headerSize < 92 || headerSize > sector.length) return `header size ${headerSize}`;
  const copy = sector.slice(0, headerSize);
  copy.fill(0, 16, 20);
  if (crc32(copy) !== v.getUint32(16, true)) return 'header CRC mismatch';
  const h: GptHeader = {
    myLba: u64(v, 24), alternateLba: u64(v, 32), firstUsableLba: u64(v, 40), lastUsableLba: u64(v, 48),
    diskGuid: formatGuid(sector.subarray(56, 72)), entriesLba: u64(v, 72), entryCount: v.getUint32(80, true),
    entrySizeBytes: v.getUint32(84, true), entriesCrc32: v.getUint32(88, true),
  };
  if (h.myLba !== lba) return `my_lba ${h.myLba} read at ${lba}`;
  if (h.firstUsableLba > diskSectors - 1 || h.lastUsableLba > diskSectors - 1 || h.lastUsableLba < h.firstUsableLba) return 'usable range off the disk';
  if (h.entrySizeBytes !== GPT_ENTRY_BYTES) return `entry size ${h.entrySizeBytes}`;
  if (h.entryCount === 0 || h.entryCount > 4096) return `entry count ${h.entryCount}`;
  return h;
}

/** Checks the entry array CRC and returns the used entries (non-zero type, sane range). */
export function parseGptEntries(h: GptHeader, array: Uint8Array, diskSectors: number): GptEntry[] | string {
  if (crc32(array.subarray(0, h.entryCount * h.entrySizeBytes)) !== h.entriesCrc32) return 'partition entry array CRC mismatch';
  const out: GptEntry[] = [];
  const v = new DataView(array.buffer, array.byteOffset, array.length);
  for (let i = 0; i < h.entryCount; i++) {
    const o = i * h.entrySizeBytes;
    const type = array.subarray(o, o + 16);
    if (type.every((b) => b === 0)) continue;
    const firstLba = u64(v, o + 32);
    const lastLba = u64(v, o + 40);
    if (firstLba > lastLba || lastLba > diskSectors - 1) continue;
    const nameUnits: number[] = [];
    for (let k = 0; k < 36; k++) {
      const u = v.getUint16(o + 56 + 2 * k, true);
      if (u === 0) break;
      nameUnits.push(u);
    }
    out.push({
      number: i + 1, typeGuid: formatGuid(type), uniqueGuid: formatGuid(array.subarray(o + 16, o + 32)),
      firstLba, lastLba, attributes: v.getBigUint64(o + 48, true), name: String.fromCharCode(...nameUnits),
    });
  }
  return out;
}
