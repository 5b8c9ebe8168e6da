// The MBR (DOS) partition table: four 16-byte entries at byte 446 of sector 0 and the 0x55AA
// signature at 510; extended partitions hold a chain of EBRs, each with one logical partition
// and a link to the next. Pure parsing of one sector; the chain walk is in partitions.ts.

export const MBR_SIGNATURE_OFFSET = 510;
export const MBR_ENTRIES_OFFSET = 446;
export const MBR_DISK_ID_OFFSET = 440;
export const TYPE_GPT_PROTECTIVE = 0xee;
const EXTENDED_TYPES = new Set([0x05, 0x0f, 0x85]);

export interface MbrEntry {
  /** 0..3 within its sector. */
  slot: number;
  bootable: boolean;
  type: number;
  startLba: number;
  sectorCount: number;
}

export interface MbrSector {
  diskId: number;
  entries: MbrEntry[];
}

export function isExtendedType(type: number): boolean {
  return EXTENDED_TYPES.has(type);
}

function le32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** The non-empty entries of an MBR or EBR sector, or null without the 0x55AA signature. */
export function parseMbrSector(b: Uint8Array): MbrSector | null {
  if (b.length < 512 || b[MBR_SIGNATURE_OFFSET] !== 0x55 || b[MBR_SIGNATURE_OFFSET + 1] !== 0xaa) return null;
  const entries: MbrEntry[] = [];
  for (let slot = 0; slot < 4; slot++) {
    const o = MBR_ENTRIES_OFFSET + 16 * slot;
    const type = b[o + 4];
    const sectorCount = le32(b, o + 12);
    if (type === 0 || sectorCount === 0) continue;
    entries.push({ slot, bootable: b[o] === 0x80, type, startLba: le32(b, o + 8), sectorCount });
  }
  return { diskId: le32(b, MBR_DISK_ID_OFFSET), entries };
}

/** Builds an MBR sector (for tests and for tools that partition a fresh disk). */
export function emitMbrSector(diskId: number, entries: MbrEntry[]): Uint8Array {
  const b = new Uint8Array(512);
  const v = new DataView(b.buffer);
  v.setUint32(MBR_DISK_ID_OFFSET, diskId, true);
  for (const e of entries) {
    const o = MBR_ENTRIES_OFFSET + 16 * e.slot;
    b[o] = e.bootable ? 0x80 : 0;
    b[o + 4] = e.type;
    v.setUint32(o + 8, e.startLba, true);
    v.setUint32(o + 12, e.sectorCount, true);
  }
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}
