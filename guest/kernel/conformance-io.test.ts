// Syscall conformance: pipes, the console TTY, poll, eventfd, dup family, fcntl.
import { describe, it, expect } from 'vitest';
import { runInit } from '../testing/run';
import { EAGAIN, EPIPE, ENOTTY, EBADF, EINVAL, EMFILE } from './errno';
import { decodeTermios, ICANON, ECHO } from '../tty/termios';

const O_NONBLOCK = 0o4000, O_CLOEXEC = 0o2000000;
const TCGETS = 0x5401, TCSETS = 0x5402, TIOCGWINSZ = 0x5413, FIONREAD = 0x541b;

describe('pipes', () => {
  it('carry bytes, give EOF when writers are gone, EAGAIN when empty and nonblocking', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      const fds = u.alloc(8);
      got.push(yield* u.sys('pipe2', fds, O_NONBLOCK));
      const [r, w] = [u.i32(fds), u.i32(fds + 4)];
      const buf = u.alloc(64);
      got.push(yield* u.sys('read', r, buf, 64));
      got.push(yield* u.sys('write', w, u.cstr('abc'), 3), yield* u.sys('read', r, buf, 64), u.text(buf, 3));
      got.push(yield* u.sys('close', w), yield* u.sys('read', r, buf, 64));
      got.push(yield* u.sys('pipe2', fds, 0x1234));
    });
    expect(got).toEqual([0, -EAGAIN, 3, 3, 'abc', 0, 0, -EINVAL]);
  });

  it('writing with no reader: SIGPIPE kills by default, EPIPE when ignored', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const fds = u.alloc(8);
      yield* u.sys('pipe2', fds, 0);
      yield* u.sys('close', u.i32(fds));
      const w = u.i32(fds + 4);
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('write', w, c.cstr('x'), 1);
        return 0;
      });
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st));
      const act = u.bytes(new Uint8Array(new BigUint64Array([1n, 0n, 0n, 0n]).buffer));
      yield* u.sys('rt_sigaction', 13, act, 0, 8);
      got.push(yield* u.sys('write', w, u.cstr('x'), 1));
    });
    expect(got).toEqual([13, -EPIPE]);
  });

  it('a blocked reader wakes when a child writes; large writes arrive whole', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const fds = u.alloc(8);
      yield* u.sys('pipe2', fds, 0);
      const [r, w] = [u.i32(fds), u.i32(fds + 4)];
      const size = 200_000;
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('close', r);
        const data = new Uint8Array(size).fill(7);
        return (yield* c.sys('write', w, c.bytes(data), size)) === size ? 0 : 1;
      });
      yield* u.sys('close', w);
      const buf = u.alloc(65536);
      let total = 0;
      for (;;) {
        const n = yield* u.sys('read', r, buf, 65536);
        if (n <= 0) break;
        total += n;
      }
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(total, u.i32(st));
    });
    expect(got).toEqual([200_000, 0]);
  });
});

describe('descriptors', () => {
  it('dup, dup3, fcntl F_DUPFD/F_GETFD/F_SETFL, EMFILE under RLIMIT_NOFILE', () => {
    const got: number[] = [];
    runInit(function* (u) {
      got.push(yield* u.sys('dup', 1), yield* u.sys('dup3', 1, 10, O_CLOEXEC), yield* u.sys('dup3', 1, 1, 0));
      got.push(yield* u.sys('fcntl', 10, 1, 0), yield* u.sys('fcntl', 1, 0, 20), yield* u.sys('fcntl', 99, 1, 0));
      got.push(yield* u.sys('fcntl', 1, 4, O_NONBLOCK), (yield* u.sys('fcntl', 1, 3, 0)) & O_NONBLOCK);
      const lim = u.bytes(new Uint8Array(new BigUint64Array([6n, 6n]).buffer));
      got.push(yield* u.sys('prlimit64', 0, 7, lim, 0));
      got.push(yield* u.sys('dup', 0), yield* u.sys('dup', 0), yield* u.sys('dup', 0));
    });
    expect(got).toEqual([3, 10, -EINVAL, 1, 20, -EBADF, 0, O_NONBLOCK, 0, 4, 5, -EMFILE]);
  });
});

describe('console tty', () => {
  it('termios and window size ioctls; ENOTTY on a pipe', () => {
    const got: number[] = [];
    let lflag = 0;
    runInit(function* (u) {
      const t = u.alloc(36);
      got.push(yield* u.sys('ioctl', 0, TCGETS, t));
      lflag = decodeTermios(u.read(t, 36)).lflag;
      const ws = u.alloc(8);
      got.push(yield* u.sys('ioctl', 1, TIOCGWINSZ, ws), u.i32(ws) & 0xffff, u.i32(ws) >>> 16);
      const fds = u.alloc(8);
      yield* u.sys('pipe2', fds, 0);
      got.push(yield* u.sys('ioctl', u.i32(fds), TCGETS, t), yield* u.sys('ioctl', 0, 0x1234, 0));
    });
    expect(got).toEqual([0, 0, 24, 80, -ENOTTY, -ENOTTY]);
    expect(lflag & ICANON && lflag & ECHO).toBeTruthy();
  });

  it('canonical mode returns a line at a time with editing; raw mode returns bytes', () => {
    const lines: string[] = [];
    const r = runInit(function* (u) {
      const buf = u.alloc(256);
      for (let i = 0; i < 2; i++) {
        const n = yield* u.sys('read', 0, buf, 256);
        lines.push(u.text(buf, n));
      }
      const t = u.alloc(36);
      yield* u.sys('ioctl', 0, TCGETS, t);
      const tb = u.read(t, 36);
      const dv = new DataView(tb.buffer);
      dv.setUint32(12, dv.getUint32(12, true) & ~(ICANON | ECHO), true);
      u.ctx.mem.write(t, tb);
      yield* u.sys('ioctl', 0, TCSETS, t);
      const n = yield* u.sys('read', 0, buf, 256);
      lines.push(u.text(buf, n));
      const cnt = u.alloc(4);
      yield* u.sys('ioctl', 0, FIONREAD, cnt);
      lines.push(String(u.i32(cnt)));
    }, { input: ['abx\x7fc\n', 'one two\x17three\x15four\n', 'zz'] });
    expect(lines).toEqual(['abc\n', 'four\n', 'zz', '0']);
    expect(r.output).toContain('abx\b \bc\r\n');
  });
});

