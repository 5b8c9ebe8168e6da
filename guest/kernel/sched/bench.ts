// Scheduler figures for `twinbox bench`: context switches per second with four tasks that
// yield to each other on `-smp 2` (two per CPU), in wall time (the harness's clock, passed in)
// and in virtual time; and the -smp 2 / -smp 1 virtual-time speed-up of two CPU-bound tasks.

import type { SyscallTrap } from '../../abi/native';
import { runInit } from '../../testing/run';
import type { USys } from '../../testing/usys';

type Gen<T> = Generator<SyscallTrap, T, number>;

export interface SchedBenchResult {
  name: string;
  value: number;
  unit: string;
  note: string;
}

function* monoNs(u: USys): Gen<number> {
  const ts = u.alloc(16);
  yield* u.sys('clock_gettime', 1, ts);
  return u.u64(ts) * 1e9 + u.u64(ts + 8);
}

/** Four tasks calling sched_yield `rounds` times each on -smp 2. */
export function benchContextSwitches(nowMs: () => number, rounds = 20_000): SchedBenchResult[] {
  const mark = { wall0: 0, wall1: 0, virt0: 0, virt1: 0 };
  const r = runInit(function* (u) {
    mark.virt0 = yield* monoNs(u);
    mark.wall0 = nowMs();
    for (let c = 0; c < 4; c++) {
      yield* u.fork(function* (cu) {
        for (let i = 0; i < rounds; i++) yield* cu.sys('sched_yield');
        return 0;
      });
    }
    for (let c = 0; c < 4; c++) yield* u.sys('wait4', -1, 0, 0, 0);
    mark.wall1 = nowMs();
    mark.virt1 = yield* monoNs(u);
  }, { description: { smp: 2 } });
  const switches = r.kernel.contextSwitches;
  const note = `4 tasks x ${rounds} sched_yield on -smp 2 (${switches} switches)`;
  return [
    { name: 'context switches -smp 2 (wall)', value: switches / Math.max(1e-9, (mark.wall1 - mark.wall0) / 1000), unit: 'switches/s', note },
    { name: 'context switches -smp 2 (virtual)', value: switches / Math.max(1e-9, (mark.virt1 - mark.virt0) / 1e9), unit: 'switches/s', note },
  ];
}

/** Virtual time of two CPU-bound tasks on -smp 1 over -smp 2 (2 = perfect parallelism). */
export function benchSmpSpeedup(calls = 20_000): SchedBenchResult {
  const elapsed = (smp: number): number => {
    let ns = 0;
    runInit(function* (u) {
      const t0 = yield* monoNs(u);
      for (let c = 0; c < 2; c++) {
        yield* u.fork(function* (cu) {
          for (let i = 0; i < calls; i++) yield* cu.sys('getppid');
          return 0;
        });
      }
      for (let c = 0; c < 2; c++) yield* u.sys('wait4', -1, 0, 0, 0);
      ns = (yield* monoNs(u)) - t0;
    }, { description: { smp } });
    return ns;
  };
  return { name: 'two CPU-bound tasks, -smp 2 speed-up (virtual)', value: elapsed(1) / Math.max(1, elapsed(2)), unit: 'x', note: `2 x ${calls} syscalls` };
}
