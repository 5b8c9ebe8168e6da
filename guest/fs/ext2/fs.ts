// An ext2 filesystem over a BlockDevice: mount checks, block and inode I/O, allocation with
// the group bitmaps, free counts, and sync/unmount. The namespace and file operations built on
// these live in dir.ts, file.ts and ops.ts. Every value read from disk is bounds-checked;
// corruption comes back as -EUCLEAN (the kernel's EFSCORRUPTED), never as a host exception.

import type { BlockDevice } from '../../block/block-device';
import { clearBit, findClear, setBit, testBit } from './bitmap';
import type { BlockStore } from './block-map';
import { EINVAL, EIO, ENOSPC, EROFS, EUCLEAN, isErr, type Errno } from './errno';
import { emitGroupDesc, GROUP_DESC_BYTES, parseGroupDesc, type GroupDesc } from './group';
import { emitInode, parseInode, type Inode } from './inode';
import {
  blockSizeOf, EXT2_MAGIC, EXT2_VALID_FS, emitSuperblock, featureNames, firstInoOf, groupCountOf, INCOMPAT_NAMES,
  inodeSizeOf, parseSuperblock, RO_COMPAT_NAMES, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSET, SUPPORTED_INCOMPAT,
  SUPPORTED_RO_COMPAT, type Superblock,
} from './superblock';

const PEEK_CACHE_BLOCKS = 16384;

export interface MountOptions {
  readonly?: boolean;
  /** Seconds since the epoch for timestamps; defaults to the superblock's last write time. */
  nowSec?: () => number;
  /** Device name for log lines ("vda1"). */
  name?: string;
}

export interface MountError {
  errno: Errno;
  message: string;
}

export class Ext2Fs implements BlockStore {
  readonly blockSizeBytes: number;
  readonly inodeSizeBytes: number;
  readonly groupCount: number;
  readonly firstIno: number;
  /** Kernel-log lines (errors found while running). */
  readonly log: string[] = [];
  private readonly bitmaps = new Map<number, Uint8Array>();
  /** Directory blocks seen by peekBlock, kept coherent by writeBlock; bounded. */
  private readonly peeked = new Map<number, Uint8Array>();
  /** Per directory: blocks below `lblk` hold no slack of `needBytes` or more (see dir.ts addEntry). */
  readonly dirSlackHint = new Map<number, { lblk: number; needBytes: number }>();
  private metaDirty = false;
  private mounted = true;
  readonly nowSec: () => number;

  private constructor(
    readonly dev: BlockDevice,
    readonly sb: Superblock,
    readonly groups: GroupDesc[],
    private ro: boolean,
    readonly name: string,
    nowSec: (() => number) | undefined,
  ) {
    this.blockSizeBytes = blockSizeOf(sb);
    this.inodeSizeBytes = inodeSizeOf(sb);
    this.groupCount = groups.length;
    this.firstIno = firstInoOf(sb);
    const fallback = sb.wtime;
    this.nowSec = nowSec ?? (() => fallback);
  }

  static mount(dev: BlockDevice, opts: MountOptions = {}): Ext2Fs | MountError {
    const name = opts.name ?? 'vda';
    const fail = (errno: number, what: string): MountError => ({ errno: -errno, message: `EXT2-fs (${name}): error: ${what}` });
    const raw = new Uint8Array(SUPERBLOCK_BYTES);
    if (dev.sizeBytes < SUPERBLOCK_OFFSET + SUPERBLOCK_BYTES || dev.read(SUPERBLOCK_OFFSET, raw) !== 0) return fail(EINVAL, `unable to read superblock`);
    const sb = parseSuperblock(raw);
    if (sb.magic !== EXT2_MAGIC) return fail(EINVAL, `can't find an ext2 filesystem on dev ${name}.`);
    const bad = checkGeometry(sb, dev.sizeBytes);
    if (bad) return fail(EUCLEAN, bad);
    const unsupported = sb.featureIncompat & ~SUPPORTED_INCOMPAT;
    if (unsupported) return fail(EINVAL, `couldn't mount because of unsupported optional features (${unsupported.toString(16)}: ${featureNames(unsupported, INCOMPAT_NAMES)})`);
    const roOnly = sb.featureRoCompat & ~SUPPORTED_RO_COMPAT;
    if (roOnly && !opts.readonly) return fail(EROFS, `couldn't mount RDWR because of unsupported optional features (${roOnly.toString(16)}: ${featureNames(roOnly, RO_COMPAT_NAMES)})`);
    const groups = readGroups(dev, sb);
    if (typeof groups === 'string') return fail(EUCLEAN, groups);
    const fs = new Ext2Fs(dev, sb, groups, opts.readonly ?? false, name, opts.nowSec);
    if (!fs.readonly) {
      // As Linux does: the filesystem is "not clean" while mounted read-write.
      sb.mntCount = (sb.mntCount + 1) & 0xffff;
      sb.mtime = fs.nowSec();
      sb.state &= ~EXT2_VALID_FS;
      fs.metaDirty = true;
      const r = fs.sync();
      if (r !== 0) return fail(EIO, 'unable to write superblock');
    }
    return fs;
  }

