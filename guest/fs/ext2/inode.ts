// ext2 on-disk inodes (128 bytes of classic fields, then i_extra_isize and the rest up to the
// superblock's inode size). i_blocks counts 512-byte sectors, indirect blocks included.

import { emitFields, getLe, parseFields, setLe, type FieldTable } from './fields';

export const N_DIRECT = 12;
export const IND_BLOCK = 12;
export const DIND_BLOCK = 13;
export const TIND_BLOCK = 14;
export const N_BLOCKS = 15;
/** i_block holds a fast symlink's target when it is shorter than this. */
export const FAST_SYMLINK_MAX = N_BLOCKS * 4;

import { S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO } from '../../abi/file-mode';

export { S_IFMT, S_IFSOCK, S_IFLNK, S_IFREG, S_IFBLK, S_IFDIR, S_IFCHR, S_IFIFO };

export const ROOT_INO = 2;
export const EXT2_INDEX_FL = 0x1000;
export const EXT4_HUGE_FILE_FL = 0x40000;

const TABLE = [
  ['mode', 0, 2], ['uidLo', 2, 2], ['sizeLo', 4, 4], ['atime', 8, 4], ['ctime', 12, 4], ['mtime', 16, 4],
  ['dtime', 20, 4], ['gidLo', 24, 2], ['links', 26, 2], ['blocksLo', 28, 4], ['flags', 32, 4],
  ['generation', 100, 4], ['fileAcl', 104, 4], ['sizeHigh', 108, 4], ['blocksHigh', 116, 2],
  ['uidHigh', 120, 2], ['gidHigh', 122, 2],
] as const satisfies FieldTable<string>;

type RawFields = Record<(typeof TABLE)[number][0], number>;

export interface Inode {
  mode: number;
  uid: number;
  gid: number;
  sizeBytes: number;
  atime: number;
  ctime: number;
  mtime: number;
  dtime: number;
  links: number;
  /** In 512-byte units. */
  blocks512: number;
  flags: number;
  /** 12 direct, single, double, triple indirect; a fast symlink's text for symlinks. */
  block: number[];
  generation: number;
  fileAcl: number;
  raw: Uint8Array;
}

export function fileType(mode: number): number {
  return mode & S_IFMT;
}

export function isDir(i: Inode): boolean {
  return fileType(i.mode) === S_IFDIR;
}

export function isReg(i: Inode): boolean {
  return fileType(i.mode) === S_IFREG;
}

export function isSymlink(i: Inode): boolean {
  return fileType(i.mode) === S_IFLNK;
}

/** A symlink whose target lives in i_block (no data block; an xattr block does not count). */
export function isFastSymlink(i: Inode, blockSizeBytes: number): boolean {
  const eaSectors = i.fileAcl ? blockSizeBytes / 512 : 0;
  return isSymlink(i) && i.blocks512 - eaSectors === 0;
}

export function parseInode(b: Uint8Array, offset: number, inodeSizeBytes: number): Inode {
  const raw = b.slice(offset, offset + inodeSizeBytes);
  const f: RawFields = parseFields(TABLE, raw);
  const block: number[] = [];
  for (let i = 0; i < N_BLOCKS; i++) block.push(getLe(raw, 40 + 4 * i, 4));
  // Only regular files use i_size_high as the upper size word (directories used it as i_dir_acl).
  const high = fileType(f.mode) === S_IFREG ? f.sizeHigh : 0;
  return {
    mode: f.mode,
    uid: f.uidLo | (f.uidHigh << 16),
    gid: f.gidLo | (f.gidHigh << 16),
    sizeBytes: f.sizeLo + high * 0x1_0000_0000,
    atime: f.atime,
    ctime: f.ctime,
    mtime: f.mtime,
    dtime: f.dtime,
    links: f.links,
    blocks512: f.blocksLo + f.blocksHigh * 0x1_0000_0000,
    flags: f.flags,
    block,
    generation: f.generation,
    fileAcl: f.fileAcl,
    raw,
  };
}

export function emitInode(i: Inode): Uint8Array {
  const raw = i.raw.slice();
  const f: RawFields = {
    mode: i.mode,
    uidLo: i.uid & 0xffff,
    sizeLo: i.sizeBytes % 0x1_0000_0000,
    atime: i.atime,
    ctime: i.ctime,
    mtime: i.mtime,
    dtime: i.dtime,
    gidLo: i.gid & 0xffff,
    links: i.links,
    blocksLo: i.blocks512 % 0x1_0000_0000,
    flags: i.flags,
    generation: i.generation,
    fileAcl: i.fileAcl,
    sizeHigh: fileType(i.mode) === S_IFREG ? Math.floor(i.sizeBytes / 0x1_0000_0000) : getLe(raw, 108, 4),
    blocksHigh: Math.floor(i.blocks512 / 0x1_0000_0000) & 0xffff,
    uidHigh: (i.uid >>> 16) & 0xffff,
    gidHigh: (i.gid >>> 16) & 0xffff,
  };
  emitFields(TABLE, f, raw);
  for (let k = 0; k < N_BLOCKS; k++) setLe(raw, 40 + 4 * k, 4, i.block[k] >>> 0);
  return raw;
}

/** A zeroed inode of the given size, as a freshly allocated inode starts. */
export function blankInode(inodeSizeBytes: number): Inode {
  return parseInode(new Uint8Array(inodeSizeBytes), 0, inodeSizeBytes);
}

/** Symlink text packed into i_block's 60 bytes (NUL-padded), as 15 little-endian words. */
export function packFastSymlink(target: Uint8Array): number[] {
  const bytes = new Uint8Array(FAST_SYMLINK_MAX);
  bytes.set(target);
  return Array.from({ length: N_BLOCKS }, (_, k) => getLe(bytes, 4 * k, 4));
}

export function unpackFastSymlink(block: number[], lenBytes: number): Uint8Array {
  const bytes = new Uint8Array(FAST_SYMLINK_MAX);
  block.forEach((w, k) => setLe(bytes, 4 * k, 4, w));
  return bytes.slice(0, Math.min(lenBytes, FAST_SYMLINK_MAX));
}

/**
 * Device numbers of character and block special files, stored in i_block as Linux's ext2 does:
 * the old 16-bit form in i_block[0] when major and minor fit in a byte, else the new form in
 * i_block[1]. `rdev` is the userspace st_rdev encoding (glibc's makedev for 32-bit values).
 */
export function encodeRdev(rdev: number): number[] {
  const major = ((rdev >>> 8) & 0xfff) >>> 0;
  const minor = ((rdev & 0xff) | ((rdev >>> 12) & 0xfff00)) >>> 0;
  const block = new Array<number>(N_BLOCKS).fill(0);
  if (major < 256 && minor < 256) block[0] = (major << 8) | minor;
  else block[1] = ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
  return block;
}

export function decodeRdev(block: number[]): number {
  if (block[0] !== 0) {
    const major = (block[0] >>> 8) & 0xff;
    const minor = block[0] & 0xff;
    return ((major << 8) | minor) >>> 0;
  }
  return block[1] >>> 0;
}

export function isDeviceNode(i: Inode): boolean {
  const t = fileType(i.mode);
  return t === S_IFCHR || t === S_IFBLK;
}
