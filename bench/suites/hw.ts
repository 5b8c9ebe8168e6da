// `twinbox hw scan` over a 64-function q35 machine: ms per scan on the simulated sysfs and on
// the same tree exported to the host filesystem (the path a real /sys takes).

import { benchHwScan } from '../../hw/bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const hwScan: BenchCase = {
  name: 'hw',
  quick: true,
  measure: ({ quick }): BenchFigure[] => {
    const r = benchHwScan(quick ? 5 : 50, nowMs);
    return [
      { name: `hw scan, ${r.functions} PCI functions (simulated sysfs)`, value: r.simMsPerScan, unit: 'ms', better: 'lower' },
      { name: `hw scan, ${r.functions} PCI functions (exported tree on the host fs)`, value: r.exportedMsPerScan, unit: 'ms', better: 'lower' },
    ];
  },
};

export const hwCases: BenchCase[] = [hwScan];