  get readonly(): boolean {
    return this.ro;
  }

  /** mount -o remount,ro / rw: going read-only syncs and marks the filesystem clean. */
  remount(readonly: boolean): MountError | null {
    if (readonly === this.ro || !this.mounted) return null;
    if (readonly) {
      this.sb.state |= EXT2_VALID_FS;
      this.metaDirty = true;
      if (this.sync() !== 0) return { errno: -EIO, message: `EXT2-fs (${this.name}): error: unable to write superblock` };
      this.ro = true;
      return null;
    }
    const roOnly = this.sb.featureRoCompat & ~SUPPORTED_RO_COMPAT;
    if (roOnly) return { errno: -EROFS, message: `EXT2-fs (${this.name}): error: couldn't remount RDWR because of unsupported optional features (${roOnly.toString(16)}: ${featureNames(roOnly, RO_COMPAT_NAMES)})` };
    this.ro = false;
    this.sb.state &= ~EXT2_VALID_FS;
    this.metaDirty = true;
    return this.sync() === 0 ? null : { errno: -EIO, message: `EXT2-fs (${this.name}): error: unable to write superblock` };
  }

  // ---- blocks ---------------------------------------------------------------------------

  validBlock(n: number): boolean {
    return Number.isInteger(n) && n >= this.sb.firstDataBlock && n < this.sb.blocksCount;
  }

  readBlock(n: number): Uint8Array | Errno {
    const b = new Uint8Array(this.blockSizeBytes);
    if (n < 0 || n >= this.sb.blocksCount) return -EUCLEAN;
    return this.dev.read(n * this.blockSizeBytes, b) === 0 ? b : -EIO;
  }

  writeBlock(n: number, data: Uint8Array): Errno | 0 {
    if (this.readonly) return -EROFS;
    if (!this.validBlock(n)) return -EUCLEAN;
    const cached = this.peeked.get(n);
    if (cached) cached.set(data);
    return this.dev.write(n * this.blockSizeBytes, data) === 0 ? 0 : -EIO;
  }

  /** A block's current bytes for scanning only: the caller must not modify them. */
  peekBlock(n: number): Uint8Array | Errno {
    const hit = this.peeked.get(n);
    if (hit) return hit;
    const b = this.readBlock(n);
    if (isErr(b)) return b;
    if (this.peeked.size >= PEEK_CACHE_BLOCKS) this.peeked.clear();
    this.peeked.set(n, b);
    return b;
  }

  allocBlock(goal: number): number | Errno {
    if (this.readonly) return -EROFS;
    const bpg = this.sb.blocksPerGroup;
    const goalOk = this.validBlock(goal);
    const goalGroup = goalOk ? Math.floor((goal - this.sb.firstDataBlock) / bpg) : 0;
    for (let k = 0; k < this.groupCount; k++) {
      const g = (goalGroup + k) % this.groupCount;
      const gd = this.groups[g];
      if (gd.freeBlocksCount === 0) continue;
      const bm = this.bitmap(gd.blockBitmap);
      if (isErr(bm)) return bm;
      const limit = this.blocksInGroup(g);
      const start = k === 0 && goalOk ? (goal - this.sb.firstDataBlock) % bpg : 0;
      let bit = findClear(bm, start, limit);
      if (bit < 0) bit = findClear(bm, 0, start);
      if (bit < 0) continue;
      setBit(bm, bit);
      this.writeBitmap(gd.blockBitmap, bm);
      gd.freeBlocksCount--;
      this.sb.freeBlocksCount--;
      this.metaDirty = true;
      return this.sb.firstDataBlock + g * bpg + bit;
    }
    return -ENOSPC;
  }

  freeBlock(n: number): void {
    if (!this.validBlock(n)) return;
    const g = Math.floor((n - this.sb.firstDataBlock) / this.sb.blocksPerGroup);
    const gd = this.groups[g];
    const bm = this.bitmap(gd.blockBitmap);
    if (isErr(bm)) return;
    const bit = (n - this.sb.firstDataBlock) % this.sb.blocksPerGroup;
    if (!testBit(bm, bit)) {
      this.log.push(`EXT2-fs (${this.name}): error: ext2_free_blocks: bit already cleared for block ${n}`);
      return;
    }
    clearBit(bm, bit);
    this.writeBitmap(gd.blockBitmap, bm);
    gd.freeBlocksCount++;
    this.sb.freeBlocksCount++;
    this.metaDirty = true;
  }

