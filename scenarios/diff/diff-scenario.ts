// `twinbox diff`: one scenario, run on both backends, the guest's answers compared step by
// step after normalisation (built-in: terminal escapes and carriage returns; plus the
// scenario's own `normalize` rules for timestamps, PIDs, addresses).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../emulator/backends/backend';
import { runScenario, type ScenarioResult } from '../engine/run-scenario';
import type { Scenario } from '../engine/types';
import { answerBlocks, splitSteps, type StepSegment } from './segments';
import { sideBySide } from './side-by-side';

export interface StepComparison {
  step: number;
  title: string;
  sim: string | undefined;
  qemu: string | undefined;
  same: boolean;
}

export interface DiffResult {
  scenario: Scenario;
  runs: { sim: ScenarioResult; qemu: ScenarioResult };
  steps: StepComparison[];
  same: boolean;
}

export interface DiffOptions {
  sim: Backend;
  qemu: Backend;
  seed?: number;
  outDir: string;
}

export function compareBlocks(sim: readonly StepSegment[], qemu: readonly StepSegment[]): StepComparison[] {
  const byStep = new Map<number, StepComparison>();
  for (const s of sim) byStep.set(s.step, { step: s.step, title: s.title, sim: s.text, qemu: undefined, same: false });
  for (const q of qemu) {
    const c = byStep.get(q.step) ?? { step: q.step, title: q.title, sim: undefined, qemu: undefined, same: false };
    c.qemu = q.text;
    byStep.set(q.step, c);
  }
  return [...byStep.values()]
    .sort((a, b) => a.step - b.step)
    .map((c) => ({ ...c, same: c.sim !== undefined && c.sim === c.qemu }));
}

export async function diffScenario(scenario: Scenario, opts: DiffOptions): Promise<DiffResult> {
  const runOn = (backend: Backend) =>
    runScenario(scenario, { backend, seed: opts.seed, outDir: join(opts.outDir, backend.name) });
  const sim = await runOn(opts.sim);
  const qemu = await runOn(opts.qemu);
  const blocks = (r: ScenarioResult) => answerBlocks(splitSteps(readFileSync(r.transcriptPath, 'utf8')), scenario.normalize);
  const steps = compareBlocks(blocks(sim), blocks(qemu));
  return { scenario, runs: { sim, qemu }, steps, same: steps.every((s) => s.same) && sim.passed === qemu.passed };
}

export function formatDiff(result: DiffResult, widthChars: number): string {
  const out: string[] = [`== ${result.scenario.file}: sim ${verdict(result.runs.sim)}, qemu ${verdict(result.runs.qemu)}`];
  for (const s of result.steps) {
    if (s.same) {
      out.push(`-- step ${s.step} (${s.title}): same`);
      continue;
    }
    out.push(`-- step ${s.step} (${s.title}): DIFFERENT`);
    out.push(sideBySide(s.sim ?? '(step not reached)', s.qemu ?? '(step not reached)', { widthChars, leftTitle: 'sim', rightTitle: 'qemu' }));
  }
  const differing = result.steps.filter((s) => !s.same).length;
  out.push(`${result.steps.length - differing} steps same, ${differing} different`);
  return out.join('\n');
}

function verdict(r: ScenarioResult): string {
  return r.passed ? 'passed' : `failed at step ${r.failure ? r.failure.step.index + 1 : '?'}`;
}
