// Kernel-side networking figures: frames per second through the guest virtio-net driver and
// the device model, each direction (1514-byte frames).

import { benchVirtioNetDriver } from '../../guest/drivers/virtio/net-bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const virtioNetDriver: BenchCase = {
  name: 'virtio-net driver',
  quick: true,
  measure: ({ quick }): BenchFigure[] => {
    const r = benchVirtioNetDriver(nowMs, quick ? 5_000 : 50_000);
    return [
      { name: 'virtio-net driver+device tx 1514B', value: r.txFramesPerSec, unit: 'frames/s', better: 'higher' },
      { name: 'virtio-net driver+device rx 1514B', value: r.rxFramesPerSec, unit: 'frames/s', better: 'higher' },
    ];
  },
};

export const netKernelCases: BenchCase[] = [virtioNetDriver];