  // ---- inodes ---------------------------------------------------------------------------

  validIno(ino: number): boolean {
    return Number.isInteger(ino) && ino >= 1 && ino <= this.sb.inodesCount;
  }

  private inodeLocation(ino: number): { block: number; offset: number } {
    const index = (ino - 1) % this.sb.inodesPerGroup;
    const gd = this.groups[Math.floor((ino - 1) / this.sb.inodesPerGroup)];
    const byte = index * this.inodeSizeBytes;
    return { block: gd.inodeTable + Math.floor(byte / this.blockSizeBytes), offset: byte % this.blockSizeBytes };
  }

  readInode(ino: number): Inode | Errno {
    if (!this.validIno(ino)) return -EUCLEAN;
    const loc = this.inodeLocation(ino);
    const b = this.readBlock(loc.block);
    if (isErr(b)) return b;
    return parseInode(b, loc.offset, this.inodeSizeBytes);
  }

  writeInode(ino: number, inode: Inode): Errno | 0 {
    if (this.readonly) return -EROFS;
    if (!this.validIno(ino)) return -EUCLEAN;
    const loc = this.inodeLocation(ino);
    const b = this.readBlock(loc.block);
    if (isErr(b)) return b;
    b.set(emitInode(inode), loc.offset);
    return this.writeBlock(loc.block, b);
  }

  /** A free inode number, marked used: directories spread to the emptiest group, files stay near their parent. */
  allocInode(parentIno: number, dir: boolean): number | Errno {
    if (this.readonly) return -EROFS;
    const ipg = this.sb.inodesPerGroup;
    let start = this.validIno(parentIno) ? Math.floor((parentIno - 1) / ipg) : 0;
    if (dir) start = this.groups.reduce((best, g, i) => (g.freeInodesCount > this.groups[best].freeInodesCount ? i : best), 0);
    for (let k = 0; k < this.groupCount; k++) {
      const g = (start + k) % this.groupCount;
      const gd = this.groups[g];
      if (gd.freeInodesCount === 0) continue;
      const bm = this.bitmap(gd.inodeBitmap);
      if (isErr(bm)) return bm;
      const from = g === 0 ? this.firstIno - 1 : 0;
      const bit = findClear(bm, from, ipg);
      if (bit < 0) continue;
      setBit(bm, bit);
      this.writeBitmap(gd.inodeBitmap, bm);
      gd.freeInodesCount--;
      if (dir) gd.usedDirsCount++;
      this.sb.freeInodesCount--;
      this.metaDirty = true;
      return g * ipg + bit + 1;
    }
    return -ENOSPC;
  }

  freeInodeNumber(ino: number, dir: boolean): void {
    if (!this.validIno(ino)) return;
    const g = Math.floor((ino - 1) / this.sb.inodesPerGroup);
    const gd = this.groups[g];
    const bm = this.bitmap(gd.inodeBitmap);
    if (isErr(bm)) return;
    const bit = (ino - 1) % this.sb.inodesPerGroup;
    if (!testBit(bm, bit)) {
      this.log.push(`EXT2-fs (${this.name}): error: ext2_free_inode: bit already cleared for inode ${ino}`);
      return;
    }
    clearBit(bm, bit);
    this.writeBitmap(gd.inodeBitmap, bm);
    gd.freeInodesCount++;
    if (dir && gd.usedDirsCount > 0) gd.usedDirsCount--;
    this.sb.freeInodesCount++;
    this.metaDirty = true;
  }

  // ---- superblock, descriptors, lifecycle ----------------------------------------------

  /** Writes the superblock and group descriptors if they changed, then syncs the device. */
  sync(): Errno | 0 {
    if (this.readonly || !this.mounted) return 0;
    if (this.metaDirty) {
      this.sb.wtime = this.nowSec();
      if (this.dev.write(SUPERBLOCK_OFFSET, emitSuperblock(this.sb)) !== 0) return -EIO;
      const table = new Uint8Array(Math.ceil((this.groupCount * GROUP_DESC_BYTES) / this.blockSizeBytes) * this.blockSizeBytes);
      const existing = this.dev.read(this.gdtBlock() * this.blockSizeBytes, table);
      if (existing !== 0) return -EIO;
      this.groups.forEach((g, i) => table.set(emitGroupDesc(g), i * GROUP_DESC_BYTES));
      if (this.dev.write(this.gdtBlock() * this.blockSizeBytes, table) !== 0) return -EIO;
      this.metaDirty = false;
    }
    return this.dev.sync() === 0 ? 0 : -EIO;
  }

