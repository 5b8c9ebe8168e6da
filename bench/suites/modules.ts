// Module probing at boot: the NeuronOS dual-GPU host booted to its prompt and powered off,
// with udev-style coldplug loading the GPU and audio drivers by modalias.

import { benchNeuronosBoot } from '../../guest/drivers/modprobe/bench';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();

const neuronosBoot: BenchCase = {
  name: 'modules',
  quick: true,
  measure: ({ quick }): BenchFigure[] => {
    const r = benchNeuronosBoot(quick ? 3 : 20, nowMs);
    return [
      { name: `NeuronOS host boot to prompt + power-off with module coldplug (${r.modulesLoaded} modules)`, value: r.msPerBoot, unit: 'ms', better: 'lower' },
      { name: 'NeuronOS host boot, virtual time to power-off', value: r.virtualBootMs, unit: 'ms', better: 'lower' },
    ];
  },
};

export const moduleCases: BenchCase[] = [neuronosBoot];
