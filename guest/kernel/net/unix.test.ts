// Syscall conformance for AF_UNIX sockets and the generic socket errors, through native test
// programs calling the ABI exactly as C would (expected values are Linux's).
import { describe, it, expect } from 'vitest';
import { runInit } from '../../testing/run';
import type { USys } from '../../testing/usys';
import { EAGAIN, EBADF, EINVAL, ENOENT, ENOTSOCK, EPIPE } from '../errno';
import { EADDRINUSE, EAFNOSUPPORT, ECONNREFUSED, EISCONN, ENOTCONN, EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT } from './errno-net';

const AF_UNIX = 1, AF_INET6 = 10, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
const SOCK_NONBLOCK = 0o4000, MSG_TRUNC = 0x20, MSG_PEEK = 2, MSG_DONTWAIT = 0x40;
const SOL_SOCKET = 1, SO_PEERCRED = 17, SO_TYPE = 3, SO_RCVTIMEO = 20;

function sun(u: USys, path: string, abstract = false): [number, number] {
  const name = new TextEncoder().encode(path);
  const b = new Uint8Array(2 + (abstract ? 1 : 0) + name.length + (abstract ? 0 : 1));
  b[0] = AF_UNIX;
  b.set(name, abstract ? 3 : 2);
  return [u.bytes(b), b.length];
}

function* pair(u: USys, type: number): Generator<import('../../abi/native').SyscallTrap, [number, number], number> {
  const sv = u.alloc(8);
  const r = yield* u.sys('socketpair', AF_UNIX, type, 0, sv);
  if (r !== 0) throw new Error(`socketpair ${r}`);
  return [u.i32(sv), u.i32(sv + 4)];
}

describe('AF_UNIX socketpair', () => {
  it('streams bytes both ways, EOF after shutdown, EPIPE when the peer is gone', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      const [a, b] = yield* pair(u, SOCK_STREAM);
      const buf = u.alloc(64);
      got.push(yield* u.sys('write', a, u.cstr('hello'), 5), yield* u.sys('write', a, u.cstr('world'), 5));
      got.push(yield* u.sys('read', b, buf, 64), u.text(buf, 10));
      got.push(yield* u.sys('sendto', b, u.cstr('pong'), 4, 0, 0, 0), yield* u.sys('recvfrom', a, buf, 2, 0, 0, 0), u.text(buf, 2));
      got.push(yield* u.sys('recvfrom', a, buf, 64, MSG_PEEK, 0, 0), yield* u.sys('read', a, buf, 64), u.text(buf, 2));
      got.push(yield* u.sys('shutdown', b, 1), yield* u.sys('read', a, buf, 64));
      const act = u.bytes(new Uint8Array(new BigUint64Array([1n, 0n, 0n, 0n]).buffer));
      yield* u.sys('rt_sigaction', 13, act, 0, 8);
      yield* u.sys('close', b);
      got.push(yield* u.sys('write', a, u.cstr('x'), 1));
    });
    expect(got).toEqual([5, 5, 10, 'helloworld', 4, 2, 'po', 2, 2, 'ng', 0, 0, -EPIPE]);
  });

  it('SO_PEERCRED carries the creator; SO_TYPE; nonblocking reads give EAGAIN', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const sv = u.alloc(8);
      yield* u.sys('socketpair', AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
      const a = u.i32(sv);
      const cred = u.alloc(12), len = u.alloc(4);
      u.setI32(len, 12);
      got.push(yield* u.sys('getsockopt', a, SOL_SOCKET, SO_PEERCRED, cred, len), u.i32(cred), u.i32(cred + 4), u.i32(len));
      u.setI32(len, 4);
      got.push(yield* u.sys('getsockopt', a, SOL_SOCKET, SO_TYPE, cred, len), u.i32(cred));
      got.push(yield* u.sys('read', a, u.alloc(8), 8));
    });
    expect(got).toEqual([0, 1, 0, 12, 0, SOCK_STREAM, -EAGAIN]);
  });

  it('a blocking write larger than the socket buffer arrives whole (writer sleeps while the reader drains)', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const [a, b] = yield* pair(u, SOCK_STREAM);
      const size = 400_000;
      const pid = yield* u.fork(function* (c) {
        yield* c.sys('close', b);
        const data = new Uint8Array(size);
        for (let i = 0; i < size; i++) data[i] = i % 251;
        return (yield* c.sys('write', a, c.bytes(data), size)) === size ? 0 : 1;
      });
      yield* u.sys('close', a);
      const buf = u.alloc(65536);
      let total = 0, bad = 0;
      for (;;) {
        const n = yield* u.sys('read', b, buf, 65536);
        if (n <= 0) break;
        const chunk = u.read(buf, n);
        for (let i = 0; i < n; i++) if (chunk[i] !== (total + i) % 251) bad++;
        total += n;
      }
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(total, bad, u.i32(st));
    });
    expect(got).toEqual([400_000, 0, 0]);
  });

  it('SEQPACKET keeps record boundaries and reports truncation', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const [a, b] = yield* pair(u, SOCK_SEQPACKET);
      yield* u.sys('write', a, u.cstr('abcdef'), 6);
      yield* u.sys('write', a, u.cstr('xy'), 2);
      const buf = u.alloc(16);
      got.push(yield* u.sys('recvfrom', b, buf, 4, MSG_TRUNC, 0, 0), yield* u.sys('read', b, buf, 16));
    });
    expect(got).toEqual([6, 2]);
  });
});

