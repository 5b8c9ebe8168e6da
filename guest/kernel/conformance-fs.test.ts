// Syscall conformance: files, directories, links, stat, mounts, device files.
import { describe, it, expect } from 'vitest';
import { runInit } from '../testing/run';
import type { USys } from '../testing/usys';
import { decodeDirents64, decodeStat } from './structs';
import { EEXIST, ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, ELOOP, EBADF, EINVAL, ENOSPC, ERANGE, EXDEV, ENAMETOOLONG, EFAULT, ENODEV } from './errno';

const AT_FDCWD = -100, AT_REMOVEDIR = 0x200, AT_SYMLINK_NOFOLLOW = 0x100;
const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000, O_APPEND = 0o2000;
const O_DIRECTORY = 0o40000, O_NOFOLLOW = 0o100000;

function* open(u: USys, path: string, flags: number, mode = 0o644) {
  return yield* u.sys('openat', AT_FDCWD, u.cstr(path), flags, mode);
}

function* stat(u: USys, path: string, flags = 0) {
  const buf = u.alloc(128);
  const r = yield* u.sys('newfstatat', AT_FDCWD, u.cstr(path), buf, flags);
  return r < 0 ? r : decodeStat(u.read(buf, 128), 'generic');
}

function* statOk(u: USys, path: string) {
  const r = yield* stat(u, path);
  if (typeof r === 'number') throw new Error(`stat ${path}: ${r}`);
  return r;
}

