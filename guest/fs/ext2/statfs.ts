// statfs(2) for ext2, as Linux's ext4 driver (which serves ext2 on current kernels) computes it:
// f_blocks excludes the metadata overhead (s_overhead_clusters when mkfs recorded it).

import type { Ext2Fs } from './fs';
import { getLe } from './fields';
import { EXT2_MAGIC, groupHasSuper } from './superblock';
import { GROUP_DESC_BYTES } from './group';

export interface Statfs {
  type: number;
  blockSizeBytes: number;
  blocks: number;
  freeBlocks: number;
  availBlocks: number;
  files: number;
  freeFiles: number;
  nameMax: number;
}

export function overheadBlocks(fs: Ext2Fs): number {
  const recorded = getLe(fs.sb.raw, 0x248, 4);
  if (recorded > 0 && recorded < fs.sb.blocksCount) return recorded;
  const bs = fs.blockSizeBytes;
  const gdtBlocks = Math.ceil((fs.groupCount * GROUP_DESC_BYTES) / bs);
  const itable = Math.ceil((fs.sb.inodesPerGroup * fs.inodeSizeBytes) / bs);
  let total = fs.sb.firstDataBlock;
  for (let g = 0; g < fs.groupCount; g++) {
    if (groupHasSuper(fs.sb, g)) total += 1 + gdtBlocks + fs.sb.reservedGdtBlocks;
    total += 2 + itable;
  }
  return total;
}

export function statfsOf(fs: Ext2Fs): Statfs {
  const free = fs.sb.freeBlocksCount;
  return {
    type: EXT2_MAGIC,
    blockSizeBytes: fs.blockSizeBytes,
    blocks: fs.sb.blocksCount - overheadBlocks(fs),
    freeBlocks: free,
    availBlocks: Math.max(0, free - fs.sb.rBlocksCount),
    files: fs.sb.inodesCount,
    freeFiles: fs.sb.freeInodesCount,
    nameMax: 255,
  };
}