describe('AF_UNIX named sockets', () => {
  it('a listener on a filesystem path accepts a child connection and echoes', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      const s = yield* u.sys('socket', AF_UNIX, SOCK_STREAM, 0);
      const [addr, alen] = sun(u, '/tmp/echo.sock');
      got.push(yield* u.sys('bind', s, addr, alen), yield* u.sys('listen', s, 5));
      const pid = yield* u.fork(function* (c) {
        const cs = yield* c.sys('socket', AF_UNIX, SOCK_STREAM, 0);
        const [a2, l2] = sun(c, '/tmp/echo.sock');
        if ((yield* c.sys('connect', cs, a2, l2)) !== 0) return 1;
        yield* c.sys('write', cs, c.cstr('ping'), 4);
        const b = c.alloc(8);
        const n = yield* c.sys('read', cs, b, 8);
        return n === 4 && c.text(b, 4) === 'PING' ? 0 : 2;
      });
      const peer = u.alloc(128), plen = u.alloc(4);
      u.setI32(plen, 128);
      const conn = yield* u.sys('accept4', s, peer, plen, 0);
      got.push(conn >= 0 ? 1 : conn, u.i32(plen));
      const b = u.alloc(8);
      got.push(yield* u.sys('read', conn, b, 8), u.text(b, 4));
      yield* u.sys('write', conn, u.cstr('PING'), 4);
      const st = u.alloc(4);
      yield* u.sys('wait4', pid, st, 0, 0);
      got.push(u.i32(st));
      const name = u.alloc(128);
      u.setI32(plen, 128);
      got.push(yield* u.sys('getsockname', s, name, plen), u.i32(plen), u.text(name + 2, 14));
      // stat sees a socket inode at the path.
      const stat = u.alloc(256);
      got.push(yield* u.sys('newfstatat', -100, u.cstr('/tmp/echo.sock'), stat, 0), (u.i32(stat + 16) & 0o170000) === 0o140000 ? 1 : 0);
    });
    expect(got).toEqual([0, 0, 1, 2, 4, 'ping', 0, 0, 17, '/tmp/echo.sock', 0, 1]);
  });

  it('errors: EADDRINUSE, ECONNREFUSED without a listener, ENOENT, EISCONN, ENOTCONN, EOPNOTSUPP listen on DGRAM', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const s = yield* u.sys('socket', AF_UNIX, SOCK_STREAM, 0);
      const [addr, alen] = sun(u, '/tmp/s1');
      yield* u.sys('bind', s, addr, alen);
      const s2 = yield* u.sys('socket', AF_UNIX, SOCK_STREAM, 0);
      got.push(yield* u.sys('bind', s2, addr, alen), yield* u.sys('connect', s2, addr, alen));
      const [missing, mlen] = sun(u, '/tmp/none');
      got.push(yield* u.sys('connect', s2, missing, mlen));
      got.push(yield* u.sys('write', s2, u.cstr('x'), 1), yield* u.sys('getpeername', s2, u.alloc(16), u.alloc(4)));
      const d = yield* u.sys('socket', AF_UNIX, SOCK_DGRAM, 0);
      got.push(yield* u.sys('listen', d, 1));
      yield* u.sys('listen', s, 1);
      yield* u.sys('connect', s2, addr, alen);
      got.push(yield* u.sys('connect', s2, addr, alen));
      yield* u.sys('accept4', s, 0, 0, 0);
      const tv = u.bytes(new Uint8Array(new BigInt64Array([0n, 100_000n]).buffer));
      yield* u.sys('setsockopt', s, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
      got.push(yield* u.sys('accept4', s, 0, 0, 0));
    });
    expect(got).toEqual([-EADDRINUSE, -ECONNREFUSED, -ENOENT, -ENOTCONN, -ENOTCONN, -EOPNOTSUPP, -EISCONN, -EAGAIN]);
  });

  it('abstract names and autobind; a closed name is free again', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      const s = yield* u.sys('socket', AF_UNIX, SOCK_DGRAM, 0);
      const [addr, alen] = sun(u, 'twin', true);
      got.push(yield* u.sys('bind', s, addr, alen));
      const c = yield* u.sys('socket', AF_UNIX, SOCK_DGRAM, 0);
      const fam = u.bytes(Uint8Array.of(AF_UNIX, 0));
      got.push(yield* u.sys('bind', c, fam, 2));
      const name = u.alloc(128), len = u.alloc(4);
      u.setI32(len, 128);
      yield* u.sys('getsockname', c, name, len);
      got.push(u.i32(len), u.read(name + 2, 1)[0], u.text(name + 3, 5));
      got.push(yield* u.sys('sendto', c, u.cstr('dgram!'), 6, 0, addr, alen));
      const from = u.alloc(128), buf = u.alloc(16);
      u.setI32(len, 128);
      got.push(yield* u.sys('recvfrom', s, buf, 16, 0, from, len), u.text(buf, 6), u.i32(len), u.text(from + 3, 5));
      yield* u.sys('close', s);
      got.push(yield* u.sys('sendto', c, u.cstr('x'), 1, 0, addr, alen));
      const s3 = yield* u.sys('socket', AF_UNIX, SOCK_DGRAM, 0);
      got.push(yield* u.sys('bind', s3, addr, alen));
    });
    expect(got).toEqual([0, 0, 8, 0, '00000', 6, 6, 'dgram!', 8, '00000', -ECONNREFUSED, 0]);
  });

  it('datagrams: truncation with MSG_TRUNC, EAGAIN with MSG_DONTWAIT, SO_RCVTIMEO on virtual time', () => {
    const got: number[] = [];
    const { kernel } = runInit(function* (u) {
      const [a, b] = yield* pair(u, SOCK_DGRAM);
      yield* u.sys('write', a, u.cstr('0123456789'), 10);
      const buf = u.alloc(16);
      got.push(yield* u.sys('recvfrom', b, buf, 4, MSG_TRUNC, 0, 0));
      got.push(yield* u.sys('recvfrom', b, buf, 4, MSG_DONTWAIT, 0, 0));
      const tv = u.bytes(new Uint8Array(new BigInt64Array([0n, 250_000n]).buffer));
      got.push(yield* u.sys('setsockopt', b, SOL_SOCKET, SO_RCVTIMEO, tv, 16));
      const ts = u.alloc(16);
      yield* u.sys('clock_gettime', 1, ts);
      const t0 = u.u64(ts) * 1e9 + u.u64(ts + 8);
      got.push(yield* u.sys('read', b, buf, 4));
      yield* u.sys('clock_gettime', 1, ts);
      const t1 = u.u64(ts) * 1e9 + u.u64(ts + 8);
      got.push(t1 - t0 >= 250_000_000 && t1 - t0 < 260_000_000 ? 1 : 0);
    });
    expect(kernel).toBeDefined();
    expect(got).toEqual([10, -EAGAIN, 0, -EAGAIN, 1]);
  });
});