describe('file syscalls', () => {
  it('create, write, read back, append, lseek, truncate', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      const fd = yield* open(u, '/f', O_CREAT | O_RDWR);
      got.push(yield* u.sys('write', fd, u.cstr('hello'), 5));
      got.push(yield* u.sys('lseek', fd, 0, 0));
      const buf = u.alloc(16);
      got.push(yield* u.sys('read', fd, buf, 16), u.text(buf, 5), yield* u.sys('read', fd, buf, 16));
      const fa = yield* open(u, '/f', O_WRONLY | O_APPEND);
      yield* u.sys('write', fa, u.cstr('!'), 1);
      got.push(yield* u.sys('pread64', fd, buf, 16, 0), u.text(buf, 6));
      got.push(yield* u.sys('lseek', fd, 0, 2), yield* u.sys('lseek', fd, -100, 1));
      got.push(yield* u.sys('ftruncate', fd, 2), (yield* statOk(u, '/f')).size);
      got.push(yield* open(u, '/f', O_CREAT | O_EXCL | O_WRONLY), yield* open(u, '/nope', O_RDONLY));
      yield* open(u, '/f', O_WRONLY | O_TRUNC);
      got.push((yield* statOk(u, '/f')).size);
      got.push(yield* u.sys('read', 99, buf, 1), yield* u.sys('close', 99), yield* u.sys('read', fd, 0x10, 4));
    });
    expect(got).toEqual([5, 0, 5, 'hello', 0, 6, 'hello!', 6, -EINVAL, 0, 2, -EEXIST, -ENOENT, 0, -EBADF, -EBADF, -EFAULT]);
  });

  it('directories: mkdir, getdents64, rmdir, unlink errors, chdir/getcwd', () => {
    const got: Array<number | string> = [];
    let names: string[] = [];
    runInit(function* (u) {
      got.push(yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/d'), 0o755), yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/d'), 0o755));
      yield* open(u, '/d/a', O_CREAT | O_WRONLY);
      yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/d/sub'), 0o755);
      const dfd = yield* open(u, '/d', O_RDONLY | O_DIRECTORY);
      const buf = u.alloc(4096);
      const n = yield* u.sys('getdents64', dfd, buf, 4096);
      names = decodeDirents64(u.read(buf, n)).map((e) => `${e.name}:${e.type}`);
      got.push(yield* u.sys('getdents64', dfd, buf, 4096));
      got.push(yield* u.sys('unlinkat', AT_FDCWD, u.cstr('/d'), AT_REMOVEDIR), yield* u.sys('unlinkat', AT_FDCWD, u.cstr('/d/sub'), 0));
      got.push(yield* u.sys('unlinkat', AT_FDCWD, u.cstr('/d/a'), AT_REMOVEDIR), yield* open(u, '/d/a/x', O_RDONLY));
      got.push(yield* open(u, '/d/a', O_RDONLY | O_DIRECTORY), yield* open(u, '/d', O_WRONLY));
      got.push(yield* u.sys('chdir', u.cstr('/d/sub')), yield* u.sys('getcwd', buf, 100), u.text(buf, 6));
      got.push(yield* u.sys('chdir', u.cstr('..')), yield* u.sys('getcwd', buf, 100), u.text(buf, 2), yield* u.sys('getcwd', buf, 2));
      got.push(yield* u.sys('unlinkat', AT_FDCWD, u.cstr('sub'), AT_REMOVEDIR), yield* u.sys('unlinkat', AT_FDCWD, u.cstr('a'), 0));
      got.push(yield* u.sys('mkdirat', AT_FDCWD, u.cstr('x'.repeat(256)), 0o755));
    });
    expect(names).toEqual(['.:4', '..:4', 'a:8', 'sub:4']);
    expect(got).toEqual([0, -EEXIST, 0, -ENOTEMPTY, -EISDIR, -ENOTDIR, -ENOTDIR, -ENOTDIR, -EISDIR, 0, 7, '/d/sub', 0, 3, '/d', -ERANGE, 0, 0, -ENAMETOOLONG]);
  });

  it('symlinks, readlink, ELOOP, O_NOFOLLOW, lstat vs stat, hard links, rename', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      yield* open(u, '/t', O_CREAT | O_WRONLY);
      got.push(yield* u.sys('symlinkat', u.cstr('/t'), AT_FDCWD, u.cstr('/l')));
      const buf = u.alloc(64);
      got.push(yield* u.sys('readlinkat', AT_FDCWD, u.cstr('/l'), buf, 64), u.text(buf, 2));
      got.push(yield* u.sys('readlinkat', AT_FDCWD, u.cstr('/t'), buf, 64));
      yield* u.sys('symlinkat', u.cstr('/loop2'), AT_FDCWD, u.cstr('/loop1'));
      yield* u.sys('symlinkat', u.cstr('/loop1'), AT_FDCWD, u.cstr('/loop2'));
      got.push(yield* open(u, '/loop1', O_RDONLY), yield* open(u, '/l', O_RDONLY | O_NOFOLLOW));
      const s1 = (yield* stat(u, '/l')) as { mode: number }, s2 = (yield* stat(u, '/l', AT_SYMLINK_NOFOLLOW)) as { mode: number };
      got.push(s1.mode.toString(8), s2.mode.toString(8));
      got.push(yield* u.sys('linkat', AT_FDCWD, u.cstr('/t'), AT_FDCWD, u.cstr('/t2'), 0), (yield* statOk(u, '/t')).nlink);
      got.push(yield* u.sys('renameat2', AT_FDCWD, u.cstr('/t2'), AT_FDCWD, u.cstr('/t3'), 0), yield* open(u, '/t2', O_RDONLY));
      yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dd'), 0o755);
      got.push(yield* u.sys('renameat2', AT_FDCWD, u.cstr('/t3'), AT_FDCWD, u.cstr('/dd'), 0));
      got.push(yield* u.sys('renameat2', AT_FDCWD, u.cstr('/dd'), AT_FDCWD, u.cstr('/dd/in'), 0));
      got.push(yield* u.sys('linkat', AT_FDCWD, u.cstr('/dd'), AT_FDCWD, u.cstr('/dd2'), 0));
    });
    expect(got).toEqual([0, 2, '/t', -EINVAL, -ELOOP, -ELOOP, '100644', '120777', 0, 2, 0, -ENOENT, -EISDIR, -EINVAL, -1]);
  });

  it('device files: null, zero, full, urandom', () => {
    const got: Array<number | string> = [];
    runInit(function* (u) {
      yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/devtmp'), 0o755);
      got.push(yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/devtmp'), u.cstr('devtmpfs'), 0, 0));
      const buf = u.alloc(16);
      const nul = yield* open(u, '/devtmp/null', O_RDWR);
      got.push(yield* u.sys('write', nul, buf, 16), yield* u.sys('read', nul, buf, 16));
      const full = yield* open(u, '/devtmp/full', O_RDWR);
      got.push(yield* u.sys('write', full, buf, 1), yield* u.sys('read', full, buf, 4));
      const ur = yield* open(u, '/devtmp/urandom', O_RDONLY);
      got.push(yield* u.sys('read', ur, buf, 8));
      got.push(yield* u.sys('mount', u.cstr('x'), u.cstr('/devtmp'), u.cstr('nosuchfs'), 0, 0));
      got.push(yield* u.sys('mount', u.cstr('x'), u.cstr('/devtmp/null'), u.cstr('tmpfs'), 0, 0));
    });
    expect(got).toEqual([0, 16, 0, -ENOSPC, 4, 8, -ENODEV, -ENOTDIR]);
  });

  it('procfs: mount, /proc/self/stat, cpuinfo, mounts; cross-device link is EXDEV', () => {
    const texts: string[] = [];
    const got: number[] = [];
    runInit(function* (u) {
      yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/proc'), 0o555);
      got.push(yield* u.sys('mount', u.cstr('proc'), u.cstr('/proc'), u.cstr('proc'), 0, 0));
      for (const p of ['/proc/self/stat', '/proc/cpuinfo', '/proc/mounts', '/proc/1/cmdline']) {
        const fd = yield* open(u, p, O_RDONLY);
        const buf = u.alloc(8192);
        const n = yield* u.sys('read', fd, buf, 8192);
        texts.push(u.text(buf, Math.max(0, n)));
      }
      yield* open(u, '/x', O_CREAT | O_WRONLY);
      got.push(yield* u.sys('linkat', AT_FDCWD, u.cstr('/x'), AT_FDCWD, u.cstr('/proc/x'), 0));
    });
    expect(got).toEqual([0, -EXDEV]);
    expect(texts[0]).toMatch(/^1 \(init\) R 0 1 1 0 -1 /);
    expect(texts[0].trim().split(' ')).toHaveLength(52);
    expect(texts[1]).toContain('processor\t: 0\nBogoMIPS\t: 125.00\n');
    expect(texts[2]).toBe('rootfs / rootfs rw 0 0\nproc /proc proc rw 0 0\n');
    expect(texts[3]).toBe('/init\0');
  });
});
