// Directory contents: linear lookup, listing, inserting and removing entries, as Linux's
// fs/ext2/dir.c does. A directory is a whole number of blocks without holes; an entry is
// inserted into the first slack big enough (splitting the entry that owns it) or into a new
// block appended to the directory; a removed entry is merged into its predecessor, or, first
// in its block, keeps its rec_len with inode 0.

import { bmap, bmapAlloc } from './block-map';
import { EIO, ENOENT, EUCLEAN, isErr, type Errno } from './errno';
import type { Ext2Fs } from './fs';
import { EXT2_INDEX_FL, type Inode } from './inode';
import { emitEmptyDirBlock, findNameInBlock, parseDirBlock, recLenFor, scanDirBlock, writeDirEntry, type DirEntry, type RawEntry } from './dirent';

/** Directories larger than this are treated as corrupt (bounds every walk). */
const MAX_DIR_BYTES = 1 << 30;

export interface DirBlock {
  lblk: number;
  phys: number;
  data: Uint8Array;
  entries: DirEntry[];
}

/** A name found in a directory: where its entry sits, read in place. */
export interface FoundEntry extends RawEntry {
  lblk: number;
  phys: number;
  data: Uint8Array;
}

export interface Listed {
  name: Uint8Array;
  ino: number;
  fileType: number;
  /** Byte position of the entry in the directory (a getdents cookie). */
  pos: number;
}

export function dirBlockCount(fs: Ext2Fs, dir: Inode): number | Errno {
  if (dir.sizeBytes % fs.blockSizeBytes !== 0 || dir.sizeBytes > MAX_DIR_BYTES) return -EUCLEAN;
  return dir.sizeBytes / fs.blockSizeBytes;
}

export function readDirBlock(fs: Ext2Fs, dir: Inode, lblk: number): DirBlock | Errno {
  const phys = bmap(fs, dir, lblk);
  if (isErr(phys)) return phys;
  if (phys === 0) return -EUCLEAN; // a hole in a directory
  const data = fs.readBlock(phys);
  if (isErr(data)) return data;
  const entries = parseDirBlock(data);
  if (!entries) {
    fs.log.push(`EXT2-fs (${fs.name}): error: ext2_check_page: bad entry in directory block ${phys}`);
    return -EUCLEAN;
  }
  return { lblk, phys, data, entries };
}

export function findEntry(fs: Ext2Fs, dir: Inode, name: Uint8Array): FoundEntry | Errno {
  const n = dirBlockCount(fs, dir);
  if (isErr(n)) return n;
  for (let lblk = 0; lblk < n; lblk++) {
    const raw = readRawDirBlock(fs, dir, lblk, true);
    if (isErr(raw)) return raw;
    const hit = findNameInBlock(raw.data, name);
    if (hit === 'corrupt') return corrupt(fs, raw.phys);
    if (hit) return { ...hit, lblk, phys: raw.phys, data: raw.data.slice() };
  }
  return -ENOENT;
}

/** `peek`: the cached bytes, which the caller must copy before changing. */
function readRawDirBlock(fs: Ext2Fs, dir: Inode, lblk: number, peek: boolean): { phys: number; data: Uint8Array } | Errno {
  const phys = bmap(fs, dir, lblk);
  if (isErr(phys)) return phys;
  if (phys === 0) return -EUCLEAN; // a hole in a directory
  const data = peek ? fs.peekBlock(phys) : fs.readBlock(phys);
  return isErr(data) ? data : { phys, data };
}

function corrupt(fs: Ext2Fs, phys: number): Errno {
  fs.log.push(`EXT2-fs (${fs.name}): error: ext2_check_page: bad entry in directory block ${phys}`);
  return -EUCLEAN;
}

export function listEntries(fs: Ext2Fs, dir: Inode): Listed[] | Errno {
  const n = dirBlockCount(fs, dir);
  if (isErr(n)) return n;
  const out: Listed[] = [];
  for (let lblk = 0; lblk < n; lblk++) {
    const blk = readDirBlock(fs, dir, lblk);
    if (isErr(blk)) return blk;
    for (const e of blk.entries) {
      if (e.inode !== 0) out.push({ name: e.name, ino: e.inode, fileType: e.fileType, pos: lblk * fs.blockSizeBytes + e.offset });
    }
  }
  return out;
}

