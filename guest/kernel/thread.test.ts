import { describe, it, expect } from 'vitest';
import type { NativeContext, NativeProgram, SyscallTrap } from '../abi/native';
import { runInit } from '../testing/run';
import { USys } from '../testing/usys';
import { EAGAIN, EINVAL, ENOSYS, ETIMEDOUT } from './errno';
import { FUTEX_CMP_REQUEUE, FUTEX_PRIVATE_FLAG, FUTEX_WAIT, FUTEX_WAKE } from './syscalls/sys-futex';

const CLONE_THREAD_FLAGS = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x100000 | 0x200000;
const WAIT = FUTEX_WAIT | FUTEX_PRIVATE_FLAG, WAKE = FUTEX_WAKE | FUTEX_PRIVATE_FLAG;

/** clone a thread running `body` (it shares `u`'s scratch memory); returns its tid. */
function* spawnThread(u: USys, tidSlot: number, body: (c: USys) => Generator<SyscallTrap, void, number>): Generator<SyscallTrap, number, number> {
  const base = u.base;
  const childEntry = (ctx: NativeContext): NativeProgram => (function* () {
    const c = new USys(ctx, base);
    c.next = 1 << 19;
    yield* body(c);
    yield* c.sys('exit', 0);
    return 0;
  })();
  return yield { nr: 220, args: [CLONE_THREAD_FLAGS, 0, tidSlot, 0, tidSlot, 0], childEntry };
}

function* sleepMs(u: USys, ms: number): Generator<SyscallTrap, number, number> {
  const ts = u.alloc(16);
  u.ctx.mem.write(ts, new Uint8Array(new BigInt64Array([0n, BigInt(ms * 1e6)]).buffer));
  return yield* u.sys('nanosleep', ts, 0);
}

/** Joins like pthread_join: wait until CLONE_CHILD_CLEARTID zeroes the tid word. */
function* join(u: USys, tidSlot: number): Generator<SyscallTrap, void, number> {
  for (let tid = u.i32(tidSlot); tid !== 0; tid = u.i32(tidSlot)) yield* u.sys('futex', tidSlot, WAIT, tid, 0, 0, 0);
}

