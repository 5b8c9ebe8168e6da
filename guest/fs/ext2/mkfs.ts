// A small mkfs for ext2 revision 1 (features filetype, sparse_super, large_file): lays out
// groups (superblock and descriptor backups where sparse_super puts them, two bitmaps, the
// inode table), the root directory and lost+found, with bitmap padding set as e2fsck expects.
// Used to build test images in memory and to format fresh disks from inside the guest.

import type { BlockDevice } from '../../block/block-device';
import { setBit, setRange } from './bitmap';
import { emitDotBlock, FT_DIR, writeDirEntry } from './dirent';
import { EINVAL, EIO, type Errno } from './errno';
import { emitGroupDesc, emptyGroupDesc, GROUP_DESC_BYTES, type GroupDesc } from './group';
import { blankInode, emitInode, ROOT_INO, S_IFDIR } from './inode';
import {
  EXT2_DYNAMIC_REV, EXT2_MAGIC, EXT2_VALID_FS, emitSuperblock, groupHasSuper, INCOMPAT_FILETYPE, parseSuperblock,
  RO_COMPAT_LARGE_FILE, RO_COMPAT_SPARSE_SUPER, SUPERBLOCK_BYTES, SUPERBLOCK_OFFSET, type Superblock,
} from './superblock';

export interface MkfsOptions {
  blockSizeBytes?: 1024 | 2048 | 4096;
  inodeSizeBytes?: 128 | 256;
  /** Bytes of disk per inode (mke2fs -i); 4096 unless given. */
  bytesPerInode?: number;
  /** Seconds since the epoch stamped on the superblock and root directory. */
  nowSec: number;
  /** 16 bytes; a caller with a Prng passes random bytes, tests pass fixed ones. */
  uuid?: Uint8Array;
  volumeName?: string;
}

const LOST_FOUND_INO = 11;

interface Geometry {
  bs: number;
  blocks: number;
  first: number;
  groups: number;
  ipg: number;
  itableBlocks: number;
  gdtBlocks: number;
}

function geometry(sizeBytes: number, o: MkfsOptions): Geometry | Errno {
  const bs = o.blockSizeBytes ?? 1024;
  const isz = o.inodeSizeBytes ?? 256;
  let blocks = Math.min(Math.floor(sizeBytes / bs), 0xffffffff);
  const first = bs === 1024 ? 1 : 0;
  const bpg = 8 * bs;
  let groups = Math.ceil((blocks - first) / bpg);
  const perInode = o.bytesPerInode ?? 4096;
  const inodesWanted = Math.max(16, Math.floor((blocks * bs) / perInode));
  const perBlock = bs / isz;
  let ipg = Math.ceil(inodesWanted / groups / perBlock) * perBlock;
  ipg = Math.min(Math.max(ipg, perBlock), 8 * bs);
  const itableBlocks = (ipg * isz) / bs;
  const gdtBlocks = Math.ceil((groups * GROUP_DESC_BYTES) / bs);
  // A last group too small to hold its own metadata and some data is dropped, as mke2fs does.
  const lastSize = blocks - first - (groups - 1) * bpg;
  if (groups > 1 && lastSize < 2 + itableBlocks + gdtBlocks + 1 + 50) {
    groups--;
    blocks = first + groups * bpg;
  }
  if (blocks < 64 || groups === 0) return -EINVAL;
  return { bs, blocks, first, groups, ipg, itableBlocks, gdtBlocks };
}

function buildSuperblock(g: Geometry, o: MkfsOptions): Superblock {
  const sb = parseSuperblock(new Uint8Array(SUPERBLOCK_BYTES));
  Object.assign(sb, {
    inodesCount: g.groups * g.ipg, blocksCount: g.blocks, rBlocksCount: Math.floor(g.blocks / 20),
    firstDataBlock: g.first, logBlockSize: Math.log2(g.bs / 1024), logFragSize: Math.log2(g.bs / 1024),
    blocksPerGroup: 8 * g.bs, fragsPerGroup: 8 * g.bs, inodesPerGroup: g.ipg, wtime: o.nowSec, mkfsTime: o.nowSec,
    lastCheck: o.nowSec, maxMntCount: 0xffff, magic: EXT2_MAGIC, state: EXT2_VALID_FS, errors: 1,
    revLevel: EXT2_DYNAMIC_REV, firstIno: 11, inodeSize: o.inodeSizeBytes ?? 256,
    featureIncompat: INCOMPAT_FILETYPE, featureRoCompat: RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE,
  });
  sb.raw.set((o.uuid ?? new Uint8Array(16)).subarray(0, 16), 104);
  sb.raw.set(new TextEncoder().encode(o.volumeName ?? '').subarray(0, 16), 120);
  return sb;
}