describe('socket errors', () => {
  it('EBADF, ENOTSOCK, EAFNOSUPPORT, ESOCKTNOSUPPORT, EPROTONOSUPPORT, EINVAL', () => {
    const got: number[] = [];
    runInit(function* (u) {
      const fds = u.alloc(8);
      yield* u.sys('pipe2', fds, 0);
      got.push(yield* u.sys('bind', 99, 0, 0), yield* u.sys('listen', u.i32(fds), 1));
      got.push(yield* u.sys('socket', AF_INET6, SOCK_STREAM, 0), yield* u.sys('socket', 200, SOCK_STREAM, 0));
      got.push(yield* u.sys('socket', AF_UNIX, 4, 0), yield* u.sys('socket', AF_UNIX, SOCK_STREAM, 7));
      got.push(yield* u.sys('socket', AF_UNIX, SOCK_STREAM | 0x100, 0));
      const s = yield* u.sys('socket', AF_UNIX, SOCK_STREAM, 0);
      got.push(yield* u.sys('bind', s, u.bytes(Uint8Array.of(2, 0, 0, 0)), 4), yield* u.sys('bind', s, u.alloc(4), 200));
      got.push(yield* u.sys('socketpair', AF_INET6, SOCK_STREAM, 0, fds));
    });
    expect(got).toEqual([-EBADF, -ENOTSOCK, -EAFNOSUPPORT, -EAFNOSUPPORT, -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -EINVAL, -EINVAL, -EINVAL, -EAFNOSUPPORT]);
  });
});

