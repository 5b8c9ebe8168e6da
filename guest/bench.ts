// Kernel benchmarks for `twinbox bench`: getpid calls/s, pipe throughput, fork+exit+wait
// per second, each in wall time (from the clock the caller passes in: guest code never
// reads the host clock itself) and in virtual time (read by the program with clock_gettime).

import type { SyscallTrap } from './abi/native';
import { runInit } from './testing/run';
import type { USys } from './testing/usys';

export interface KernelBenchResult {
  name: string;
  unit: string;
  /** Operations (or MB) per wall-clock second. */
  perWallSecond: number;
  /** Operations (or MB) per virtual second. */
  perVirtualSecond: number;
  iterations: number;
}

export interface BenchOptions {
  /** Host clock in milliseconds (the harness's high-resolution timer), supplied by the bench harness. */
  nowMs: () => number;
  iterations?: number;
}

type Mark = () => Generator<SyscallTrap, void, number>;

function measure(name: string, unit: string, opts: BenchOptions, iterations: number, amount: number,
  body: (u: USys, mark: Mark) => Generator<SyscallTrap, void, number>): KernelBenchResult {
  const wall: number[] = [], virt: number[] = [];
  runInit(function* (u) {
    const ts = u.alloc(16);
    const mark: Mark = function* () {
      yield* u.sys('clock_gettime', 1, ts);
      virt.push(u.u64(ts) * 1e9 + u.u64(ts + 8));
      wall.push(opts.nowMs());
    };
    yield* body(u, mark);
  }, { untilNs: 36_000e9, description: { memoryBytes: 512 * 1024 * 1024 } });
  if (wall.length !== 2) throw new Error(`bench ${name}: the benchmark program did not finish`);
  const wallS = Math.max(1e-9, (wall[1] - wall[0]) / 1000);
  const virtS = Math.max(1e-9, (virt[1] - virt[0]) / 1e9);
  return { name, unit, iterations, perWallSecond: amount / wallS, perVirtualSecond: amount / virtS };
}

export function benchGetpid(opts: BenchOptions): KernelBenchResult {
  const n = opts.iterations ?? 200_000;
  return measure('getpid', 'calls/s', opts, n, n, function* (u, mark) {
    yield* mark();
    for (let i = 0; i < n; i++) yield* u.sys('getpid');
    yield* mark();
  });
}

export function benchPipe(opts: BenchOptions): KernelBenchResult {
  const chunks = opts.iterations ?? 2_000;
  const chunkBytes = 65536;
  return measure('pipe', 'MB/s', opts, chunks, (chunks * chunkBytes) / 1e6, function* (u, mark) {
    const fds = u.alloc(8);
    yield* u.sys('pipe2', fds, 0);
    const [r, w] = [u.i32(fds), u.i32(fds + 4)];
    const buf = u.alloc(chunkBytes);
    yield* mark();
    for (let i = 0; i < chunks; i++) {
      yield* u.sys('write', w, buf, chunkBytes);
      yield* u.sys('read', r, buf, chunkBytes);
    }
    yield* mark();
  });
}

export function benchForkExitWait(opts: BenchOptions): KernelBenchResult {
  const n = opts.iterations ?? 2_000;
  return measure('fork+exit+wait', 'forks/s', opts, n, n, function* (u, mark) {
    yield* mark();
    for (let i = 0; i < n; i++) {
      const pid = yield* u.fork(function* () { return 0; });
      yield* u.sys('wait4', pid, 0, 0, 0);
    }
    yield* mark();
  });
}

export function runKernelBenches(opts: BenchOptions): KernelBenchResult[] {
  return [benchGetpid(opts), benchPipe(opts), benchForkExitWait(opts)];
}
