// Display figures: virtio-gpu TRANSFER_TO_HOST_2D + RESOURCE_FLUSH on a 1024x768 scanout, with
// and without PNG screenshots.

import { benchVirtioGpu, virtioGpuBenchSuite } from '../../devices/virtio/gpu/bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const virtioGpu: BenchCase = {
  name: 'virtio-gpu',
  quick: true,
  measure: ({ quick }) =>
    (quick ? [benchVirtioGpu(nowMs, { frames: 60 })] : virtioGpuBenchSuite(nowMs)).map(
      (r): BenchFigure => ({ name: r.name, value: r.framesPerSec, unit: 'frames/s', better: 'higher', note: `${r.mbPerSec.toFixed(0)} MB/s` }),
    ),
};

export const displayCases: BenchCase[] = [virtioGpu];
