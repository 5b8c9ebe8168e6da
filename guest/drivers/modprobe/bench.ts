// Boot of the NeuronOS dual-GPU host to its shell prompt and power-off, with the module stage
// (module tree in /lib/modules, udev coldplug by modalias): host time per boot, and how many
// modules the boot loaded. The clock is the caller's (bench/ passes performance.now).

import { fileURLToPath } from 'node:url';
import { loadProfile } from '../../../emulator/machine/description/profile';
import { bootMachine } from '../../testing/machine';
import { loadedModules } from '../../kernel/modules';
import { userlandPrograms } from '../pci/test-boot';

export interface ModuleBootBench {
  msPerBoot: number;
  modulesLoaded: number;
  virtualBootMs: number;
}

export function benchNeuronosBoot(runs: number, nowMs: () => number): ModuleBootBench {
  const p = loadProfile(fileURLToPath(new URL('../../../profiles/neuronos-dual-gpu.yaml', import.meta.url)));
  if (!p.ok) throw new Error(`neuronos profile: ${JSON.stringify(p)}`);
  const programs = userlandPrograms();
  let modulesLoaded = 0, virtualBootMs = 0;
  const start = nowMs();
  for (let i = 0; i < runs; i++) {
    const r = bootMachine({ type: 'q35', programs, description: p.value, input: ['poweroff\n'] });
    modulesLoaded = loadedModules(r.kernel).length;
    virtualBootMs = r.kernel.now / 1e6;
  }
  return { msPerBoot: (nowMs() - start) / runs, modulesLoaded, virtualBootMs };
}
