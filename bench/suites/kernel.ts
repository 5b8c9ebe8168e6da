// Guest kernel figures (getpid calls, pipe throughput, fork+exit+wait, shell startup), each in
// wall time and in the guest's virtual time, and the networking models' frame rates.

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


const SHELL_RUNS = 200;

/** `sh -c true` started by the interactive shell, as a user's scripts do: fork, exec, shell init, exit, wait. */
const shellStartup: BenchCase = {
  name: 'shell startup',
  quick: true,
  measure: async () => {
    const { Machine } = await import('../../emulator/machine/machine');
    const { bareDescription } = await import('../../emulator/machine/testing/descriptions');
    const { createGuest } = await import('../../guest/index');
    const m = new Machine(bareDescription('virt', { memoryBytes: 512 << 20 }), 1);
    m.start(createGuest);
    m.run({ until: () => m.console.textSince(0).includes('/ # ') });
    const mark = m.console.transcriptLength;
    const v0 = m.scheduler.now;
    const t0 = performance.now();
    m.console.type(`i=0; while [ $i -lt ${SHELL_RUNS} ]; do sh -c true; i=$((i+1)); done; echo DONE-$i\n`);
    const stop = m.run({ until: () => m.console.textSince(mark).includes(`DONE-${SHELL_RUNS}`) });
    if (stop !== 'condition') throw new Error(`shell startup bench: ${stop}`);
    const wallS = (performance.now() - t0) / 1000;
    const virtS = (m.scheduler.now - v0) / 1e9;
    return [
      { name: 'sh -c true (wall)', value: SHELL_RUNS / wallS, unit: 'shells/s', better: 'higher', note: `${SHELL_RUNS} runs` },
      { name: 'sh -c true (virtual)', value: SHELL_RUNS / virtS, unit: 'shells/s', better: 'higher' },
    ];
  },
};

/** The per-vCPU scheduler: context switches/s on -smp 2 and the -smp 2 speed-up (guest/kernel/sched/bench.ts). */
const scheduler: BenchCase = {
  name: 'scheduler',
  quick: true,
  measure: async ({ quick }) => {
    const { benchContextSwitches, benchSmpSpeedup } = await import('../../guest/kernel/sched/bench');
    return [...benchContextSwitches(nowMs, quick ? 5_000 : 20_000), benchSmpSpeedup()].map((r): BenchFigure => ({
      name: r.name, value: r.value, unit: r.unit, better: 'higher', note: r.note,
    }));
  },
};

/** fork+exit and fork+exec of Debian's BusyBox sh, copy-on-write against eager copying (guest/kernel/mm/bench-fork.ts). */
const busyboxFork: BenchCase = {
  name: 'busybox fork',
  quick: false,
  measure: async ({ quick }) => {
    const { existsSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { assetPaths } = await import('../../tools/assets/fetch');
    const { benchBusyboxFork } = await import('../../guest/kernel/mm/bench-fork');
    const path = join(assetPaths('aarch64').dir, 'busybox');
    if (!existsSync(path)) return [];
    return benchBusyboxFork(new Uint8Array(readFileSync(path)), nowMs, quick ? 50 : 200).map((r): BenchFigure => ({
      name: r.name, value: r.value, unit: r.unit, better: 'higher', note: r.note,
    }));
  },
};

export const kernelCases: BenchCase[] = [kernel, shellStartup, networking, scheduler, busyboxFork];
