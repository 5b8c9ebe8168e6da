// The simulator against real QEMU on the same scenario in one run: boot to the first prompt
// and the whole Phase A scenario on -M virt, wall time on each backend and the ratio.
// Needs qemu-system-arm and `twinbox assets fetch`; otherwise the case says why it cannot run.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../emulator/backends/select';
import { loadScenarioFile } from '../../scenarios/engine/load';
import { runScenario } from '../../scenarios/engine/run-scenario';
import { haveAssets } from '../../tools/assets/fetch';
import type { BenchCase, BenchFigure } from '../harness';

const PHASE_A = 'scenarios/phase-a/phase-a-virt.yaml';
const BOOT = 'scenarios/default/boot-virt.yaml';

async function scenarioWallMs(file: string, backendName: 'sim' | 'qemu', outDir: string): Promise<number> {
  const backend = await selectBackend(backendName);
  if (!backend.ok) throw new Error(backend.error);
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) throw new Error(loaded.error);
  const r = await runScenario(loaded.scenario, { backend: backend.backend, outDir });
  if (!r.passed) throw new Error(`${file} failed on ${backendName}: ${r.failure?.message ?? ''}`);
  return r.wallMs;
}

const simVsQemu: BenchCase = {
  name: 'sim-vs-qemu',
  quick: false,
  measure: async () => {
    if (!haveAssets('aarch64')) throw new Error('needs `twinbox assets fetch` (and qemu-system-arm)');
    const outDir = mkdtempSync(join(tmpdir(), 'twinbox-bench-'));
    const figures: BenchFigure[] = [];
    for (const [label, file] of [['boot + echo + power-off', BOOT], ['Phase A scenario', PHASE_A]] as const) {
      const sim = await scenarioWallMs(file, 'sim', outDir);
      const qemu = await scenarioWallMs(file, 'qemu', outDir);
      figures.push(
        { name: `${label} virt on sim (wall)`, value: sim, unit: 'ms', better: 'lower' },
        { name: `${label} virt on QEMU (wall)`, value: qemu, unit: 'ms', better: 'lower', note: 'the real thing' },
        { name: `${label} QEMU / sim`, value: qemu / sim, unit: 'x', better: 'higher', note: 'how much faster the simulator is' },
      );
    }
    return figures;
  },
};

export const backendCases: BenchCase[] = [simVsQemu];