  /** Marks the filesystem clean again and syncs; the object is unusable afterwards. */
  unmount(): Errno | 0 {
    if (!this.mounted) return 0;
    if (!this.readonly) {
      this.sb.state |= EXT2_VALID_FS;
      this.metaDirty = true;
    }
    const r = this.sync();
    this.mounted = false;
    return r;
  }

  blocksInGroup(g: number): number {
    const first = this.sb.firstDataBlock + g * this.sb.blocksPerGroup;
    return Math.min(this.sb.blocksPerGroup, this.sb.blocksCount - first);
  }

  private gdtBlock(): number {
    return this.sb.firstDataBlock + 1;
  }

  private bitmap(block: number): Uint8Array | Errno {
    const cached = this.bitmaps.get(block);
    if (cached) return cached;
    const b = this.readBlock(block);
    if (isErr(b)) return b;
    this.bitmaps.set(block, b);
    return b;
  }

  private writeBitmap(block: number, bm: Uint8Array): void {
    const r = this.writeBlock(block, bm);
    if (r !== 0) this.log.push(`EXT2-fs (${this.name}): error: writing bitmap block ${block} failed (${r})`);
  }
}

function checkGeometry(sb: Superblock, deviceBytes: number): string | null {
  if (sb.revLevel > 1) return `revision level ${sb.revLevel} too high`;
  if (sb.logBlockSize > 6) return `bad block size (log ${sb.logBlockSize})`;
  const bs = blockSizeOf(sb);
  if (sb.firstDataBlock !== (bs === 1024 ? 1 : 0)) return `bad first data block ${sb.firstDataBlock}`;
  if (sb.blocksPerGroup === 0 || sb.blocksPerGroup > 8 * bs) return `#blocks per group too big: ${sb.blocksPerGroup}`;
  if (sb.inodesPerGroup === 0 || sb.inodesPerGroup > 8 * bs) return `#inodes per group too big: ${sb.inodesPerGroup}`;
  const isz = inodeSizeOf(sb);
  if (isz < 128 || isz > bs || (isz & (isz - 1)) !== 0) return `unsupported inode size: ${isz}`;
  if (sb.blocksCount <= sb.firstDataBlock || sb.blocksCount * bs > deviceBytes) return `bad geometry: block count ${sb.blocksCount} exceeds size of device`;
  const groups = groupCountOf(sb);
  if (sb.inodesCount !== groups * sb.inodesPerGroup) return `bad geometry: inode count ${sb.inodesCount} for ${groups} groups`;
  if (firstInoOf(sb) < 11 || firstInoOf(sb) > sb.inodesCount) return `bad first inode ${firstInoOf(sb)}`;
  return null;
}

/** Reads and checks the group descriptors (Linux's ext2_check_descriptors); a message on failure. */
function readGroups(dev: BlockDevice, sb: Superblock): GroupDesc[] | string {
  const bs = blockSizeOf(sb);
  const count = groupCountOf(sb);
  const table = new Uint8Array(Math.ceil((count * GROUP_DESC_BYTES) / bs) * bs);
  if (dev.read((sb.firstDataBlock + 1) * bs, table) !== 0) return 'unable to read group descriptors';
  const itableBlocks = Math.ceil((sb.inodesPerGroup * inodeSizeOf(sb)) / bs);
  const groups: GroupDesc[] = [];
  for (let g = 0; g < count; g++) {
    const gd = parseGroupDesc(table, g * GROUP_DESC_BYTES);
    const first = sb.firstDataBlock + g * sb.blocksPerGroup;
    const last = Math.min(first + sb.blocksPerGroup, sb.blocksCount) - 1;
    const inGroup = (b: number, n = 1) => b >= first && b + n - 1 <= last;
    if (!inGroup(gd.blockBitmap)) return `ext2_check_descriptors: Block bitmap for group ${g} not in group (block ${gd.blockBitmap})!`;
    if (!inGroup(gd.inodeBitmap)) return `ext2_check_descriptors: Inode bitmap for group ${g} not in group (block ${gd.inodeBitmap})!`;
    if (!inGroup(gd.inodeTable, itableBlocks)) return `ext2_check_descriptors: Inode table for group ${g} not in group (block ${gd.inodeTable})!`;
    if (gd.freeBlocksCount > sb.blocksPerGroup || gd.freeInodesCount > sb.inodesPerGroup) return `group descriptors corrupted (group ${g} free counts)`;
    groups.push(gd);
  }
  return groups;
}
