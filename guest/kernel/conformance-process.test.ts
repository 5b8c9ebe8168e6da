// Syscall conformance: processes (pids, clone/fork, wait4/waitid, execve, exit, kill).
import { describe, it, expect } from 'vitest';
import { runInit } from '../testing/run';
import type { NativeContext, NativeProgram } from '../abi/native';
import { ECHILD, EINVAL, ENOENT, ENOEXEC, EACCES, ESRCH, ENOSYS, EFAULT, EBADF } from './errno';

const AT_FDCWD = -100, O_CREAT = 0o100, O_WRONLY = 1, O_CLOEXEC = 0o2000000;

describe('process syscalls', () => {
  it('getpid/getppid/gettid/getpgid/getsid for init', () => {
    const got: number[] = [];
    runInit(function* (u) {
      for (const n of ['getpid', 'getppid', 'gettid']) got.push(yield* u.sys(n));
      got.push(yield* u.sys('getpgid', 0), yield* u.sys('getsid', 0), yield* u.sys('getpgid', 999));
    });
    expect(got).toEqual([1, 0, 1, 1, 1, -ESRCH]);
  });

  it('fork + exit + wait4 reports the exit status; a second wait gives ECHILD', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const pid = yield* u.fork(function* (c) {
        got.push(yield* c.sys('getppid'));
        return 42;
      });
      const st = u.alloc(4);
      got.push(pid, yield* u.sys('wait4', -1, st, 0, 0), u.i32(st), yield* u.sys('wait4', -1, st, 0, 0));
    });
    expect(got).toEqual([1, 2, 2, 42 << 8, -ECHILD]);
  });

  it('wait4 WNOHANG returns 0 while the child runs; waitid fills siginfo', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const pid = yield* u.fork(function* (c) {
        const ts = c.bytes(new Uint8Array(new BigInt64Array([0n, 1_000_000n]).buffer));
        yield* c.sys('nanosleep', ts, 0);
        return 7;
      });
      got.push(yield* u.sys('wait4', pid, 0, 1, 0));
      const info = u.alloc(128);
      got.push(yield* u.sys('waitid', 1, pid, info, 4, 0));
      got.push(u.i32(info), u.i32(info + 8), u.i32(info + 16), u.i32(info + 24));
      got.push(yield* u.sys('waitid', 0, 0, info, 0, 0));
    });
    expect(got).toEqual([0, 0, 17, 1, 2, 7, -EINVAL]);
  });

  it('a child killed by a signal reports it; kill errors', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('ppoll', 0, 0, 0, 0, 8);
        return 0;
      });
      yield* u.sys('sched_yield');
      got.push(yield* u.sys('kill', pid, 15));
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st), yield* u.sys('kill', 4242, 0), yield* u.sys('kill', 1, 65));
    });
    expect(got).toEqual([0, 15, -ESRCH, -EINVAL]);
  });

  it('orphans are reparented to init and reaped by it', () => {
    const got: number[] = [];
    runInit(function* (u) {
      yield* u.fork(function* (c) {
        yield* c.fork(function* (g) {
          const ts = g.bytes(new Uint8Array(new BigInt64Array([0n, 5_000_000n]).buffer));
          yield* g.sys('nanosleep', ts, 0);
          got.push(yield* g.sys('getppid'));
          return 0;
        });
        return 0;
      });
      const st = u.alloc(4);
      got.push(yield* u.sys('wait4', -1, st, 0, 0), yield* u.sys('wait4', -1, st, 0, 0), yield* u.sys('wait4', -1, st, 0, 0));
    });
    expect(got).toEqual([1, 2, 3, -ECHILD]);
  });

  it('execve runs a native program with argv/envp, closes CLOEXEC fds, and runs #! scripts', () => {
    const seen: Array<{ argv: readonly string[]; envp: readonly string[]; fd3: number }> = [];
    function* echoArgs(ctx: NativeContext): NativeProgram {
      const fd3 = yield { nr: 23, args: [3] };
      seen.push({ argv: ctx.argv, envp: ctx.envp, fd3 });
      return 5;
    }
    const got: number[] = [];
    runInit(function* (u) {
      const script = new TextEncoder().encode('#!/bin/prog -x\necho\n');
      const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/script'), O_CREAT | O_WRONLY, 0o755);
      yield* u.sys('write', fd, u.bytes(script), script.length);
      yield* u.sys('close', fd);
      yield* u.sys('openat', AT_FDCWD, u.cstr('/script'), 0 | O_CLOEXEC, 0);
      for (const path of ['/bin/prog', '/script']) {
        const pid = yield* u.fork(function* (c) {
          return yield* c.sys('execve', c.cstr(path), c.strArray([path, 'a1']), c.strArray(['K=V']));
        });
        const st = u.alloc(4);
        yield* u.sys('wait4', pid, st, 0, 0);
        got.push(u.i32(st) >> 8);
      }
      got.push(yield* u.sys('execve', u.cstr('/nonexistent'), u.strArray([]), 0));
      got.push(yield* u.sys('execve', u.cstr('/dev/console'), u.strArray([]), 0));
      const junk = yield* u.sys('openat', AT_FDCWD, u.cstr('/junk'), O_CREAT | O_WRONLY, 0o755);
      yield* u.sys('write', junk, u.cstr('xx'), 2);
      got.push(yield* u.sys('execve', u.cstr('/junk'), u.strArray([]), 0));
      yield* u.sys('openat', AT_FDCWD, u.cstr('/noexec'), O_CREAT | O_WRONLY, 0o644);
      got.push(yield* u.sys('execve', u.cstr('/noexec'), u.strArray([]), 0));
      got.push(yield* u.sys('execve', 0x10, 0, 0));
    }, { programs: { '/bin/prog': echoArgs } });
    expect(seen).toEqual([
      { argv: ['/bin/prog', 'a1'], envp: ['K=V'], fd3: -EBADF },
      { argv: ['/bin/prog', '-x', '/script', 'a1'], envp: ['K=V'], fd3: -EBADF },
    ]);
    expect(got).toEqual([5, 5, -ENOENT, -EACCES, -ENOEXEC, -EACCES, -EFAULT]);
  });

  it('process groups and sessions: setpgid, setsid', () => {
    const got: number[] = [];
    runInit(function* (u) {
      got.push(yield* u.sys('setsid'));
      const pid = yield* u.fork(function* (c) {
        got.push(yield* c.sys('setsid'), yield* c.sys('getsid', 0), yield* c.sys('setpgid', 0, 0));
        return 0;
      });
      yield* u.sys('wait4', pid, 0, 0, 0);
    });
    expect(got).toEqual([-1, 2, 2, -1]);
  });

  it('unknown syscalls give ENOSYS and one log line', () => {
    const got: number[] = [];
    const r = runInit(function* (u) {
      got.push(yield { nr: 104, args: [] }, yield { nr: 104, args: [] }, yield { nr: 4000, args: [] });
    });
    expect(got).toEqual([-ENOSYS, -ENOSYS, -ENOSYS]);
    expect(r.kernel.klog.text().match(/unsupported syscall kexec_load \(nr 104\)/g)).toHaveLength(1);
    expect(r.kernel.klog.text()).toContain('unsupported syscall #4000');
  });

  it('a native program that throws is killed, the host is not', () => {
    const got: number[] = [];
    const r = runInit(function* (u) {
      const pid = yield* u.fork(function* () {
        throw new Error('boom');
      });
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st) & 0x7f);
    });
    expect(got).toEqual([11]);
    expect(r.kernel.klog.text()).toContain('native program fault: boom');
  });
});