describe('poll and eventfd', () => {
  it('poll reports readiness and times out on virtual time', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const fds = u.alloc(8);
      yield* u.sys('pipe2', fds, 0);
      const pfd = u.alloc(8);
      u.setI32(pfd, u.i32(fds));
      u.setI32(pfd + 4, 1);
      const ts = u.bytes(new Uint8Array(new BigInt64Array([0n, 50_000_000n]).buffer));
      const now = u.alloc(16);
      yield* u.sys('clock_gettime', 1, now);
      const t0 = u.u64(now) * 1e9 + u.u64(now + 8);
      got.push(yield* u.sys('ppoll', pfd, 1, ts, 0, 8));
      yield* u.sys('clock_gettime', 1, now);
      got.push((u.u64(now) * 1e9 + u.u64(now + 8) - t0) >= 50_000_000 ? 1 : 0);
      yield* u.sys('write', u.i32(fds + 4), u.cstr('x'), 1);
      got.push(yield* u.sys('ppoll', pfd, 1, ts, 0, 8), u.i32(pfd + 4) >>> 16);
      const efd = yield* u.sys('eventfd2', 3, O_NONBLOCK);
      const v = u.alloc(8);
      got.push(yield* u.sys('read', efd, v, 8), u.u64(v), yield* u.sys('read', efd, v, 8));
    });
    expect(got).toEqual([0, 1, 1, 1, 8, 3, -EAGAIN]);
  });
});

describe('pseudo-terminals', () => {
  it('ptmx/pts pair: line discipline between master and slave, TIOCGPTN, lock, hangup', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      for (const [dir, fs] of [['/dev2', 'devtmpfs'], ['/dev2/pts', 'devpts']]) {
        yield* u.sys('mkdirat', -100, u.cstr(dir), 0o755);
        got.push(yield* u.sys('mount', u.cstr(fs), u.cstr(dir), u.cstr(fs), 0, 0));
      }
      const m = yield* u.sys('openat', -100, u.cstr('/dev2/ptmx'), 2 | 0o400, 0);
      const n = u.alloc(4);
      got.push(yield* u.sys('ioctl', m, 0x80045430, n), u.i32(n));
      got.push(yield* u.sys('openat', -100, u.cstr('/dev2/pts/0'), 2, 0));
      u.setI32(n + 0, 0);
      yield* u.sys('ioctl', m, 0x40045431, n);
      const s = yield* u.sys('openat', -100, u.cstr('/dev2/pts/0'), 2 | 0o400, 0);
      yield* u.sys('write', m, u.cstr('hello\r'), 6);
      const buf = u.alloc(64);
      got.push(yield* u.sys('read', s, buf, 64), u.text(buf, 6));
      yield* u.sys('write', s, u.cstr('out\n'), 4);
      const k = yield* u.sys('read', m, buf, 64);
      got.push(u.text(buf, k));
      const dents = u.alloc(512);
      const dfd = yield* u.sys('openat', -100, u.cstr('/dev2/pts'), 0o40000, 0);
      got.push((yield* u.sys('getdents64', dfd, dents, 512)) > 0 ? 1 : 0);
      yield* u.sys('close', m);
      got.push(yield* u.sys('read', s, buf, 64), yield* u.sys('write', s, buf, 1));
    });
    expect(got).toEqual([0, 0, 0, 0, -5, 6, 'hello\n', 'hello\r\nout\r\n', 1, 0, -5]);
  });
});

describe('FIFOs', () => {
  it('open waits for the other end; nonblocking writer without reader gets ENXIO', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      got.push(yield* u.sys('mknodat', -100, u.cstr('/fifo'), 0o010644, 0));
      got.push(yield* u.sys('openat', -100, u.cstr('/fifo'), 1 | O_NONBLOCK, 0));
      const pid = yield* u.fork(function* (c) {
        const w = yield* c.sys('openat', -100, c.cstr('/fifo'), 1, 0);
        yield* c.sys('write', w, c.cstr('via fifo'), 8);
        return 0;
      });
      const r = yield* u.sys('openat', -100, u.cstr('/fifo'), 0, 0);
      const buf = u.alloc(32);
      let text = '';
      for (;;) {
        const n = yield* u.sys('read', r, buf, 32);
        if (n <= 0) break;
        text += u.text(buf, n);
      }
      got.push(text);
      yield* u.sys('wait4', pid, 0, 0, 0);
    });
    expect(got).toEqual([0, -6, 'via fifo']);
  });
});
