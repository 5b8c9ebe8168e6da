// `twinbox diff SCENARIO...`: runs each scenario on the simulator and on real QEMU and prints
// the guest's answers side by side per step; exits 1 when any step differs.

import type { Command } from 'commander';
import { selectBackend } from '../../emulator/backends/select';
import { diffScenario, formatDiff } from '../../scenarios/diff/diff-scenario';
import { loadScenarioFile } from '../../scenarios/engine/load';
import { collectScenarioFiles } from '../../scenarios/engine/suite';
import { parseSeed } from './run';

interface DiffCliOptions {
  seed?: string;
  out: string;
  width: string;
}

export async function diffCommand(paths: string[], opts: DiffCliOptions): Promise<number> {
  const fail = (msg: string, code = 2) => {
    process.stderr.write(`twinbox diff: ${msg}\n`);
    return code;
  };
  const seed = parseSeed(opts.seed);
  if (!seed.ok) return fail(seed.error);
  const files = collectScenarioFiles(paths);
  if (!files.ok) return fail(files.error);
  const sim = await selectBackend('sim');
  const qemu = await selectBackend('qemu');
  if (!sim.ok) return fail(sim.error);
  if (!qemu.ok) return fail(qemu.error);
  const width = Number(opts.width) || 160;
  let differing = 0;
  for (const file of files.files) {
    const loaded = loadScenarioFile(file);
    if (!loaded.ok) return fail(loaded.error);
    const result = await diffScenario(loaded.scenario, { sim: sim.backend, qemu: qemu.backend, seed: seed.seed, outDir: opts.out });
    process.stdout.write(formatDiff(result, width) + '\n');
    if (!result.same) differing++;
  }
  process.stdout.write(`${files.files.length - differing} same, ${differing} different\n`);
  return differing > 0 ? 1 : 0;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('run scenarios on the simulator and on real QEMU and show where the guest\'s answers differ, step by step')
    .argument('<scenarios...>', 'scenario files or folders')
    .option('--seed <n>', 'seed for the simulator run')
    .option('--out <dir>', 'where both transcripts go', 'out/diff')
    .option('--width <chars>', 'width of the side-by-side view', '160')
    .action(async (paths: string[], opts: DiffCliOptions) => {
      process.exitCode = await diffCommand(paths, opts);
    });
}
