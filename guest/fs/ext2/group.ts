// Block group descriptors (32 bytes each, the table starts in the block after the superblock).

import { emitFields, parseFields, type FieldTable } from './fields';

export const GROUP_DESC_BYTES = 32;

const TABLE = [
  ['blockBitmap', 0, 4], ['inodeBitmap', 4, 4], ['inodeTable', 8, 4], ['freeBlocksCount', 12, 2],
  ['freeInodesCount', 14, 2], ['usedDirsCount', 16, 2], ['flags', 18, 2], ['itableUnused', 28, 2], ['checksum', 30, 2],
] as const satisfies FieldTable<string>;

export type GroupDesc = Record<(typeof TABLE)[number][0], number> & { raw: Uint8Array };

export function parseGroupDesc(b: Uint8Array, offset: number): GroupDesc {
  const raw = b.slice(offset, offset + GROUP_DESC_BYTES);
  return { ...parseFields(TABLE, raw), raw };
}

export function emitGroupDesc(g: GroupDesc): Uint8Array {
  return emitFields(TABLE, g, g.raw.slice());
}

export function emptyGroupDesc(): GroupDesc {
  return parseGroupDesc(new Uint8Array(GROUP_DESC_BYTES), 0);
}
