// File data: reading with holes as zeroes, writing with block allocation (read-modify-write of
// partial blocks), truncation, and releasing an inode whose last link is gone.

import { bmap, bmapAlloc, truncateBlocks } from './block-map';
import { EFBIG, ENOSPC, isErr, type Errno } from './errno';
import type { Ext2Fs } from './fs';
import { isDeviceNode, isDir, isFastSymlink, isReg, N_BLOCKS, type Inode } from './inode';
import { RO_COMPAT_LARGE_FILE } from './superblock';

/** The largest file the block map can address at this block size. */
export function maxFileBytes(blockSizeBytes: number): number {
  const p = blockSizeBytes / 4;
  return (12 + p + p * p + p * p * p) * blockSizeBytes;
}

export function readData(fs: Ext2Fs, inode: Inode, offsetBytes: number, lenBytes: number): Uint8Array | Errno {
  const end = Math.min(inode.sizeBytes, offsetBytes + lenBytes);
  if (offsetBytes >= end) return new Uint8Array(0);
  const out = new Uint8Array(end - offsetBytes);
  const bs = fs.blockSizeBytes;
  let pos = offsetBytes;
  while (pos < end) {
    const lblk = Math.floor(pos / bs);
    const inBlock = pos % bs;
    const n = Math.min(bs - inBlock, end - pos);
    const phys = bmap(fs, inode, lblk);
    if (isErr(phys)) return phys;
    if (phys !== 0) {
      const b = fs.readBlock(phys);
      if (isErr(b)) return b;
      out.set(b.subarray(inBlock, inBlock + n), pos - offsetBytes);
    }
    pos += n;
  }
  return out;
}

/** Writes `data` at `offsetBytes`; returns bytes written (short on ENOSPC) or -errno. The caller writes the inode. */
export function writeData(fs: Ext2Fs, inode: Inode, ino: number, offsetBytes: number, data: Uint8Array): number | Errno {
  const bs = fs.blockSizeBytes;
  if (offsetBytes + data.length > maxFileBytes(bs)) return -EFBIG;
  const goalBase = fs.sb.firstDataBlock + Math.floor((ino - 1) / fs.sb.inodesPerGroup) * fs.sb.blocksPerGroup;
  let done = 0;
  while (done < data.length) {
    const pos = offsetBytes + done;
    const lblk = Math.floor(pos / bs);
    const inBlock = pos % bs;
    const n = Math.min(bs - inBlock, data.length - done);
    const goal = lblk > 0 ? nearGoal(fs, inode, lblk - 1, goalBase) : goalBase;
    const mapped = bmapAlloc(fs, inode, lblk, goal);
    if (isErr(mapped)) {
      if (mapped === -ENOSPC && done > 0) break;
      return mapped;
    }
    let block: Uint8Array;
    if (n === bs) block = data.subarray(done, done + n);
    else {
      const old = mapped.fresh ? new Uint8Array(bs) : fs.readBlock(mapped.block);
      if (isErr(old)) return old;
      old.set(data.subarray(done, done + n), inBlock);
      block = old;
    }
    const w = fs.writeBlock(mapped.block, block);
    if (w !== 0) return w;
    done += n;
  }
  if (offsetBytes + done > inode.sizeBytes) {
    inode.sizeBytes = offsetBytes + done;
    if (inode.sizeBytes > 0x7fffffff) setLargeFile(fs);
  }
  return done;
}

function nearGoal(fs: Ext2Fs, inode: Inode, prevLblk: number, fallback: number): number {
  const prev = bmap(fs, inode, prevLblk);
  return !isErr(prev) && prev > 0 ? prev + 1 : fallback;
}

function setLargeFile(fs: Ext2Fs): void {
  if (!(fs.sb.featureRoCompat & RO_COMPAT_LARGE_FILE)) fs.sb.featureRoCompat |= RO_COMPAT_LARGE_FILE;
}

/** Sets the size, freeing blocks past it and zeroing the tail of a kept partial block. */
export function truncateData(fs: Ext2Fs, inode: Inode, sizeBytes: number): Errno | 0 {
  const bs = fs.blockSizeBytes;
  if (sizeBytes > maxFileBytes(bs)) return -EFBIG;
  if (sizeBytes < inode.sizeBytes) {
    const keep = Math.ceil(sizeBytes / bs);
    if (!isFastSymlink(inode, bs)) {
      const r = truncateBlocks(fs, inode, keep);
      if (r !== 0) return r;
    } else {
      inode.block = new Array<number>(N_BLOCKS).fill(0);
    }
    if (sizeBytes % bs !== 0 && !isFastSymlink(inode, bs)) {
      const phys = bmap(fs, inode, keep - 1);
      if (isErr(phys)) return phys;
      if (phys > 0) {
        const b = fs.readBlock(phys);
        if (isErr(b)) return b;
        b.fill(0, sizeBytes % bs);
        const w = fs.writeBlock(phys, b);
        if (w !== 0) return w;
      }
    }
  }
  inode.sizeBytes = sizeBytes;
  if (sizeBytes > 0x7fffffff && isReg(inode)) setLargeFile(fs);
  return 0;
}

/** Frees an inode with no links left: its blocks, then its bitmap bit; dtime marks it deleted. */
export function releaseInode(fs: Ext2Fs, ino: number, inode: Inode): Errno | 0 {
  const dir = isDir(inode);
  fs.dirSlackHint.delete(ino);
  // Fast symlinks and device nodes keep text or a device number in i_block, not block pointers.
  if (!isFastSymlink(inode, fs.blockSizeBytes) && !isDeviceNode(inode)) {
    const r = truncateBlocks(fs, inode, 0);
    if (r !== 0) return r;
  } else {
    inode.block = new Array<number>(N_BLOCKS).fill(0);
  }
  inode.sizeBytes = 0;
  inode.links = 0;
  inode.dtime = fs.nowSec();
  const w = fs.writeInode(ino, inode);
  if (w !== 0) return w;
  fs.freeInodeNumber(ino, dir);
  return 0;
}
