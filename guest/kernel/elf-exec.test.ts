import { describe, it, expect } from 'vitest';
import { runInit } from '../testing/run';
import { A64, insnAddr, tinyElf } from '../testing/tiny-elf';
import { ENOEXEC } from './errno';

const enc = (s: string) => new TextEncoder().encode(s);

/** fork via clone(SIGCHLD); the child writes "child\n" and exits 7; the parent waits and writes "parent\n". */
function forkProgram(): Uint8Array {
  const msg = enc('child\nparent\n');
  return tinyElf((data) => {
    const write = (at: number, off: number, len: number) => [A64.movz(0, 1), A64.adr(1, data + off - insnAddr(at + 1)), A64.movz(2, len), A64.movz(8, 64), A64.svc()];
    const p = [A64.movz(8, 220), A64.movz(0, 17), A64.movz(1, 0), A64.movz(2, 0), A64.movz(3, 0), A64.movz(4, 0), A64.svc()];
    const cbzAt = p.length;
    p.push(0);
    p.push(A64.movz(8, 260), A64.movnZero(0), A64.movz(1, 0), A64.movz(2, 0), A64.movz(3, 0), A64.svc());
    p.push(...write(p.length, 6, 7), A64.movz(0, 0), A64.movz(8, 94), A64.svc());
    const child = p.length;
    p[cbzAt] = A64.cbz(0, 4 * (child - cbzAt));
    p.push(...write(p.length, 0, 6), A64.movz(0, 7), A64.movz(8, 94), A64.svc());
    return p;
  }, msg);
}

describe('ELF tasks on the CPU', () => {
  it('execve runs a static AArch64 image whose SVCs reach the syscall table; fork copies the CPU', () => {
    const got: number[] = [];
    const r = runInit(function* (u) {
      const elf = forkProgram();
      const fd = yield* u.sys('openat', -100, u.cstr('/prog'), 0o101, 0o755);
      yield* u.sys('write', fd, u.bytes(elf), elf.length);
      yield* u.sys('close', fd);
      const pid = yield* u.fork(function* (c) {
        return yield* c.sys('execve', c.cstr('/prog'), c.strArray(['/prog']), 0);
      });
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st));
    });
    expect(got).toEqual([0]);
    expect(r.output).toContain('child\r\nparent\r\n');
  });

  it('rejects malformed and foreign ELF files with ENOEXEC, before the point of no return', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const bad = tinyElf(() => [A64.svc()], new Uint8Array(0));
      new DataView(bad.buffer).setUint16(18, 62, true); // EM_X86_64
      for (const img of [bad, enc('\x7fELF garbage')]) {
        const fd = yield* u.sys('openat', -100, u.cstr('/bad'), 0o1101, 0o755);
        yield* u.sys('write', fd, u.bytes(img), img.length);
        yield* u.sys('close', fd);
        got.push(yield* u.sys('execve', u.cstr('/bad'), u.strArray(['/bad']), 0));
      }
    });
    expect(got).toEqual([-ENOEXEC, -ENOEXEC]);
  });

  it('a fault in ELF code is SIGSEGV for that task only', () => {
    const got: number[] = [];
    runInit(function* (u) {
      // ldr x0, [xzr-ish address 0]: encoded as ldr x0, [x1] with x1 = 0
      const img = tinyElf(() => [A64.movz(1, 0), 0xf9400020], new Uint8Array(0));
      const fd = yield* u.sys('openat', -100, u.cstr('/segv'), 0o101, 0o755);
      yield* u.sys('write', fd, u.bytes(img), img.length);
      yield* u.sys('close', fd);
      const pid = yield* u.fork(function* (c) {
        return yield* c.sys('execve', c.cstr('/segv'), c.strArray(['/segv']), 0);
      });
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st) & 0x7f);
    });
    expect(got).toEqual([11]);
  });
});

/** Installs a SIGUSR1 handler (writes "H"), signals itself, then writes "M": the handler returns through the sigreturn trampoline. */
function handlerProgram(): Uint8Array {
  const act = new Uint8Array(32);
  new DataView(act.buffer).setBigUint64(0, BigInt(insnAddr(19)), true);
  const data = new Uint8Array([...act, ...enc('H\nM\n')]);
  return tinyElf((d) => {
    const w = (at: number, off: number) => [A64.movz(0, 1), A64.adr(1, d + off - insnAddr(at + 1)), A64.movz(2, 2), A64.movz(8, 64), A64.svc()];
    return [
      A64.movz(8, 134), A64.movz(0, 10), A64.adr(1, d - insnAddr(2)), A64.movz(2, 0), A64.movz(3, 8), A64.svc(),
      A64.movz(8, 172), A64.svc(),
      A64.movz(1, 10), A64.movz(8, 129), A64.svc(),
      ...w(11, 34),
      A64.movz(0, 0), A64.movz(8, 94), A64.svc(),
      ...w(19, 32), A64.ret(),
    ];
  }, data, 7);
}

describe('ELF signal frames', () => {
  it('runs a caught signal handler and resumes after rt_sigreturn; runs are deterministic', () => {
    const run = () => runInit(function* (u) {
      const elf = handlerProgram();
      const fd = yield* u.sys('openat', -100, u.cstr('/h'), 0o101, 0o755);
      yield* u.sys('write', fd, u.bytes(elf), elf.length);
      yield* u.sys('close', fd);
      const pid = yield* u.fork(function* (c) {
        return yield* c.sys('execve', c.cstr('/h'), c.strArray(['/h']), 0);
      });
      yield* u.sys('wait4', pid, 0, 0, 0);
    });
    const a = run(), b = run();
    expect(a.output).toContain('H\r\nM\r\n');
    expect(a.output).toBe(b.output);
    expect(a.machine.scheduler.now).toBe(b.machine.scheduler.now);
  });
});
