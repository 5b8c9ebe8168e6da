// Syscall conformance: signals (handlers, masks, EINTR/restart, stop/continue, tty signals),
// clocks and sleeps, and system information calls.
import { describe, it, expect } from 'vitest';
import type { NativeProgram } from '../abi/native';
import { runInit } from '../testing/run';
import type { USys } from '../testing/usys';
import { EINTR, EINVAL, EFAULT, EPERM } from './errno';

const SA_RESTART = 0x10000000;

function* sigaction(u: USys, sig: number, handler: number, flags = 0) {
  const act = u.bytes(new Uint8Array(new BigUint64Array([BigInt(handler), BigInt(flags), 0n, 0n]).buffer));
  return yield* u.sys('rt_sigaction', sig, act, 0, 8);
}

describe('signals', () => {
  it('a native handler runs on delivery and the program continues', () => {
    const log: string[] = [];
    runInit(function* (u) {
      const h = u.ctx.signalHandler!(function* (sig: number): NativeProgram {
        log.push(`handler ${sig}`);
        yield { nr: 172, args: [] };
        return 0;
      });
      yield* sigaction(u, 10, h);
      yield* u.sys('kill', 1, 10);
      log.push('after kill');
    });
    expect(log).toEqual(['handler 10', 'after kill']);
  });

  it('blocked signals stay pending until unblocked', () => {
    const got: number[] = [];
    runInit(function* (u) {
      let handled = 0;
      const h = u.ctx.signalHandler!(function* (): NativeProgram {
        handled++;
        return 0;
      });
      yield* sigaction(u, 12, h);
      const set = u.bytes(new Uint8Array(new BigUint64Array([1n << 11n]).buffer));
      yield* u.sys('rt_sigprocmask', 0, set, 0, 8);
      yield* u.sys('kill', 1, 12);
      const pend = u.alloc(8);
      yield* u.sys('rt_sigpending', pend, 8);
      got.push(handled, u.u64(pend));
      yield* u.sys('rt_sigprocmask', 1, set, 0, 8);
      got.push(handled, yield* u.sys('rt_sigprocmask', 7, set, 0, 8));
    });
    expect(got).toEqual([0, 2048, 1, -EINVAL]);
  });

  it('a blocked read is interrupted: EINTR without SA_RESTART, restarted with it', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const fds = u.alloc(8);
      yield* u.sys('pipe2', fds, 0);
      const [r, w] = [u.i32(fds), u.i32(fds + 4)];
      const h = u.ctx.signalHandler!(function* (): NativeProgram { return 0; });
      for (const flags of [0, SA_RESTART]) {
        const pid = yield* u.fork(function* (c) {
          yield* sigaction(c, 10, h, flags);
          const buf = c.alloc(8);
          const n = yield* c.sys('read', r, buf, 8);
          return n === -EINTR ? 100 : n;
        });
        yield* u.sys('sched_yield');
        yield* u.sys('kill', pid, 10);
        yield* u.sys('sched_yield');
        yield* u.sys('write', w, u.cstr('abc'), 3);
        const st = u.alloc(4);
        yield* u.sys('wait4', pid, st, 0, 0);
        got.push(u.i32(st) >> 8);
        if (flags === 0) yield* u.sys('read', r, u.alloc(8), 8);
      }
    });
    expect(got).toEqual([100, 3]);
  });

  it('ppoll applies its temporary mask while waiting and restores the old one', () => {
    const got: number[] = [];
    runInit(function* (u) {
      let handled = 0;
      const h = u.ctx.signalHandler!(function* (): NativeProgram { handled++; return 0; });
      yield* sigaction(u, 10, h);
      const usr1 = u.bytes(new Uint8Array(new BigUint64Array([1n << 9n]).buffer));
      yield* u.sys('rt_sigprocmask', 0, usr1, 0, 8);
      yield* u.fork(function* (c) {
        yield* c.sys('kill', 1, 10);
        return 0;
      });
      const empty = u.bytes(new Uint8Array(8));
      got.push(yield* u.sys('ppoll', 0, 0, 0, empty, 8), handled);
      const cur = u.alloc(8);
      yield* u.sys('rt_sigprocmask', 0, 0, cur, 8);
      got.push(u.u64(cur));
    });
    expect(got).toEqual([-EINTR, 1, 512]);
  });

  it('SIGSTOP/SIGCONT are reported through WUNTRACED/WCONTINUED', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('ppoll', 0, 0, 0, 0, 8);
        return 0;
      });
      yield* u.sys('sched_yield');
      const st = u.alloc(4);
      yield* u.sys('kill', pid, 19);
      got.push(yield* u.sys('wait4', pid, st, 2, 0), u.i32(st));
      yield* u.sys('kill', pid, 18);
      got.push(yield* u.sys('wait4', pid, st, 8, 0), u.i32(st));
      yield* u.sys('kill', pid, 9);
      got.push(yield* u.sys('wait4', pid, st, 0, 0), u.i32(st));
    });
    expect(got).toEqual([2, (19 << 8) | 0x7f, 2, 0xffff, 2, 9]);
  });

  it('^C on the console sends SIGINT to the foreground process group', () => {
    const got: number[] = [];
    runInit(function* (u) {
      yield* u.sys('setsid');
      got.push(yield* u.sys('ioctl', 0, 0x540e, 0));
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('read', 0, c.alloc(16), 16);
        return 0;
      });
      const ign = 1;
      yield* sigaction(u, 2, ign);
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st));
    }, { input: ['\x03'] });
    expect(got).toEqual([0, 2]);
  });
});

