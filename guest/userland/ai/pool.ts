// The worker threads of an inference program (`-t N`), as ggml's thread pool: N-1 threads made
// with clone(CLONE_THREAD) wait on a futex; for every step the main thread publishes the work
// (FLOPs, bytes) in shared memory and bumps a generation word, all N threads burn their equal
// share through the compute trap, and the main thread waits until the others have reported done.
// So a step takes as long as its slowest thread: a thread that loses its CPU to another task
// (a background service, a higher-priority job) delays the whole step, as on a real machine.

import { NATIVE_COMPUTE_NR, type NativeContext, type NativeProgram, type UserMemory } from '../../abi/native';
import type { Work } from '../../llm/cost-model';
import { MAP_ANONYMOUS, MAP_PRIVATE, NR, PROT_READ, PROT_WRITE } from '../libc/numbers';
import { trap, type Sc, type Sys } from '../libc/sys';

const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000;
const CLONE_SYSVSEM = 0x40000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000;
const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
/** futex(2), asm-generic (the libc's NR table does not list it). */
const NR_FUTEX = 98;
const FUTEX_WAIT_PRIVATE = 128, FUTEX_WAKE_PRIVATE = 129;
const INT_MAX = 0x7fffffff;
export const MAX_THREADS = 64;

// Layout of the shared page.
const GEN = 0, DONE = 4, QUIT = 8, FLOPS = 16, BYTES = 24, TIDS = 64;

function computeTrap(work: Work, threads: number) {
  return trap(NATIVE_COMPUTE_NR, [work.flops, work.bytes, threads]);
}

class Shared {
  constructor(readonly mem: UserMemory, readonly base: number) {}
  u32(off: number): number {
    const b = this.mem.read(this.base + off, 4);
    return b ? new DataView(b.buffer, b.byteOffset).getUint32(0, true) : 0;
  }
  setU32(off: number, v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.mem.write(this.base + off, b);
  }
  f64(off: number): number {
    const b = this.mem.read(this.base + off, 8);
    return b ? new DataView(b.buffer, b.byteOffset).getFloat64(0, true) : 0;
  }
  setF64(off: number, v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.mem.write(this.base + off, b);
  }
}

function workerEntry(base: number, threads: number): (ctx: NativeContext) => NativeProgram {
  return (ctx) => (function* (): NativeProgram {
    const s = new Shared(ctx.mem, base);
    let seen = 0;
    for (;;) {
      if (s.u32(QUIT) !== 0) break;
      const gen = s.u32(GEN);
      if (gen === seen) {
        yield trap(NR_FUTEX, [base + GEN, FUTEX_WAIT_PRIVATE, seen, 0, 0, 0]);
        continue;
      }
      seen = gen;
      yield computeTrap({ flops: s.f64(FLOPS), bytes: s.f64(BYTES) }, threads);
      // Between two traps nothing else runs, so this read-modify-write is atomic.
      const done = s.u32(DONE) + 1;
      s.setU32(DONE, done);
      if (done === threads - 1) yield trap(NR_FUTEX, [base + DONE, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0]);
    }
    for (;;) yield trap(NR.exit, [0]);
  })();
}

export class ComputePool {
  private constructor(
    private readonly shared: Shared | undefined,
    readonly threads: number,
  ) {}

  /** Starts threads-1 workers (none for 1); -errno if memory or a thread cannot be had. */
  static *start(sys: Sys, threads: number): Sc<ComputePool | number> {
    const n = Math.max(1, Math.min(MAX_THREADS, Math.floor(threads)));
    if (n === 1) return new ComputePool(undefined, 1);
    const base = yield trap(NR.mmap, [0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0]);
    if (base < 0 && base > -4096) return base;
    const shared = new Shared(sys.mem, base);
    for (let i = 1; i < n; i++) {
      const slot = base + TIDS + 4 * i;
      const tid = yield trap(NR.clone, [THREAD_FLAGS, 0, slot, 0, slot, 0], workerEntry(base, n));
      if (tid < 0) {
        const pool = new ComputePool(shared, i);
        yield* pool.stop();
        return tid;
      }
    }
    return new ComputePool(shared, n);
  }

  /** One step: every thread burns its share of `work`; returns when the slowest is done. */
  *run(work: Work): Sc<void> {
    const s = this.shared;
    if (!s || this.threads === 1) {
      yield computeTrap(work, 1);
      return;
    }
    s.setF64(FLOPS, work.flops);
    s.setF64(BYTES, work.bytes);
    s.setU32(DONE, 0);
    s.setU32(GEN, s.u32(GEN) + 1);
    yield trap(NR_FUTEX, [s.base + GEN, FUTEX_WAKE_PRIVATE, INT_MAX, 0, 0, 0]);
    yield computeTrap(work, this.threads);
    for (let done = s.u32(DONE); done < this.threads - 1; done = s.u32(DONE)) {
      yield trap(NR_FUTEX, [s.base + DONE, FUTEX_WAIT_PRIVATE, done, 0, 0, 0]);
    }
  }

  /** Ends the workers and joins them (their tid words are cleared on exit, as pthread_join waits for). */
  *stop(): Sc<void> {
    const s = this.shared;
    if (!s) return;
    s.setU32(QUIT, 1);
    s.setU32(GEN, s.u32(GEN) + 1);
    yield trap(NR_FUTEX, [s.base + GEN, FUTEX_WAKE_PRIVATE, INT_MAX, 0, 0, 0]);
    for (let i = 1; i < this.threads; i++) {
      const slot = TIDS + 4 * i;
      for (let tid = s.u32(slot); tid !== 0; tid = s.u32(slot)) {
        yield trap(NR_FUTEX, [s.base + slot, FUTEX_WAIT_PRIVATE, tid, 0, 0, 0]);
      }
    }
  }
}