/** True when only "." and ".." remain. */
export function isEmptyDir(fs: Ext2Fs, dir: Inode): boolean | Errno {
  const all = listEntries(fs, dir);
  if (isErr(all)) return all;
  return all.every((e) => isDotName(e.name));
}

export function isDotName(name: Uint8Array): boolean {
  return (name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
}

/** Adds `name` → `ino`; the caller has checked it is absent. Updates and writes `dir`. */
export function addEntry(fs: Ext2Fs, dirIno: number, dir: Inode, name: Uint8Array, ino: number, fileType: number): Errno | 0 {
  const need = recLenFor(name.length);
  const n = dirBlockCount(fs, dir);
  if (isErr(n)) return n;
  // Blocks below the hint were already found too full for an entry this size.
  const hint = fs.dirSlackHint.get(dirIno);
  const from = hint && need >= hint.needBytes ? Math.min(hint.lblk, n) : 0;
  for (let lblk = from; lblk < n; lblk++) {
    const peeked = readRawDirBlock(fs, dir, lblk, true);
    if (isErr(peeked)) return peeked;
    const slot = scanDirBlock(peeked.data, (e) => e.recLen - (e.inode === 0 ? 0 : recLenFor(e.nameLen)) >= need);
    if (slot === 'corrupt') return corrupt(fs, peeked.phys);
    if (!slot) continue;
    if (from === 0 || !hint || need <= hint.needBytes) fs.dirSlackHint.set(dirIno, { lblk, needBytes: need });
    const raw = { phys: peeked.phys, data: peeked.data.slice() };
    const used = slot.inode === 0 ? 0 : recLenFor(slot.nameLen);
    if (used === 0) {
      writeDirEntry(raw.data, { offset: slot.offset, inode: ino, recLen: slot.recLen, fileType, name });
    } else {
      setRecLen(raw.data, slot.offset, used);
      writeDirEntry(raw.data, { offset: slot.offset + used, inode: ino, recLen: slot.recLen - used, fileType, name });
    }
    return finishDirWrite(fs, dirIno, dir, raw.phys, raw.data);
  }
  fs.dirSlackHint.set(dirIno, { lblk: n, needBytes: need });
  const mapped = bmapAlloc(fs, dir, n, dir.block[0]);
  if (isErr(mapped)) return mapped;
  const data = emitEmptyDirBlock(fs.blockSizeBytes);
  writeDirEntry(data, { offset: 0, inode: ino, recLen: fs.blockSizeBytes, fileType, name });
  dir.sizeBytes += fs.blockSizeBytes;
  return finishDirWrite(fs, dirIno, dir, mapped.block, data);
}

function finishDirWrite(fs: Ext2Fs, dirIno: number, dir: Inode, phys: number, data: Uint8Array): Errno | 0 {
  const w = fs.writeBlock(phys, data);
  if (w !== 0) return w;
  // An htree index would no longer describe the directory; Linux's ext2 clears it the same way.
  dir.flags &= ~EXT2_INDEX_FL;
  dir.mtime = dir.ctime = fs.nowSec();
  return fs.writeInode(dirIno, dir);
}

/** Removes a found entry; the caller updates the directory's times. */
export function removeEntry(fs: Ext2Fs, dirIno: number, found: FoundEntry): Errno | 0 {
  fs.dirSlackHint.delete(dirIno);
  if (found.prevOffset < 0) {
    found.data.fill(0, found.offset, found.offset + 4); // first in its block: inode 0, rec_len kept
  } else {
    const prevLen = found.data[found.prevOffset + 4] | (found.data[found.prevOffset + 5] << 8);
    setRecLen(found.data, found.prevOffset, prevLen + found.recLen);
  }
  const r = fs.writeBlock(found.phys, found.data);
  return r === 0 ? 0 : -EIO;
}

/** Points an existing entry at another inode (rename over a name, a moved directory's ".."). */
export function retargetEntry(fs: Ext2Fs, found: FoundEntry, ino: number, fileType: number): Errno | 0 {
  const d = found.data;
  const o = found.offset;
  d[o] = ino & 0xff;
  d[o + 1] = (ino >>> 8) & 0xff;
  d[o + 2] = (ino >>> 16) & 0xff;
  d[o + 3] = (ino >>> 24) & 0xff;
  d[o + 7] = fileType;
  return fs.writeBlock(found.phys, d);
}

function setRecLen(b: Uint8Array, offset: number, recLen: number): void {
  b[offset + 4] = recLen & 0xff;
  b[offset + 5] = (recLen >>> 8) & 0xff;
}