describe('SCM_RIGHTS', () => {
  it('passes a pipe end to the other socket; bad descriptors give EBADF; read() drops passed files', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      const [a, b] = yield* pair(u, SOCK_STREAM);
      const fds = u.alloc(8);
      yield* u.sys('pipe2', fds, 0);
      const [r, w] = [u.i32(fds), u.i32(fds + 4)];
      const msg = (fd: number) => {
        const ctl = new Uint8Array(24);
        const v = new DataView(ctl.buffer);
        v.setBigUint64(0, 20n, true);
        v.setInt32(8, 1, true);
        v.setInt32(12, 1, true);
        v.setInt32(16, fd, true);
        const iov = new Uint8Array(16);
        new DataView(iov.buffer).setBigUint64(0, BigInt(u.cstr('F')), true);
        new DataView(iov.buffer).setBigUint64(8, 1n, true);
        const h = new Uint8Array(56);
        const hv = new DataView(h.buffer);
        hv.setBigUint64(16, BigInt(u.bytes(iov)), true);
        hv.setBigUint64(24, 1n, true);
        hv.setBigUint64(32, BigInt(u.bytes(ctl)), true);
        hv.setBigUint64(40, 24n, true);
        return u.bytes(h);
      };
      got.push(yield* u.sys('sendmsg', a, msg(w), 0));
      yield* u.sys('close', w);
      const rctl = u.alloc(24), rbuf = u.alloc(4), riov = u.alloc(16), rh = u.alloc(56);
      const hv = new Uint8Array(56);
      const dv = new DataView(hv.buffer);
      dv.setBigUint64(16, BigInt(riov), true);
      dv.setBigUint64(24, 1n, true);
      dv.setBigUint64(32, BigInt(rctl), true);
      dv.setBigUint64(40, 24n, true);
      u.ctx.mem.write(rh, hv);
      const iov = new Uint8Array(16);
      new DataView(iov.buffer).setBigUint64(0, BigInt(rbuf), true);
      new DataView(iov.buffer).setBigUint64(8, 4n, true);
      u.ctx.mem.write(riov, iov);
      got.push(yield* u.sys('recvmsg', b, rh, 0), u.i32(rctl + 8), u.i32(rctl + 12));
      const passed = u.i32(rctl + 16);
      got.push(yield* u.sys('write', passed, u.cstr('via'), 3));
      const buf = u.alloc(8);
      got.push(yield* u.sys('read', r, buf, 8), u.text(buf, 3));
      got.push(yield* u.sys('sendmsg', a, msg(77), 0));
      // A file passed and then read with read(): dropped, so the pipe's last writer goes away.
      yield* u.sys('sendmsg', a, msg(passed), 0);
      yield* u.sys('close', passed);
      got.push(yield* u.sys('read', b, buf, 8), yield* u.sys('read', r, buf, 8));
    });
    expect(got).toEqual([1, 1, 1, 1, 3, 3, 'via', -EBADF, 1, 0]);
  });
});
