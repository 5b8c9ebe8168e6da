import { describe, it, expect } from 'vitest';
import { NATIVE_COMPUTE_NR, type SyscallTrap } from '../abi/native';
import { DEFAULT_HOST_CPU, shareNs } from '../llm/cost-model';
import { runInit } from '../testing/run';
import { USys } from '../testing/usys';

const WORK = { flops: 160e6, bytes: 0 }; // 10 ms on the default 2 GHz × 8 FLOPs/cycle core
const compute = (w = WORK, threads = 1): SyscallTrap => ({ nr: NATIVE_COMPUTE_NR, args: [w.flops, w.bytes, threads] });

function* nowNs(u: USys): Generator<SyscallTrap, number, number> {
  const ts = u.alloc(16);
  yield* u.sys('clock_gettime', 1, ts);
  return u.u64(ts) * 1e9 + u.u64(ts + 8);
}

/** Elapsed virtual ns for `tasks` processes each running one compute trap of WORK. */
function elapsed(tasks: number, smp: number, extra: Record<string, unknown> = {}, work = WORK): number {
  let ns = 0;
  runInit(function* (u) {
    const t0 = yield* nowNs(u);
    for (let i = 1; i < tasks; i++) {
      yield* u.fork(function* (): Generator<SyscallTrap, number, number> {
        yield compute(work);
        return 0;
      });
    }
    yield compute(work);
    for (let i = 1; i < tasks; i++) yield* u.sys('wait4', -1, 0, 0, 0);
    ns = (yield* nowNs(u)) - t0;
  }, { description: { smp, extra } });
  return ns;
}

describe('the compute trap', () => {
  it('burns the CPU model time of its work (within the jitter) and returns 0', () => {
    let result = -1;
    runInit(function* (u) {
      result = yield compute();
    });
    expect(result).toBe(0);
    const expected = shareNs(WORK, DEFAULT_HOST_CPU, 1);
    const got = elapsed(1, 1);
    expect(got).toBeGreaterThan(expected * (1 - DEFAULT_HOST_CPU.jitter) - 1);
    expect(got).toBeLessThan(expected * (1 + DEFAULT_HOST_CPU.jitter) + 100_000);
  });

  it('is preemptible: two CPU-bound tasks on one vCPU take twice as long, on two vCPUs as long as one', () => {
    const one = elapsed(1, 1), twoOnOne = elapsed(2, 1), twoOnTwo = elapsed(2, 2);
    expect(twoOnOne / one).toBeGreaterThan(1.9);
    expect(twoOnOne / one).toBeLessThan(2.1);
    expect(twoOnTwo / one).toBeLessThan(1.1);
  });

  it('memory-bound work of two jobs at once shares the memory bus', () => {
    const cpu = { 'host-cpu': { cores: 2, 'memory-bandwidth-gbs': 10, 'core-bandwidth-gbs': 10, jitter: 0 } };
    const streaming = { flops: 0, bytes: 100e6 }; // 10 ms alone at 10 GB/s
    const alone = elapsed(1, 2, cpu, streaming), together = elapsed(2, 2, cpu, streaming);
    expect(alone).toBeGreaterThan(9.9e6);
    expect(together / alone).toBeGreaterThan(1.4);
    // Compute-bound work on two vCPUs does not contend.
    expect(elapsed(2, 2, cpu) / elapsed(1, 2, cpu)).toBeLessThan(1.1);
  });

  it('follows the profile host-cpu: a twice as fast core halves the time; garbage arguments cost nothing', () => {
    const slow = elapsed(1, 1, { 'host-cpu': { ghz: 2, 'flops-per-cycle': 8, jitter: 0 } });
    const fast = elapsed(1, 1, { 'host-cpu': { ghz: 4, 'flops-per-cycle': 8, jitter: 0 } });
    expect(slow / fast).toBeGreaterThan(1.95);
    expect(slow / fast).toBeLessThan(2.05);
    let r = -1, ns = 0;
    runInit(function* (u) {
      const t0 = yield* nowNs(u);
      r = yield { nr: NATIVE_COMPUTE_NR, args: [Number.NaN, -5, 1e300] };
      ns = (yield* nowNs(u)) - t0;
    });
    expect(r).toBe(0);
    expect(ns).toBeLessThan(10_000);
  });
});