describe('time', () => {
  it('nanosleep advances virtual time by the request; clocks agree', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const ts = u.alloc(16);
      yield* u.sys('clock_gettime', 1, ts);
      const t0 = u.u64(ts) * 1e9 + u.u64(ts + 8);
      const req = u.bytes(new Uint8Array(new BigInt64Array([2n, 500_000_000n]).buffer));
      got.push(yield* u.sys('nanosleep', req, 0));
      yield* u.sys('clock_gettime', 1, ts);
      const dt = u.u64(ts) * 1e9 + u.u64(ts + 8) - t0;
      got.push(dt >= 2.5e9 && dt < 2.5e9 + 1e6 ? 1 : 0);
      yield* u.sys('clock_gettime', 0, ts);
      got.push(u.u64(ts) >= 1_704_067_200 ? 1 : 0);
      got.push(yield* u.sys('clock_gettime', 99, ts), yield* u.sys('clock_gettime', 1, 0x20));
      const bad = u.bytes(new Uint8Array(new BigInt64Array([0n, 2_000_000_000n]).buffer));
      got.push(yield* u.sys('nanosleep', bad, 0));
    });
    expect(got).toEqual([0, 1, 1, -EINVAL, -EFAULT, -EINVAL]);
  });
});

describe('system information', () => {
  it('uname, sethostname, sysinfo, getrandom, reboot permission', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      const name = u.cstr('box');
      got.push(yield* u.sys('sethostname', name, 3));
      const uts = u.alloc(390);
      got.push(yield* u.sys('uname', uts));
      const field = (i: number) => u.text(uts + 65 * i, 65).replace(/\0.*$/s, '');
      got.push(field(0), field(1), field(2), field(4));
      const si = u.alloc(112);
      got.push(yield* u.sys('sysinfo', si), u.u64(si + 32) > 0 ? 1 : 0);
      const rnd = u.alloc(16);
      got.push(yield* u.sys('getrandom', rnd, 16, 0));
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('setresuid', 1000, 1000, 1000);
        return -(yield* c.sys('reboot', 0xfee1dead, 672274793, 0x4321fedc, 0));
      });
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st) >> 8);
    });
    expect(got).toEqual([0, 0, 'Linux', 'box', '6.12.0-twinbox', 'aarch64', 0, 1, 16, EPERM]);
  });
});

describe('job control', () => {
  it('a background read from the controlling terminal stops the job with SIGTTIN', () => {
    const got: number[] = [];
    runInit(function* (u) {
      yield* u.sys('setsid');
      yield* u.sys('ioctl', 0, 0x540e, 0);
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('setpgid', 0, 0);
        return yield* c.sys('read', 0, c.alloc(8), 8);
      });
      const st = u.alloc(4);
      got.push(yield* u.sys('wait4', pid, st, 2, 0), u.i32(st));
      yield* u.sys('kill', pid, 9);
      yield* u.sys('wait4', pid, st, 0, 0);
    });
    expect(got).toEqual([2, (21 << 8) | 0x7f]);
  });

  it('a background job changing terminal settings is stopped with SIGTTOU unless it blocks it', () => {
    const got: number[] = [];
    runInit(function* (u) {
      yield* u.sys('setsid');
      yield* u.sys('ioctl', 0, 0x540e, 0);
      const term = u.alloc(36);
      yield* u.sys('ioctl', 0, 0x5401, term);
      for (const block of [false, true]) {
        const pid = yield* u.fork(function* (c) {
          yield* c.sys('setpgid', 0, 0);
          if (block) yield* c.sys('rt_sigprocmask', 0, c.bytes(new Uint8Array(new BigUint64Array([1n << 21n]).buffer)), 0, 8);
          return yield* c.sys('ioctl', 0, 0x5402, term);
        });
        const st = u.alloc(4);
        got.push(yield* u.sys('wait4', pid, st, 2, 0), u.i32(st));
        if (!block) {
          yield* u.sys('kill', pid, 9);
          yield* u.sys('wait4', pid, st, 0, 0);
        }
      }
    });
    expect(got).toEqual([2, (22 << 8) | 0x7f, 3, 0]);
  });

  it('setitimer delivers SIGALRM on virtual time; rt_sigtimedwait takes a blocked signal', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const set = u.bytes(new Uint8Array(new BigUint64Array([1n << 13n]).buffer));
      yield* u.sys('rt_sigprocmask', 0, set, 0, 8);
      const itv = u.bytes(new Uint8Array(new BigInt64Array([0n, 0n, 1n, 0n]).buffer));
      got.push(yield* u.sys('setitimer', 0, itv, 0));
      const ts = u.alloc(16);
      got.push(yield* u.sys('rt_sigtimedwait', set, 0, 0, 8));
      yield* u.sys('clock_gettime', 1, ts);
      got.push(u.u64(ts) >= 1 ? 1 : 0);
      const zero = u.bytes(new Uint8Array(16));
      got.push(yield* u.sys('rt_sigtimedwait', set, 0, zero, 8));
    });
    expect(got).toEqual([0, 14, 1, -11]);
  });
});
