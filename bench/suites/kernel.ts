// Guest kernel figures (getpid calls, pipe throughput, fork+exit+wait), each in wall time
// and in the guest's virtual time, and the networking models' frame rates.

import { runKernelBenches } from '../../guest/bench';
import { benchNetworking } from '../../devices/net/bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const kernel: BenchCase = {
  name: 'kernel',
  quick: true,
  measure: () =>
    runKernelBenches({ nowMs }).flatMap((r): BenchFigure[] => [
      { name: `${r.name} (wall)`, value: r.perWallSecond, unit: r.unit, better: 'higher', note: `${r.iterations} iterations` },
      { name: `${r.name} (virtual)`, value: r.perVirtualSecond, unit: r.unit, better: 'higher' },
    ]),
};

const networking: BenchCase = {
  name: 'networking',
  quick: true,
  measure: ({ quick }) =>
    benchNetworking(nowMs, quick).map((r): BenchFigure => ({ name: r.name, value: r.opsPerSec, unit: 'ops/s', better: 'higher', note: r.note })),
};

export const kernelCases: BenchCase[] = [kernel, networking];