/** Formats `dev`; 0 or -errno. */
export function mkfsExt2(dev: BlockDevice, o: MkfsOptions): Errno | 0 {
  const g = geometry(dev.sizeBytes, o);
  if (typeof g === 'number') return g;
  const sb = buildSuperblock(g, o);
  const bpg = 8 * g.bs;
  const gds: GroupDesc[] = [];
  const bitmaps: Uint8Array[] = [];
  for (let i = 0; i < g.groups; i++) {
    const start = g.first + i * bpg;
    const size = Math.min(bpg, g.blocks - start);
    const meta = groupHasSuper(sb, i) ? 1 + g.gdtBlocks : 0;
    const gd = emptyGroupDesc();
    gd.blockBitmap = start + meta;
    gd.inodeBitmap = start + meta + 1;
    gd.inodeTable = start + meta + 2;
    const bm = new Uint8Array(g.bs);
    setRange(bm, 0, meta + 2 + g.itableBlocks);
    setRange(bm, size, bpg);
    gds.push(gd);
    bitmaps.push(bm);
  }
  // Root and lost+found each take the first data block after group 0's inode table.
  const rootBlock = gds[0].inodeTable + g.itableBlocks;
  const lfBlock = rootBlock + 1;
  setBit(bitmaps[0], rootBlock - g.first);
  setBit(bitmaps[0], lfBlock - g.first);
  const zero = new Uint8Array(g.bs);
  const put = (block: number, data: Uint8Array): boolean => dev.write(block * g.bs, data) === 0;
  let freeBlocks = 0;
  for (let i = 0; i < g.groups; i++) {
    const size = Math.min(bpg, g.blocks - (g.first + i * bpg));
    let used = 0;
    for (let b = 0; b < size; b++) if (bitmaps[i][b >> 3] & (1 << (b & 7))) used++;
    gds[i].freeBlocksCount = size - used;
    gds[i].freeInodesCount = g.ipg - (i === 0 ? 11 : 0);
    gds[i].usedDirsCount = i === 0 ? 2 : 0;
    freeBlocks += size - used;
    const ibm = new Uint8Array(g.bs);
    setRange(ibm, g.ipg, 8 * g.bs);
    if (i === 0) setRange(ibm, 0, 11);
    if (!put(gds[i].blockBitmap, bitmaps[i]) || !put(gds[i].inodeBitmap, ibm)) return -EIO;
    for (let t = 0; t < g.itableBlocks; t++) if (!put(gds[i].inodeTable + t, zero)) return -EIO;
  }
  sb.freeBlocksCount = freeBlocks;
  sb.freeInodesCount = g.groups * g.ipg - 11;
  const dirs = writeRootAndLostFound(dev, g, sb, gds[0], rootBlock, lfBlock, o.nowSec);
  if (dirs !== 0) return dirs;
  return writeSuperAndBackups(dev, g, sb, gds);
}

function writeRootAndLostFound(dev: BlockDevice, g: Geometry, sb: Superblock, gd0: GroupDesc, rootBlock: number, lfBlock: number, now: number): Errno | 0 {
  const root = emitDotBlock(g.bs, ROOT_INO, ROOT_INO);
  // Shrink ".." to its minimum and add lost+found after it.
  writeDirEntry(root, { offset: 12, inode: ROOT_INO, recLen: 12, fileType: FT_DIR, name: Uint8Array.of(0x2e, 0x2e) });
  writeDirEntry(root, { offset: 24, inode: LOST_FOUND_INO, recLen: g.bs - 24, fileType: FT_DIR, name: new TextEncoder().encode('lost+found') });
  const lf = emitDotBlock(g.bs, LOST_FOUND_INO, ROOT_INO);
  if (dev.write(rootBlock * g.bs, root) !== 0 || dev.write(lfBlock * g.bs, lf) !== 0) return -EIO;
  const isz = sb.inodeSize;
  const table = new Uint8Array(g.bs * Math.ceil((LOST_FOUND_INO * isz) / g.bs));
  const dirInode = (block: number, links: number, mode: number): Uint8Array => {
    const i = blankInode(isz);
    Object.assign(i, { mode: S_IFDIR | mode, links, sizeBytes: g.bs, blocks512: g.bs / 512, atime: now, mtime: now, ctime: now });
    i.block[0] = block;
    return emitInode(i);
  };
  table.set(dirInode(rootBlock, 3, 0o755), (ROOT_INO - 1) * isz);
  table.set(dirInode(lfBlock, 2, 0o700), (LOST_FOUND_INO - 1) * isz);
  return dev.write(gd0.inodeTable * g.bs, table) === 0 ? 0 : -EIO;
}

function writeSuperAndBackups(dev: BlockDevice, g: Geometry, sb: Superblock, gds: GroupDesc[]): Errno | 0 {
  const gdt = new Uint8Array(g.gdtBlocks * g.bs);
  gds.forEach((gd, i) => gdt.set(emitGroupDesc(gd), i * GROUP_DESC_BYTES));
  for (let i = 0; i < g.groups; i++) {
    if (!groupHasSuper(sb, i)) continue;
    const start = g.first + i * 8 * g.bs;
    sb.blockGroupNr = i;
    const sbBytes = emitSuperblock(sb);
    const at = i === 0 ? SUPERBLOCK_OFFSET : start * g.bs;
    if (dev.write(at, sbBytes) !== 0 || dev.write((start + 1) * g.bs, gdt) !== 0) return -EIO;
  }
  sb.blockGroupNr = 0;
  return dev.sync() === 0 ? 0 : -EIO;
}
