import { describe, it, expect } from 'vitest';
import type { NativeContext, NativeProgram, SyscallTrap } from '../../abi/native';
import { runInit } from '../../testing/run';
import { USys } from '../../testing/usys';
import { EACCES, EINVAL, ESRCH } from '../errno';
import { TIMESLICE_NS } from '../costs';
import { sliceNsForNice, weightOfNice } from './weights';

type Gen<T> = Generator<SyscallTrap, T, number>;

const CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2;

function* clockNs(u: USys, clock: number): Gen<number> {
  const ts = u.alloc(16);
  yield* u.sys('clock_gettime', clock, ts);
  return u.u64(ts) * 1e9 + u.u64(ts + 8);
}

function* getcpu(u: USys): Gen<number> {
  const p = u.alloc(8);
  yield* u.sys('getcpu', p, 0, 0);
  return u.i32(p);
}

/** CPU-bound work: `calls` system calls back to back (500 ns each). */
function* burn(u: USys, calls: number): Gen<void> {
  for (let i = 0; i < calls; i++) yield* u.sys('getppid');
}

function* setAffinity(u: USys, pid: number, mask: number): Gen<number> {
  const p = u.alloc(8);
  u.ctx.mem.write(p, new Uint8Array([mask & 0xff, 0, 0, 0, 0, 0, 0, 0]));
  return yield* u.sys('sched_setaffinity', pid, 8, p);
}

function* readFile(u: USys, path: string): Gen<string> {
  const fd = yield* u.sys('openat', -100, u.cstr(path), 0, 0);
  if (fd < 0) return `error ${fd}`;
  const buf = u.alloc(4096);
  const n = yield* u.sys('read', fd, buf, 4096);
  yield* u.sys('close', fd);
  return n < 0 ? `error ${n}` : u.text(buf, n);
}

function* waitAll(u: USys, n: number): Gen<void> {
  for (let i = 0; i < n; i++) yield* u.sys('wait4', -1, 0, 0, 0);
}

/** Two CPU-bound children; returns the virtual time until both are reaped and the CPUs they ran on. */
function twoBurners(smp: number, seed = 1): { elapsedNs: number; cpus: number[]; output: string } {
  const got = { elapsedNs: 0, cpus: [] as number[] };
  const r = runInit(function* (u) {
    const start = yield* clockNs(u, CLOCK_MONOTONIC);
    for (let c = 0; c < 2; c++) {
      yield* u.fork(function* (cu) {
        yield* burn(cu, 20_000);
        got.cpus.push(yield* getcpu(cu));
        return 0;
      });
    }
    yield* waitAll(u, 2);
    got.elapsedNs = (yield* clockNs(u, CLOCK_MONOTONIC)) - start;
  }, { description: { smp }, seed });
  return { ...got, output: r.output };
}