describe('threads (CLONE_THREAD) and futexes', () => {
  it('a thread shares memory and the tgid, has its own tid, and futex WAIT/WAKE hand off between them', () => {
    const got: Record<string, number> = {};
    runInit(function* (u) {
      const word = u.alloc(8), tidSlot = u.alloc(8), out = u.alloc(16);
      const tid = yield* spawnThread(u, tidSlot, function* (c) {
        c.setI32(out, yield* c.sys('getpid'));
        c.setI32(out + 4, yield* c.sys('gettid'));
        c.setI32(out + 8, yield* c.sys('futex', word, WAIT, 0, 0, 0, 0));
        c.setI32(out + 12, c.i32(word));
      });
      got.tid = tid;
      got.settid = u.i32(tidSlot);
      yield* sleepMs(u, 1);
      u.setI32(word, 42);
      got.woken = yield* u.sys('futex', word, WAKE, 1, 0, 0, 0);
      yield* join(u, tidSlot);
      got.pid = yield* u.sys('getpid');
      got.threadPid = u.i32(out);
      got.threadTid = u.i32(out + 4);
      got.waitResult = u.i32(out + 8);
      got.seen = u.i32(out + 12);
      got.cleared = u.i32(tidSlot);
    });
    expect(got.tid).toBeGreaterThan(1);
    expect(got.settid).toBe(got.tid);
    expect(got.threadPid).toBe(got.pid);
    expect(got.threadTid).toBe(got.tid);
    expect(got.woken).toBe(1);
    expect(got.waitResult).toBe(0);
    expect(got.seen).toBe(42);
    expect(got.cleared).toBe(0);
  });

  it('futex errors: value mismatch, timeouts on virtual time, bad alignment and operations', () => {
    const got: number[] = [];
    let elapsedNs = 0;
    runInit(function* (u) {
      const word = u.alloc(8), ts = u.alloc(16), clock = u.alloc(16);
      u.ctx.mem.write(ts, new Uint8Array(new BigInt64Array([0n, 5_000_000n]).buffer));
      const now = function* (): Generator<SyscallTrap, number, number> {
        yield* u.sys('clock_gettime', 1, clock);
        return u.u64(clock) * 1e9 + u.u64(clock + 8);
      };
      got.push(yield* u.sys('futex', word, WAIT, 1, 0, 0, 0));
      const before = yield* now();
      got.push(yield* u.sys('futex', word, WAIT, 0, ts, 0, 0));
      elapsedNs = (yield* now()) - before;
      got.push(yield* u.sys('futex', word + 2, WAKE, 1, 0, 0, 0));
      got.push(yield* u.sys('futex', word, 6 | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0));
      got.push(yield* u.sys('futex', word, WAKE, 1, 0, 0, 0));
    });
    expect(got).toEqual([-EAGAIN, -ETIMEDOUT, -EINVAL, -ENOSYS, 0]);
    expect(elapsedNs).toBeGreaterThanOrEqual(5_000_000);
    expect(elapsedNs).toBeLessThan(6_000_000);
  });

  it('CMP_REQUEUE wakes one waiter and moves the other to a second futex', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const a = u.alloc(8), b = u.alloc(8), t1 = u.alloc(8), t2 = u.alloc(8), done = u.alloc(8);
      for (const slot of [t1, t2]) {
        yield* spawnThread(u, slot, function* (c) {
          yield* c.sys('futex', a, WAIT, 0, 0, 0, 0);
          c.setI32(done, c.i32(done) + 1);
        });
      }
      yield* sleepMs(u, 1);
      got.push(yield* u.sys('futex', a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1, b, 1));
      got.push(yield* u.sys('futex', a, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1, b, 0));
      yield* sleepMs(u, 1);
      got.push(u.i32(done));
      got.push(yield* u.sys('futex', b, WAKE, 10, 0, 0, 0));
      yield* join(u, t1);
      yield* join(u, t2);
      got.push(u.i32(done));
    });
    expect(got).toEqual([-EAGAIN, 2, 1, 1, 2]);
  });

  it('exit_group in a thread ends the whole process with that status; exit ends only the thread', () => {
    const statuses: number[] = [];
    runInit(function* (u) {
      for (const group of [true, false]) {
        const pid = yield* u.fork(function* (c) {
          const word = c.alloc(8), slot = c.alloc(8);
          yield* spawnThread(c, slot, function* (t) {
            if (group) yield* t.sys('exit_group', 7);
          });
          if (group) yield* c.sys('futex', word, WAIT, 0, 0, 0, 0);
          else yield* join(c, slot);
          return 9;
        });
        const st = u.alloc(4);
        yield* u.sys('wait4', pid, st, 0, 0);
        statuses.push(u.i32(st));
      }
    });
    expect(statuses).toEqual([7 << 8, 9 << 8]);
  });

  it('a process-directed signal goes to a thread that does not block it, and its default action ends every thread', () => {
    let status = -1;
    runInit(function* (u) {
      const pid = yield* u.fork(function* (c) {
        const mask = c.alloc(8), word = c.alloc(8), slot = c.alloc(8);
        c.ctx.mem.write(mask, new Uint8Array(new BigUint64Array([1n << 14n]).buffer));
        yield* c.sys('rt_sigprocmask', 0, mask, 0, 8);
        c.ctx.mem.write(mask, new Uint8Array(8));
        yield* spawnThread(c, slot, function* (t) {
          yield* t.sys('rt_sigprocmask', 2, mask, 0, 8);
          yield* t.sys('kill', yield* t.sys('getpid'), 15);
          yield* t.sys('futex', word, WAIT, 0, 0, 0, 0);
        });
        yield* c.sys('futex', word, WAIT, 0, 0, 0, 0);
        return 0;
      });
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      status = u.i32(st);
    });
    expect(status).toBe(15);
  });

  it('a shared futex in a MAP_SHARED area links processes; private memory stays per process', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const area = yield* u.sys('mmap', 0, 4096, 3, 0x21, -1, 0);
      const pid = yield* u.fork(function* (c) {
        yield* sleepMs(c, 1);
        c.setI32(area, 1);
        return yield* c.sys('futex', area, FUTEX_WAKE, 1, 0, 0, 0);
      });
      got.push(yield* u.sys('futex', area, FUTEX_WAIT, 0, 0, 0, 0));
      got.push(u.i32(area));
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st) >> 8);
    });
    expect(got).toEqual([0, 1, 1]);
  });

  it('a thread dying with a robust mutex held marks it OWNER_DIED and wakes a waiter (exit_robust_list)', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const head = u.alloc(24), entry = u.alloc(16), slot = u.alloc(8), ready = u.alloc(8);
      const word = entry + 8;
      const w64 = (addr: number, v: number) => u.ctx.mem.write(addr, new Uint8Array(new BigInt64Array([BigInt(v)]).buffer));
      yield* spawnThread(u, slot, function* (t) {
        w64(head, entry);
        w64(head + 8, 8);
        w64(head + 16, 0);
        w64(entry, head);
        got.push(yield* t.sys('set_robust_list', head, 24));
        t.setI32(word, ((yield* t.sys('gettid')) | 0x8000_0000) | 0);
        t.setI32(ready, 1);
        yield* t.sys('futex', ready, WAKE, 1, 0, 0, 0);
        yield* sleepMs(t, 1); // the main thread is waiting on the mutex word when this one dies
      });
      while (u.i32(ready) === 0) yield* u.sys('futex', ready, WAIT, 0, 0, 0, 0);
      const held = u.i32(word);
      got.push(yield* u.sys('futex', word, FUTEX_WAIT, held, 0, 0, 0));
      got.push(u.i32(word) >>> 0);
    });
    expect(got).toEqual([0, 0, 0xc000_0000]);
  });
});
