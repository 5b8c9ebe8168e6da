// The native programs' compute trap (NATIVE_COMPUTE_NR in abi/native.ts): work counted in FLOPs
// and bytes becomes user CPU time on the task that runs it, through the machine's CPU model
// (guest/llm/cost-model.ts). It is burnt like instructions: at most up to the end of the task's
// slice or the run limit at a time, the rest left pending, so other tasks (and, with several
// vCPUs, other CPUs) interleave with it exactly as with any CPU-bound code.

import { NATIVE_COMPUTE_NR, type SyscallTrap } from '../abi/native';
import { parseHostCpu, shareNs, type HostCpu } from '../llm/cost-model';
import type { Prng } from '../../emulator/random/prng';
import type { Kernel } from './kernel';
import type { Task } from './task';

interface CpuTiming {
  cpu: HostCpu;
  prng: Prng;
  /** Tasks inside a compute trap that streams memory, in arrival order: they share the bus. */
  streaming: Set<Task>;
}

const timings = new WeakMap<Kernel, CpuTiming>();

/** The machine's CPU model; a malformed profile entry falls back to the default (with a log line). */
export function cpuTiming(k: Kernel): CpuTiming {
  let t = timings.get(k);
  if (!t) {
    const parsed = parseHostCpu(k.machine.description.extra['host-cpu'], k.machine.description.smp);
    if (typeof parsed === 'string') k.klog.printk(`cpu model: ${parsed}; using the default`, 4);
    const cpu = typeof parsed === 'string' ? (parseHostCpu(undefined, k.machine.description.smp) as HostCpu) : parsed;
    t = { cpu, prng: k.machine.prng.fork('cpu-timing'), streaming: new Set() };
    timings.set(k, t);
  }
  return t;
}

/** Tasks still streaming (a task that left its compute trap, or died in it, no longer counts). */
function busStreams(timing: CpuTiming): number {
  for (const t of timing.streaming) if (t.state === 'zombie' || t.pendingTrap?.nr !== NATIVE_COMPUTE_NR) timing.streaming.delete(t);
  return timing.streaming.size;
}

/**
 * The ns one compute trap of task `t` costs: the model's share time with the CPU's seeded jitter.
 * Memory bandwidth is shared by the job's declared threads or, when more are streaming at once
 * (another job's), by all of them.
 */
export function computeTrapNs(k: Kernel, t: Task, args: readonly number[]): number {
  const [flops = 0, bytes = 0, threads = 1] = args;
  const ok = (x: number): boolean => Number.isFinite(x) && x >= 0;
  if (!ok(flops) || !ok(bytes) || !ok(threads)) return 0;
  const timing = cpuTiming(k);
  const n = Math.max(1, Math.min(4096, Math.floor(threads)));
  let streams = n;
  if (bytes > 0) {
    streams = Math.max(n, busStreams(timing) + 1);
    timing.streaming.add(t);
  }
  const base = shareNs({ flops, bytes }, timing.cpu, n, streams);
  const jitter = timing.cpu.jitter > 0 ? 1 + timing.cpu.jitter * (2 * timing.prng.nextFloat() - 1) : 1;
  return Math.ceil(base * jitter);
}

/** Runs (part of) a pending compute trap; finishes it with result 0 once all its time is spent. */
export function runCompute(k: Kernel, t: Task, trap: SyscallTrap, limitNs: number): void {
  const left = t.restart['computeLeftNs'] ?? computeTrapNs(k, t, trap.args);
  const room = Math.max(0, Math.min(limitNs - k.now, t.sliceLeftNs));
  // charge may stop short (at the next pending event): only what it advanced is spent.
  const before = k.now;
  k.charge(Math.min(left, room), limitNs);
  const spent = Math.max(0, k.now - before);
  t.usage.utimeNs += spent;
  if (left - spent <= 0) k.finishSyscall(t, 0);
  else t.restart['computeLeftNs'] = left - spent;
}
