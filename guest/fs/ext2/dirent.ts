// ext2 directory entries: {le32 inode, le16 rec_len, u8 name_len, u8 file_type, name}.
// rec_len is a multiple of 4, at least 8 + name_len rounded up, and the entries of a block
// tile it exactly (the last one reaches the block's end). inode 0 marks an unused slot.

import { getLe, setLe } from './fields';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK } from './inode';

export const DIRENT_HEADER_BYTES = 8;
export const NAME_MAX = 255;

export const FT_UNKNOWN = 0, FT_REG_FILE = 1, FT_DIR = 2, FT_CHRDEV = 3, FT_BLKDEV = 4, FT_FIFO = 5, FT_SOCK = 6, FT_SYMLINK = 7;

export interface DirEntry {
  /** Byte offset of the entry within its block. */
  offset: number;
  inode: number;
  recLen: number;
  fileType: number;
  name: Uint8Array;
}

export function recLenFor(nameLen: number): number {
  return (DIRENT_HEADER_BYTES + nameLen + 3) & ~3;
}

export function fileTypeFromMode(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFREG: return FT_REG_FILE;
    case S_IFDIR: return FT_DIR;
    case S_IFCHR: return FT_CHRDEV;
    case S_IFBLK: return FT_BLKDEV;
    case S_IFIFO: return FT_FIFO;
    case S_IFSOCK: return FT_SOCK;
    case S_IFLNK: return FT_SYMLINK;
    default: return FT_UNKNOWN;
  }
}

/** Every entry of one directory block, or null when the block breaks the rec_len rules. */
export function parseDirBlock(b: Uint8Array): DirEntry[] | null {
  const out: DirEntry[] = [];
  let off = 0;
  while (off < b.length) {
    if (off + DIRENT_HEADER_BYTES > b.length) return null;
    const inode = getLe(b, off, 4);
    const recLen = getLe(b, off + 4, 2);
    const nameLen = b[off + 6];
    // Linux's ext2_check_page: rec_len at least EXT2_DIR_REC_LEN(1) = 12.
    if (recLen < 12 || recLen % 4 !== 0 || off + recLen > b.length || (inode !== 0 && recLenFor(nameLen) > recLen)) return null;
    out.push({ offset: off, inode, recLen, fileType: b[off + 7], name: b.slice(off + DIRENT_HEADER_BYTES, off + DIRENT_HEADER_BYTES + nameLen) });
    off += recLen;
  }
  return out;
}

export function writeDirEntry(b: Uint8Array, e: DirEntry): void {
  setLe(b, e.offset, 4, e.inode);
  setLe(b, e.offset + 4, 2, e.recLen);
  b[e.offset + 6] = e.name.length;
  b[e.offset + 7] = e.fileType;
  b.set(e.name, e.offset + DIRENT_HEADER_BYTES);
}

/** A fresh directory block holding "." and "..", as mkdir writes it. */
export function emitDotBlock(blockSizeBytes: number, self: number, parent: number): Uint8Array {
  const b = new Uint8Array(blockSizeBytes);
  writeDirEntry(b, { offset: 0, inode: self, recLen: 12, fileType: FT_DIR, name: Uint8Array.of(0x2e) });
  writeDirEntry(b, { offset: 12, inode: parent, recLen: blockSizeBytes - 12, fileType: FT_DIR, name: Uint8Array.of(0x2e, 0x2e) });
  return b;
}

/** An empty directory block (one unused entry spanning it), for growing a directory. */
export function emitEmptyDirBlock(blockSizeBytes: number): Uint8Array {
  const b = new Uint8Array(blockSizeBytes);
  setLe(b, 4, 2, blockSizeBytes);
  return b;
}

/** One entry's header read in place (no name copy), for the hot lookup and insert paths. */
export interface RawEntry {
  offset: number;
  prevOffset: number;
  inode: number;
  recLen: number;
  nameLen: number;
}

/**
 * Walks a block's entries in place, calling `visit` until it returns true; returns that entry,
 * null when none matched, or 'corrupt' when the rec_len rules are broken (as parseDirBlock).
 */
export function scanDirBlock(b: Uint8Array, visit: (e: RawEntry) => boolean): RawEntry | null | 'corrupt' {
  let off = 0;
  let prev = -1;
  while (off < b.length) {
    if (off + DIRENT_HEADER_BYTES > b.length) return 'corrupt';
    const inode = getLe(b, off, 4);
    const recLen = getLe(b, off + 4, 2);
    const nameLen = b[off + 6];
    if (recLen < 12 || recLen % 4 !== 0 || off + recLen > b.length || (inode !== 0 && recLenFor(nameLen) > recLen)) return 'corrupt';
    const e = { offset: off, prevOffset: prev, inode, recLen, nameLen };
    if (visit(e)) return e;
    prev = off;
    off += recLen;
  }
  return null;
}


/** scanDirBlock specialised for lookups: no allocation until the name is found. */
export function findNameInBlock(b: Uint8Array, name: Uint8Array): RawEntry | null | 'corrupt' {
  let off = 0;
  let prev = -1;
  const len = name.length;
  while (off < b.length) {
    if (off + DIRENT_HEADER_BYTES > b.length) return 'corrupt';
    const recLen = b[off + 4] | (b[off + 5] << 8);
    const nameLen = b[off + 6];
    const used = b[off] | b[off + 1] | b[off + 2] | b[off + 3];
    if (recLen < 12 || (recLen & 3) !== 0 || off + recLen > b.length || (used !== 0 && ((DIRENT_HEADER_BYTES + nameLen + 3) & ~3) > recLen)) return 'corrupt';
    if (used !== 0 && nameLen === len && b[off + 8] === name[0]) {
      let i = 1;
      while (i < len && b[off + 8 + i] === name[i]) i++;
      if (i === len) return { offset: off, prevOffset: prev, inode: getLe(b, off, 4), recLen, nameLen };
    }
    prev = off;
    off += recLen;
  }
  return null;
}
