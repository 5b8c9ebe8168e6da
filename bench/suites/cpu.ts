// The AArch64 interpreter: guest instructions per second on a compute loop, and the same
// static binary under qemu-aarch64 in the same run (per CPU-second on both sides, so a busy
// machine skews neither), with the ratio.

import { benchComputeLoop } from '../../emulator/cpu/aarch64/bench';
import { benchAgainstQemu } from '../../emulator/cpu/aarch64/testing/bench-qemu';
import type { BenchCase, BenchFigure } from '../harness';

const wallSeconds = () => performance.now() / 1000;
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const cpu: BenchCase = {
  name: 'cpu',
  quick: true,
  measure: ({ quick }) => {
    const loop = benchComputeLoop(wallSeconds, quick ? 5_000_000 : 20_000_000);
    const figures: BenchFigure[] = [
      { name: 'aarch64 compute loop (wall)', value: loop.instructionsPerSecond, unit: 'instr/s', better: 'higher' },
    ];
    const q = benchAgainstQemu(cpuSeconds, quick ? 5_000_000 : 20_000_000, quick ? 50_000_000 : 200_000_000);
    if ('skipped' in q) {
      figures[0].note = `qemu-aarch64 comparison not run: ${q.skipped}`;
      return figures;
    }
    figures.push(
      { name: 'loop.c on twinbox (per CPU-second)', value: q.twinboxInstructionsPerSecond, unit: 'instr/s', better: 'higher' },
      { name: 'loop.c on qemu-aarch64 (per CPU-second)', value: q.qemuInstructionsPerSecond, unit: 'instr/s', better: 'higher', note: 'the real thing' },
      { name: 'twinbox / qemu-aarch64', value: q.ratio, unit: 'x', better: 'higher', note: `${q.instructionsPerIteration} instructions per iteration` },
    );
    return figures;
  },
};

export const cpuCases: BenchCase[] = [cpu];
