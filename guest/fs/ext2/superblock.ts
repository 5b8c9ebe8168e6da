// The ext2 superblock (1024 bytes at byte offset 1024 of the filesystem), revision 0 and 1
// fields as in Linux's ext2_super_block / e2fsprogs' ext2_fs.h, plus the feature bits.

import { emitFields, parseFields, type FieldTable } from './fields';

export const SUPERBLOCK_OFFSET = 1024;
export const SUPERBLOCK_BYTES = 1024;
export const EXT2_MAGIC = 0xef53;
export const EXT2_VALID_FS = 1;
export const EXT2_ERROR_FS = 2;
export const EXT2_DYNAMIC_REV = 1;
export const EXT2_GOOD_OLD_INODE_SIZE = 128;
export const EXT2_GOOD_OLD_FIRST_INO = 11;

export const COMPAT = { DIR_PREALLOC: 0x1, IMAGIC_INODES: 0x2, HAS_JOURNAL: 0x4, EXT_ATTR: 0x8, RESIZE_INODE: 0x10, DIR_INDEX: 0x20, SPARSE_SUPER2: 0x200 } as const;
export const INCOMPAT_NAMES: Record<number, string> = {
  0x1: 'compression', 0x2: 'filetype', 0x4: 'needs_recovery', 0x8: 'journal_dev', 0x10: 'meta_bg', 0x40: 'extent',
  0x80: '64bit', 0x100: 'mmp', 0x200: 'flex_bg', 0x400: 'ea_inode', 0x1000: 'dirdata', 0x2000: 'metadata_csum_seed',
  0x4000: 'large_dir', 0x8000: 'inline_data', 0x10000: 'encrypt', 0x20000: 'casefold',
};
export const RO_COMPAT_NAMES: Record<number, string> = {
  0x1: 'sparse_super', 0x2: 'large_file', 0x4: 'btree_dir', 0x8: 'huge_file', 0x10: 'uninit_bg', 0x20: 'dir_nlink',
  0x40: 'extra_isize', 0x100: 'quota', 0x200: 'bigalloc', 0x400: 'metadata_csum', 0x1000: 'readonly', 0x2000: 'project',
  0x8000: 'verity', 0x10000: 'orphan_present',
};
export const INCOMPAT_FILETYPE = 0x2;
export const RO_COMPAT_SPARSE_SUPER = 0x1;
export const RO_COMPAT_LARGE_FILE = 0x2;
/** What this library reads and writes correctly. */
export const SUPPORTED_INCOMPAT = INCOMPAT_FILETYPE;
export const SUPPORTED_RO_COMPAT = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE | 0x4;

const TABLE = [
  ['inodesCount', 0, 4], ['blocksCount', 4, 4], ['rBlocksCount', 8, 4], ['freeBlocksCount', 12, 4],
  ['freeInodesCount', 16, 4], ['firstDataBlock', 20, 4], ['logBlockSize', 24, 4], ['logFragSize', 28, 4],
  ['blocksPerGroup', 32, 4], ['fragsPerGroup', 36, 4], ['inodesPerGroup', 40, 4], ['mtime', 44, 4],
  ['wtime', 48, 4], ['mntCount', 52, 2], ['maxMntCount', 54, 2], ['magic', 56, 2], ['state', 58, 2],
  ['errors', 60, 2], ['minorRevLevel', 62, 2], ['lastCheck', 64, 4], ['checkInterval', 68, 4],
  ['creatorOs', 72, 4], ['revLevel', 76, 4], ['defResuid', 80, 2], ['defResgid', 82, 2], ['firstIno', 84, 4],
  ['inodeSize', 88, 2], ['blockGroupNr', 90, 2], ['featureCompat', 92, 4], ['featureIncompat', 96, 4],
  ['featureRoCompat', 100, 4], ['reservedGdtBlocks', 206, 2], ['defHashVersion', 252, 1], ['descSize', 254, 2],
  ['mkfsTime', 264, 4], ['minExtraIsize', 348, 2], ['wantExtraIsize', 350, 2],
] as const satisfies FieldTable<string>;

export type SuperblockFields = Record<(typeof TABLE)[number][0], number>;

export interface Superblock extends SuperblockFields {
  /** All 1024 bytes as read, so fields we do not model survive a rewrite. */
  raw: Uint8Array;
}

export function parseSuperblock(b: Uint8Array): Superblock {
  const raw = b.slice(0, SUPERBLOCK_BYTES);
  return { ...parseFields(TABLE, raw), raw };
}

export function emitSuperblock(sb: Superblock): Uint8Array {
  return emitFields(TABLE, sb, sb.raw.slice());
}

export function blockSizeOf(sb: SuperblockFields): number {
  return 1024 << sb.logBlockSize;
}

export function groupCountOf(sb: SuperblockFields): number {
  return Math.ceil((sb.blocksCount - sb.firstDataBlock) / sb.blocksPerGroup);
}

export function inodeSizeOf(sb: SuperblockFields): number {
  return sb.revLevel === 0 ? EXT2_GOOD_OLD_INODE_SIZE : sb.inodeSize;
}

export function firstInoOf(sb: SuperblockFields): number {
  return sb.revLevel === 0 ? EXT2_GOOD_OLD_FIRST_INO : sb.firstIno;
}

/** With sparse_super, backups live only in groups 0, 1 and powers of 3, 5 and 7. */
export function groupHasSuper(sb: SuperblockFields, group: number): boolean {
  if (!(sb.featureRoCompat & RO_COMPAT_SPARSE_SUPER) || group <= 1) return true;
  for (const base of [3, 5, 7]) {
    let p = base;
    while (p < group) p *= base;
    if (p === group) return true;
  }
  return false;
}

/** Names of the bits in `mask` (hex for unnamed ones), for mount refusal messages. */
export function featureNames(mask: number, names: Record<number, string>): string {
  const out: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const v = (1 << bit) >>> 0;
    if (mask & v) out.push(names[v] ?? `0x${v.toString(16)}`);
  }
  return out.join(' ');
}