describe('per-vCPU run queues (-smp N)', () => {
  it('two CPU-bound tasks finish in about half the virtual time on -smp 2 as on -smp 1', () => {
    const one = twoBurners(1), two = twoBurners(2);
    expect(one.cpus).toEqual([0, 0]);
    expect([...two.cpus].sort()).toEqual([0, 1]);
    // 2 x 20 000 calls x 500 ns = 20 ms of work.
    expect(one.elapsedNs).toBeGreaterThan(19e6);
    const ratio = two.elapsedNs / one.elapsedNs;
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
  });

  it('is deterministic: the same seed gives the same times and CPUs', () => {
    const a = twoBurners(2, 7), b = twoBurners(2, 7);
    expect(b).toEqual(a);
  });

  it('four tasks on -smp 4 run in parallel, each on its own CPU', () => {
    const got = { cpus: [] as number[], elapsedNs: 0 };
    runInit(function* (u) {
      const start = yield* clockNs(u, CLOCK_MONOTONIC);
      for (let c = 0; c < 4; c++) {
        yield* u.fork(function* (cu) {
          yield* burn(cu, 10_000);
          got.cpus.push(yield* getcpu(cu));
          return 0;
        });
      }
      yield* waitAll(u, 4);
      got.elapsedNs = (yield* clockNs(u, CLOCK_MONOTONIC)) - start;
    }, { description: { smp: 4 } });
    expect([...got.cpus].sort()).toEqual([0, 1, 2, 3]);
    // 5 ms of work each: in parallel well under the 20 ms they would take in turn.
    expect(got.elapsedNs).toBeLessThan(7e6);
  });

  it('nice 10 against nice 0 on one CPU shares time about 1024:110 (CFS weights)', () => {
    const cpuNs: Record<string, number> = {};
    runInit(function* (u) {
      const until = (yield* clockNs(u, CLOCK_MONOTONIC)) + 300e6;
      for (const nice of [0, 10]) {
        yield* u.fork(function* (cu) {
          if (nice !== 0) yield* cu.sys('setpriority', 0, 0, nice);
          while ((yield* clockNs(cu, CLOCK_MONOTONIC)) < until) yield* burn(cu, 50);
          cpuNs[`nice${nice}`] = yield* clockNs(cu, CLOCK_PROCESS_CPUTIME_ID);
          return 0;
        });
      }
      yield* waitAll(u, 2);
    });
    const ratio = cpuNs['nice0'] / cpuNs['nice10'];
    expect(ratio).toBeGreaterThan((1024 / 110) * 0.85);
    expect(ratio).toBeLessThan((1024 / 110) * 1.15);
  });

  it('sched_setaffinity pins a task; sched_getaffinity reads the mask back; errors as Linux', () => {
    const got: Record<string, number> = {};
    runInit(function* (u) {
      got.pin0 = yield* setAffinity(u, 0, 1);
      got.parentCpu = yield* getcpu(u);
      yield* u.fork(function* (cu) {
        got.childBefore = yield* getcpu(cu);
        got.pin1 = yield* setAffinity(cu, 0, 2);
        got.childAfter = yield* getcpu(cu);
        yield* burn(cu, 2000);
        got.childEnd = yield* getcpu(cu);
        const m = cu.alloc(8);
        got.getLen = yield* cu.sys('sched_getaffinity', 0, 8, m);
        got.getMask = cu.read(m, 1)[0];
        return 0;
      });
      // The child inherited the parent's mask (CPU 0 only) until it changed it.
      yield* waitAll(u, 1);
      got.empty = yield* setAffinity(u, 0, 0);
      got.offline = yield* setAffinity(u, 0, 4);
      got.noTask = yield* setAffinity(u, 4242, 1);
      got.shortLen = yield* u.sys('sched_getaffinity', 0, 4, u.alloc(8));
    }, { description: { smp: 2 } });
    expect(got).toMatchObject({
      pin0: 0, parentCpu: 0, childBefore: 0, pin1: 0, childAfter: 1, childEnd: 1, getLen: 8, getMask: 2,
      empty: -EINVAL, offline: -EINVAL, noTask: -ESRCH, shortLen: -EINVAL,
    });
  });

  it('getpriority returns 20 - nice; children inherit nice; lowering it needs root', () => {
    const got: Record<string, number> = {};
    runInit(function* (u) {
      got.initial = yield* u.sys('getpriority', 0, 0);
      got.set = yield* u.sys('setpriority', 0, 0, 5);
      got.after = yield* u.sys('getpriority', 0, 0);
      got.clamped = yield* u.sys('setpriority', 0, 0, 100);
      got.max = yield* u.sys('getpriority', 0, 0);
      yield* u.fork(function* (cu) {
        got.child = yield* cu.sys('getpriority', 0, 0);
        yield* cu.sys('setuid', 1000);
        got.raise = yield* cu.sys('setpriority', 0, 0, 15);
        got.lower = yield* cu.sys('setpriority', 0, 0, 0);
        return 0;
      });
      yield* waitAll(u, 1);
      got.badWhich = yield* u.sys('getpriority', 7, 0);
      got.noPid = yield* u.sys('getpriority', 0, 4242);
    });
    expect(got).toEqual({
      initial: 20, set: 0, after: 15, clamped: 0, max: 1, child: 1, raise: -EACCES, lower: -EACCES, badWhich: -EINVAL, noPid: -ESRCH,
    });
  });

  it('weights follow Linux sched_prio_to_weight and scale the slice', () => {
    expect([weightOfNice(-20), weightOfNice(0), weightOfNice(10), weightOfNice(19)]).toEqual([88761, 1024, 110, 15]);
    expect(sliceNsForNice(0)).toBe(TIMESLICE_NS);
    expect(sliceNsForNice(10)).toBe(Math.round((TIMESLICE_NS * 110) / 1024));
    expect(weightOfNice(99)).toBe(15);
  });

  it('/sys/devices/system/cpu and /proc/stat show every vCPU, with the busy time each ran', () => {
    const got: Record<string, string> = {};
    runInit(function* (u) {
      yield* u.sys('mount', u.cstr('sysfs'), u.cstr('/sys'), u.cstr('sysfs'), 0, 0);
      yield* u.sys('mount', u.cstr('proc'), u.cstr('/proc'), u.cstr('proc'), 0, 0);
      for (const f of ['online', 'possible', 'present', 'offline', 'cpu3/topology/core_id']) got[f] = yield* readFile(u, `/sys/devices/system/cpu/${f}`);
      yield* u.fork(function* (cu) {
        yield* burn(cu, 60_000);
        return 0;
      });
      yield* burn(u, 60_000);
      yield* waitAll(u, 1);
      got.stat = yield* readFile(u, '/proc/stat');
    }, { description: { smp: 4 } });
    expect(got).toMatchObject({ online: '0-3\n', possible: '0-3\n', present: '0-3\n', offline: '\n', 'cpu3/topology/core_id': '3\n' });
    const lines = got.stat.split('\n').filter((l) => l.startsWith('cpu'));
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['cpu', 'cpu0', 'cpu1', 'cpu2', 'cpu3']);
    // Each burner ran 60 000 x 500 ns = 30 ms (user + system), on CPUs 0 and 1; 2 and 3 stayed idle.
    const busy = lines.map((l) => Number(l.split(/ +/)[1]) + Number(l.split(/ +/)[3]));
    expect(busy[1]).toBeGreaterThanOrEqual(2);
    expect(busy[2]).toBeGreaterThanOrEqual(2);
    expect(busy.slice(3)).toEqual([0, 0]);
    expect(busy[0]).toBeGreaterThanOrEqual(busy[1] + busy[2] - 1);
  });

  it('/proc/PID/stat reports the nice level, the priority and the CPU the task ran on', () => {
    let stat = '';
    runInit(function* (u) {
      yield* u.sys('mount', u.cstr('proc'), u.cstr('/proc'), u.cstr('proc'), 0, 0);
      yield* u.sys('setpriority', 0, 0, 7);
      yield* setAffinity(u, 0, 2);
      stat = yield* readFile(u, '/proc/self/stat');
    }, { description: { smp: 2 } });
    // Fields after "(comm)" start at 3: priority is field 18, nice 19, processor 39.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect([f[18 - 3], f[19 - 3], f[39 - 3]]).toEqual(['27', '7', '1']);
  });

  it('threads of one process (CLONE_THREAD) spread over the vCPUs and run in parallel', () => {
    const CLONE_THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x100000 | 0x200000;
    const FUTEX_WAIT_PRIVATE = 128;
    const elapsed = (smp: number): { ns: number; cpus: number[] } => {
      const got = { ns: 0, cpus: [] as number[] };
      runInit(function* (u) {
        const t0 = yield* clockNs(u, CLOCK_MONOTONIC);
        const slots = [u.alloc(8), u.alloc(8), u.alloc(8)];
        for (const slot of slots) {
          const base = u.base;
          const childEntry = (ctx: NativeContext): NativeProgram => (function* () {
            const c = new USys(ctx, base);
            c.next = 1 << 19;
            yield* burn(c, 10_000);
            got.cpus.push(yield* getcpu(c));
            yield* c.sys('exit', 0);
            return 0;
          })();
          yield { nr: 220, args: [CLONE_THREAD_FLAGS, 0, slot, 0, slot, 0], childEntry };
        }
        yield* burn(u, 10_000);
        // Join as pthread_join does: wait until CLONE_CHILD_CLEARTID zeroes each tid word.
        for (const slot of slots) for (let tid = u.i32(slot); tid !== 0; tid = u.i32(slot)) yield* u.sys('futex', slot, FUTEX_WAIT_PRIVATE, tid, 0, 0, 0);
        got.ns = (yield* clockNs(u, CLOCK_MONOTONIC)) - t0;
      }, { description: { smp } });
      return got;
    };
    const one = elapsed(1), four = elapsed(4);
    expect([...four.cpus].sort()).toEqual([1, 2, 3]);
    // Four threads of 5 ms each: 20 ms on one CPU, about 5 ms on four.
    expect(one.ns).toBeGreaterThan(19e6);
    expect(four.ns / one.ns).toBeLessThan(0.3);
  });
});
