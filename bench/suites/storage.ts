// Storage figures: requests through the virtio-blk device (split ring over the mmio
// transport, mock driver) and the ext2 library on an in-memory disk.

import { benchVirtioBlk, virtioBlkBenchSuite } from '../../devices/virtio/blk/bench';
import { benchExt2Sequential, benchExt2SmallFiles } from '../../guest/fs/ext2/bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const virtioBlk: BenchCase = {
  name: 'virtio-blk',
  quick: true,
  measure: ({ quick }) => {
    const results = quick ? [benchVirtioBlk(nowMs, { requests: 5_000 })] : virtioBlkBenchSuite(nowMs);
    return results.flatMap((r): BenchFigure[] => [
      { name: `${r.name} requests`, value: r.requestsPerSec, unit: 'req/s', better: 'higher' },
      { name: `${r.name} throughput`, value: r.mbPerSec, unit: 'MB/s', better: 'higher' },
    ]);
  },
};

const ext2: BenchCase = {
  name: 'ext2',
  quick: true,
  measure: ({ quick }) => {
    const seq = benchExt2Sequential(nowMs, quick ? 8 << 20 : 64 << 20);
    const small = benchExt2SmallFiles(nowMs, quick ? 1_000 : 10_000);
    return [...seq, small].map((r): BenchFigure => ({ name: r.name, value: r.rate, unit: r.unit, better: 'higher' }));
  },
};

export const storageCases: BenchCase[] = [virtioBlk, ext2];
