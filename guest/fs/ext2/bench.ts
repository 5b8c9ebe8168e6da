// ext2 library benchmarks on an in-memory disk: sequential write and read of a large file, and
// creating then unlinking many small files. The wall clock is passed in (guest/ code never reads
// one); `twinbox bench` supplies the host clock.

import { MemoryBlockDevice } from '../../block/block-device';
import { isErr } from './errno';
import { Ext2, ROOT_INO } from './ext2';
import { mkfsExt2 } from './mkfs';

export interface Ext2BenchResult {
  name: string;
  wallMs: number;
  /** MB/s for the streaming benches, operations/s for the metadata bench. */
  rate: number;
  unit: 'MB/s' | 'ops/s';
}

function freshFs(diskBytes: number, blockSizeBytes: 1024 | 4096): Ext2 {
  const dev = new MemoryBlockDevice(diskBytes);
  if (mkfsExt2(dev, { blockSizeBytes, nowSec: 1_700_000_000 }) !== 0) throw new Error('bench: mkfs failed');
  const fs = Ext2.mount(dev);
  if (!(fs instanceof Ext2)) throw new Error(fs.message);
  return fs;
}

export function benchExt2Sequential(nowMs: () => number, fileBytes = 64 << 20, chunkBytes = 64 * 1024, blockSizeBytes: 1024 | 4096 = 4096): Ext2BenchResult[] {
  const fs = freshFs(fileBytes + (32 << 20), blockSizeBytes);
  const ino = fs.create(ROOT_INO, 'big', 0o644);
  if (isErr(ino)) throw new Error(`bench: create ${ino}`);
  const chunk = new Uint8Array(chunkBytes).fill(0xa5);
  let t = nowMs();
  for (let off = 0; off < fileBytes; off += chunkBytes) {
    if (fs.write(ino, off, chunk) !== chunkBytes) throw new Error('bench: short write');
  }
  const writeMs = Math.max(nowMs() - t, 1e-6);
  t = nowMs();
  for (let off = 0; off < fileBytes; off += chunkBytes) {
    const r = fs.read(ino, off, chunkBytes);
    if (isErr(r) || r.length !== chunkBytes) throw new Error('bench: short read');
  }
  const readMs = Math.max(nowMs() - t, 1e-6);
  const mb = fileBytes / (1 << 20);
  return [
    { name: `ext2 sequential write ${mb} MiB (${blockSizeBytes}-byte blocks)`, wallMs: writeMs, rate: (mb / writeMs) * 1000, unit: 'MB/s' },
    { name: `ext2 sequential read ${mb} MiB (${blockSizeBytes}-byte blocks)`, wallMs: readMs, rate: (mb / readMs) * 1000, unit: 'MB/s' },
  ];
}

export function benchExt2SmallFiles(nowMs: () => number, files = 10_000): Ext2BenchResult {
  const fs = freshFs(64 << 20, 1024);
  const dir = fs.mkdir(ROOT_INO, 'many', 0o755);
  if (isErr(dir)) throw new Error(`bench: mkdir ${dir}`);
  const payload = new Uint8Array(100).fill(1);
  const t = nowMs();
  for (let i = 0; i < files; i++) {
    const ino = fs.create(dir, `f${i}`, 0o644);
    if (isErr(ino)) throw new Error(`bench: create ${ino}`);
    fs.write(ino, 0, payload);
  }
  for (let i = 0; i < files; i++) {
    if (fs.unlink(dir, `f${i}`) !== 0) throw new Error('bench: unlink failed');
  }
  const wallMs = Math.max(nowMs() - t, 1e-6);
  return { name: `ext2 create+write+unlink ${files} small files`, wallMs, rate: ((2 * files) / wallMs) * 1000, unit: 'ops/s' };
}
