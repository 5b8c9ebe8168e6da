// Logical-to-physical block mapping through i_block: 12 direct pointers, then single, double
// and triple indirect blocks of blockSize/4 little-endian pointers. Reading a hole gives 0;
// allocation fills in missing indirect blocks (zeroed) and counts every block it adds in
// i_blocks; truncation frees data and indirect blocks past a cut and empty indirect blocks.

import { EFBIG, EUCLEAN, isErr, type Errno } from './errno';
import { getLe, setLe } from './fields';
import { N_DIRECT, type Inode } from './inode';

/** What the mapping code needs from the filesystem. */
export interface BlockStore {
  readonly blockSizeBytes: number;
  readBlock(n: number): Uint8Array | Errno;
  /** Like readBlock but may return shared bytes that the caller must not modify. */
  peekBlock(n: number): Uint8Array | Errno;
  writeBlock(n: number, data: Uint8Array): Errno | 0;
  /** A free block near `goal`, marked used; -ENOSPC when the disk is full. */
  allocBlock(goal: number): number | Errno;
  freeBlock(n: number): void;
  /** Whether `n` may hold file data (inside the data area of the filesystem). */
  validBlock(n: number): boolean;
}

/** Slot in i_block and the index at each indirect level for logical block `lblk`. */
export function blockPath(lblk: number, blockSizeBytes: number): number[] | Errno {
  const p = blockSizeBytes / 4;
  let l = lblk;
  if (l < N_DIRECT) return [l];
  l -= N_DIRECT;
  if (l < p) return [12, l];
  l -= p;
  if (l < p * p) return [13, Math.floor(l / p), l % p];
  l -= p * p;
  if (l < p * p * p) return [14, Math.floor(l / (p * p)), Math.floor(l / p) % p, l % p];
  return -EFBIG;
}

/** Physical block for `lblk`: 0 for a hole, -errno on a corrupt pointer. */
export function bmap(store: BlockStore, inode: Inode, lblk: number): number | Errno {
  const path = blockPath(lblk, store.blockSizeBytes);
  if (isErr(path)) return path;
  let ptr = inode.block[path[0]];
  for (let level = 1; level < path.length; level++) {
    if (ptr === 0) return 0;
    if (!store.validBlock(ptr)) return -EUCLEAN;
    const ind = store.peekBlock(ptr);
    if (isErr(ind)) return ind;
    ptr = getLe(ind, 4 * path[level], 4);
  }
  if (ptr !== 0 && !store.validBlock(ptr)) return -EUCLEAN;
  return ptr;
}

export interface Mapped {
  block: number;
  /** Newly allocated: its old contents are garbage and must be treated as zeroes. */
  fresh: boolean;
}

/** Physical block for `lblk`, allocating it (and the indirect blocks on its path) if missing. */
export function bmapAlloc(store: BlockStore, inode: Inode, lblk: number, goal: number): Mapped | Errno {
  const path = blockPath(lblk, store.blockSizeBytes);
  if (isErr(path)) return path;
  const sectorsPerBlock = store.blockSizeBytes / 512;
  const alloc = (): number | Errno => {
    const b = store.allocBlock(goal);
    if (!isErr(b)) inode.blocks512 += sectorsPerBlock;
    return b;
  };
  let ptr = inode.block[path[0]];
  let fresh = false;
  if (ptr === 0) {
    const b = alloc();
    if (isErr(b)) return b;
    ptr = inode.block[path[0]] = b;
    fresh = true;
    if (path.length > 1) store.writeBlock(b, new Uint8Array(store.blockSizeBytes));
  }
  for (let level = 1; level < path.length; level++) {
    if (!store.validBlock(ptr)) return -EUCLEAN;
    const ind = fresh ? new Uint8Array(store.blockSizeBytes) : store.readBlock(ptr);
    if (isErr(ind)) return ind;
    let child = getLe(ind, 4 * path[level], 4);
    fresh = false;
    if (child === 0) {
      const b = alloc();
      if (isErr(b)) return b;
      child = b;
      fresh = true;
      if (level < path.length - 1) store.writeBlock(b, new Uint8Array(store.blockSizeBytes));
      setLe(ind, 4 * path[level], 4, b);
      store.writeBlock(ptr, ind);
    }
    ptr = child;
  }
  if (!fresh && !store.validBlock(ptr)) return -EUCLEAN;
  return { block: ptr, fresh };
}

/** Frees every block mapped at logical index >= keepBlocks. */
export function truncateBlocks(store: BlockStore, inode: Inode, keepBlocks: number): Errno | 0 {
  const p = store.blockSizeBytes / 4;
  const spans = [1, p, p * p, p * p * p];
  for (let slot = 0; slot < N_DIRECT; slot++) {
    if (slot >= keepBlocks && inode.block[slot] !== 0) {
      releaseBlock(store, inode, inode.block[slot]);
      inode.block[slot] = 0;
    }
  }
  let first = N_DIRECT;
  for (let depth = 1; depth <= 3; depth++) {
    const slot = N_DIRECT + depth - 1;
    const span = spans[depth];
    const keep = Math.min(Math.max(keepBlocks - first, 0), span);
    if (inode.block[slot] !== 0 && keep < span) {
      const r = truncateBranch(store, inode, inode.block[slot], depth, keep, spans);
      if (isErr(r)) return r;
      inode.block[slot] = r;
    }
    first += span;
  }
  return 0;
}

/** Keeps the first `keep` logical blocks under an indirect block; returns its new pointer (0 if freed). */
function truncateBranch(store: BlockStore, inode: Inode, ptr: number, depth: number, keep: number, spans: number[]): number | Errno {
  if (!store.validBlock(ptr)) return -EUCLEAN;
  const ind = store.readBlock(ptr);
  if (isErr(ind)) return ind;
  const childSpan = spans[depth - 1];
  let changed = false;
  let live = 0;
  for (let j = 0; j < store.blockSizeBytes / 4; j++) {
    const child = getLe(ind, 4 * j, 4);
    if (child === 0) continue;
    const childKeep = Math.min(Math.max(keep - j * childSpan, 0), childSpan);
    let next = child;
    if (childKeep === 0) {
      const r = depth === 1 ? releaseBlock(store, inode, child) : freeTree(store, inode, child, depth - 1);
      if (isErr(r)) return r;
      next = 0;
    } else if (childKeep < childSpan && depth > 1) {
      const r = truncateBranch(store, inode, child, depth - 1, childKeep, spans);
      if (isErr(r)) return r;
      next = r;
    }
    if (next !== child) {
      setLe(ind, 4 * j, 4, next);
      changed = true;
    }
    if (next !== 0) live++;
  }
  if (live === 0) {
    releaseBlock(store, inode, ptr);
    return 0;
  }
  if (changed) store.writeBlock(ptr, ind);
  return ptr;
}

function freeTree(store: BlockStore, inode: Inode, ptr: number, depth: number): Errno | 0 {
  if (!store.validBlock(ptr)) return -EUCLEAN;
  const ind = store.readBlock(ptr);
  if (isErr(ind)) return ind;
  for (let j = 0; j < store.blockSizeBytes / 4; j++) {
    const child = getLe(ind, 4 * j, 4);
    if (child === 0) continue;
    const r = depth === 1 ? releaseBlock(store, inode, child) : freeTree(store, inode, child, depth - 1);
    if (isErr(r)) return r;
  }
  releaseBlock(store, inode, ptr);
  return 0;
}

function releaseBlock(store: BlockStore, inode: Inode, n: number): Errno | 0 {
  // A corrupt pointer is dropped, not freed: freeing it could release another file's block.
  if (!store.validBlock(n)) return 0;
  store.freeBlock(n);
  inode.blocks512 = Math.max(0, inode.blocks512 - store.blockSizeBytes / 512);
  return 0;
}
