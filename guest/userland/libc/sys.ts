// The system-call layer of the native libc: one generator wrapper per call. Each wrapper
// marshals its arguments into a scratch region the process owns (mapped once with mmap),
// yields the trap, and decodes the result from the same memory — exactly what a C
// library does with its stack. Results are values: >= 0 / decoded data, or -errno.

import type { NativeEntry, SyscallTrap, UserMemory } from '../../abi/native';
import { EFAULT, ENOMEM } from './errno';
import {
  AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, MAP_ANONYMOUS, MAP_PRIVATE, NR, PROT_READ, PROT_WRITE,
  PR_SET_NAME, SIGCHLD, TCGETS, TIOCGWINSZ,
} from './numbers';
import {
  STAT_SIZE, STATFS_SIZE, SYSINFO_SIZE, UTSNAME_SIZE, parseDirents, parseStat, parseStatfs, parseSysinfo,
  parseUtsname,
} from './structs';
import type { Dirent, Stat, Statfs, Sysinfo, Utsname } from './structs';
import { cString, fromUtf8, untilNul } from './text';

/** A syscall-making generator returning T. */
export type Sc<T> = Generator<SyscallTrap, T, number>;

export const SCRATCH_SIZE_BYTES = 1 << 20;
/** Largest single read/write chunk marshalled through the scratch region. */
export const IO_CHUNK_BYTES = 64 * 1024;

export function trap(nr: number, args: number[], childEntry?: NativeEntry): SyscallTrap {
  return childEntry ? { nr, args, childEntry } : { nr, args };
}

export class Sys {
  private top = 0;

  private constructor(
    readonly mem: UserMemory,
    private readonly base: number,
    private readonly sizeBytes: number,
  ) {}

  /** Maps the scratch region; returns -errno when the kernel refuses. */
  static *create(mem: UserMemory): Sc<Sys | number> {
    const addr = yield trap(NR.mmap, [0, SCRATCH_SIZE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0]);
    if (addr < 0 && addr > -4096) return addr;
    return new Sys(mem, addr, SCRATCH_SIZE_BYTES);
  }

  /** In a forked child: the scratch mapping was copied with the address space. */
  forChild(mem: UserMemory): Sys {
    return new Sys(mem, this.base, this.sizeBytes);
  }

  private alloc(lenBytes: number): number {
    const at = (this.top + 15) & ~15;
    if (at + lenBytes > this.sizeBytes) return -1;
    this.top = at + lenBytes;
    return this.base + at;
  }

  private put(bytes: Uint8Array): number {
    const addr = this.alloc(bytes.length);
    if (addr < 0 || !this.mem.write(addr, bytes)) return -1;
    return addr;
  }

  private fetch(addr: number, lenBytes: number): Uint8Array {
    return this.mem.read(addr, lenBytes) ?? new Uint8Array(lenBytes);
  }

  /** Runs `body` with a fresh scratch frame, released afterwards. */
  private *frame<T>(body: () => Sc<T>): Sc<T> {
    const saved = this.top;
    try {
      return yield* body();
    } finally {
      this.top = saved;
    }
  }

  *raw(nr: number, args: number[]): Sc<number> {
    return yield trap(nr, args);
  }

  /** One call with string/buffer arguments placed in scratch; -ENOMEM if they do not fit. */
  private *withStrings(strs: readonly string[], call: (ptrs: number[]) => Sc<number>): Sc<number> {
    return yield* this.frame(function* (this: Sys) {
      const ptrs = strs.map((s) => this.put(cString(s)));
      if (ptrs.some((p) => p < 0)) return -ENOMEM;
      return yield* call(ptrs);
    }.bind(this));
  }

  *write(fd: number, data: Uint8Array): Sc<number> {
    let done = 0;
    while (done < data.length) {
      const chunk = data.subarray(done, done + IO_CHUNK_BYTES);
      const n = yield* this.frame(function* (this: Sys): Sc<number> {
        const p = this.put(chunk);
        if (p < 0) return -EFAULT;
        return yield trap(NR.write, [fd, p, chunk.length]);
      }.bind(this));
      if (n < 0) return done > 0 ? done : n;
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  /** One read(2) of at most maxBytes: the bytes read, or -errno. */
  *read(fd: number, maxBytes: number): Sc<Uint8Array | number> {
    const len = Math.min(maxBytes, IO_CHUNK_BYTES);
    return yield* this.frame(function* (this: Sys): Sc<Uint8Array | number> {
      const p = this.alloc(len);
      if (p < 0) return -ENOMEM;
      const n = yield trap(NR.read, [fd, p, len]);
      if (n < 0) return n;
      return this.fetch(p, n);
    }.bind(this));
  }

  *openat(dirfd: number, path: string, flags: number, mode = 0o666): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.openat, [dirfd, p[0]!, flags, mode]);
    });
  }

  *open(path: string, flags: number, mode = 0o666): Sc<number> {
    return yield* this.openat(AT_FDCWD, path, flags, mode);
  }

  *close(fd: number): Sc<number> {
    return yield trap(NR.close, [fd]);
  }

  *dup(fd: number): Sc<number> {
    return yield trap(NR.dup, [fd]);
  }

  *dup3(oldFd: number, newFd: number, flags = 0): Sc<number> {
    return yield trap(NR.dup3, [oldFd, newFd, flags]);
  }

  *fcntl(fd: number, cmd: number, arg = 0): Sc<number> {
    return yield trap(NR.fcntl, [fd, cmd, arg]);
  }

  *lseek(fd: number, offset: number, whence: number): Sc<number> {
    return yield trap(NR.lseek, [fd, offset, whence]);
  }

  *ioctl(fd: number, request: number, arg: number): Sc<number> {
    return yield trap(NR.ioctl, [fd, request, arg]);
  }

  /** ioctl with an int-sized in/out argument (TIOCGPGRP, TIOCSPGRP). */
  *ioctlInt(fd: number, request: number, value: number): Sc<number> {
    return yield* this.frame(function* (this: Sys): Sc<number> {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, value, true);
      const p = this.put(b);
      if (p < 0) return -ENOMEM;
      const r = yield trap(NR.ioctl, [fd, request, p]);
      if (r < 0) return r;
      return new DataView(this.fetch(p, 4).buffer).getInt32(0, true);
    }.bind(this));
  }

  /** isatty(): TCGETS into a termios-sized buffer succeeds only on a terminal. */
  *isatty(fd: number): Sc<boolean> {
    return yield* this.frame(function* (this: Sys): Sc<boolean> {
      const p = this.alloc(64);
      if (p < 0) return false;
      return (yield trap(NR.ioctl, [fd, TCGETS, p])) >= 0;
    }.bind(this));
  }

  /** TIOCGWINSZ: the terminal size, or undefined when fd is not a terminal. */
  *ioctlWinsize(fd: number): Sc<{ rows: number; cols: number } | undefined> {
    return yield* this.frame(function* (this: Sys): Sc<{ rows: number; cols: number } | undefined> {
      const p = this.alloc(8);
      if (p < 0) return undefined;
      const r = yield trap(NR.ioctl, [fd, TIOCGWINSZ, p]);
      if (r < 0) return undefined;
      const v = new DataView(this.fetch(p, 8).buffer);
      return { rows: v.getUint16(0, true), cols: v.getUint16(2, true) };
    }.bind(this));
  }

  *pipe2(flags = 0): Sc<[number, number] | number> {
    return yield* this.frame(function* (this: Sys): Sc<[number, number] | number> {
      const p = this.alloc(8);
      if (p < 0) return -ENOMEM;
      const r = yield trap(NR.pipe2, [p, flags]);
      if (r < 0) return r;
      const v = new DataView(this.fetch(p, 8).buffer);
      return [v.getInt32(0, true), v.getInt32(4, true)];
    }.bind(this));
  }

  *fstatat(dirfd: number, path: string, flags: number): Sc<Stat | number> {
    return yield* this.frame(function* (this: Sys): Sc<Stat | number> {
      const p = this.put(cString(path));
      const buf = this.alloc(STAT_SIZE);
      if (p < 0 || buf < 0) return -ENOMEM;
      const r = yield trap(NR.newfstatat, [dirfd, p, buf, flags]);
      if (r < 0) return r;
      return parseStat(this.fetch(buf, STAT_SIZE)) ?? -EFAULT;
    }.bind(this));
  }

  *stat(path: string): Sc<Stat | number> {
    return yield* this.fstatat(AT_FDCWD, path, 0);
  }

  *lstat(path: string): Sc<Stat | number> {
    return yield* this.fstatat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW);
  }

  *fstat(fd: number): Sc<Stat | number> {
    return yield* this.frame(function* (this: Sys): Sc<Stat | number> {
      const buf = this.alloc(STAT_SIZE);
      if (buf < 0) return -ENOMEM;
      const r = yield trap(NR.fstat, [fd, buf]);
      if (r < 0) return r;
      return parseStat(this.fetch(buf, STAT_SIZE)) ?? -EFAULT;
    }.bind(this));
  }

  /** All entries of an open directory (getdents64 until it returns 0). */
  *getdents(fd: number): Sc<Dirent[] | number> {
    const all: Dirent[] = [];
    for (let guard = 0; guard < 1_000_000; guard++) {
      const chunk = yield* this.frame(function* (this: Sys): Sc<Uint8Array | number> {
        const p = this.alloc(32768);
        if (p < 0) return -ENOMEM;
        const n = yield trap(NR.getdents64, [fd, p, 32768]);
        if (n < 0) return n;
        return this.fetch(p, n);
      }.bind(this));
      if (typeof chunk === 'number') return chunk;
      if (chunk.length === 0) break;
      all.push(...parseDirents(chunk));
    }
    return all;
  }

  *getcwd(): Sc<string | number> {
    return yield* this.frame(function* (this: Sys): Sc<string | number> {
      const p = this.alloc(4096);
      if (p < 0) return -ENOMEM;
      const r = yield trap(NR.getcwd, [p, 4096]);
      if (r < 0) return r;
      return fromUtf8(untilNul(this.fetch(p, 4096)));
    }.bind(this));
  }

  *chdir(path: string): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.chdir, [p[0]!]);
    });
  }

  *mkdir(path: string, mode: number): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.mkdirat, [AT_FDCWD, p[0]!, mode]);
    });
  }

  *unlink(path: string): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.unlinkat, [AT_FDCWD, p[0]!, 0]);
    });
  }

  *rmdir(path: string): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.unlinkat, [AT_FDCWD, p[0]!, AT_REMOVEDIR]);
    });
  }

  *rename(from: string, to: string): Sc<number> {
    return yield* this.withStrings([from, to], function* (p) {
      return yield trap(NR.renameat, [AT_FDCWD, p[0]!, AT_FDCWD, p[1]!]);
    });
  }

  *symlink(target: string, linkPath: string): Sc<number> {
    return yield* this.withStrings([target, linkPath], function* (p) {
      return yield trap(NR.symlinkat, [p[0]!, AT_FDCWD, p[1]!]);
    });
  }

  *link(from: string, to: string): Sc<number> {
    return yield* this.withStrings([from, to], function* (p) {
      return yield trap(NR.linkat, [AT_FDCWD, p[0]!, AT_FDCWD, p[1]!, 0]);
    });
  }

  *readlink(path: string): Sc<string | number> {
    return yield* this.frame(function* (this: Sys): Sc<string | number> {
      const p = this.put(cString(path));
      const buf = this.alloc(4096);
      if (p < 0 || buf < 0) return -ENOMEM;
      const n = yield trap(NR.readlinkat, [AT_FDCWD, p, buf, 4096]);
      if (n < 0) return n;
      return fromUtf8(this.fetch(buf, n));
    }.bind(this));
  }

  *chmod(path: string, mode: number): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.fchmodat, [AT_FDCWD, p[0]!, mode, 0]);
    });
  }

  *chown(path: string, uid: number, gid: number): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.fchownat, [AT_FDCWD, p[0]!, uid, gid, 0]);
    });
  }

  /** utimensat(path, NULL): set both times to now. */
  *touchNow(path: string): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.utimensat, [AT_FDCWD, p[0]!, 0, 0]);
    });
  }

  *access(path: string, mode: number): Sc<number> {
    return yield* this.withStrings([path], function* (p) {
      return yield trap(NR.faccessat, [AT_FDCWD, p[0]!, mode, 0]);
    });
  }

  *mount(source: string, target: string, fstype: string, flags: number, data: string): Sc<number> {
    return yield* this.withStrings([source, target, fstype, data], function* (p) {
      return yield trap(NR.mount, [p[0]!, p[1]!, p[2]!, flags, data === '' ? 0 : p[3]!]);
    });
  }

  *umount(target: string, flags: number): Sc<number> {
    return yield* this.withStrings([target], function* (p) {
      return yield trap(NR.umount2, [p[0]!, flags]);
    });
  }

  *statfs(path: string): Sc<Statfs | number> {
    return yield* this.frame(function* (this: Sys): Sc<Statfs | number> {
      const p = this.put(cString(path));
      const buf = this.alloc(STATFS_SIZE);
      if (p < 0 || buf < 0) return -ENOMEM;
      const r = yield trap(NR.statfs, [p, buf]);
      if (r < 0) return r;
      return parseStatfs(this.fetch(buf, STATFS_SIZE)) ?? -EFAULT;
    }.bind(this));
  }

  *uname(): Sc<Utsname | number> {
    return yield* this.frame(function* (this: Sys): Sc<Utsname | number> {
      const buf = this.alloc(UTSNAME_SIZE);
      if (buf < 0) return -ENOMEM;
      const r = yield trap(NR.uname, [buf]);
      if (r < 0) return r;
      return parseUtsname(this.fetch(buf, UTSNAME_SIZE)) ?? -EFAULT;
    }.bind(this));
  }

  *sethostname(name: string): Sc<number> {
    const bytes = cString(name);
    return yield* this.withStrings([name], function* (p) {
      return yield trap(NR.sethostname, [p[0]!, bytes.length - 1]);
    });
  }

  *sysinfo(): Sc<Sysinfo | number> {
    return yield* this.frame(function* (this: Sys): Sc<Sysinfo | number> {
      const buf = this.alloc(SYSINFO_SIZE);
      if (buf < 0) return -ENOMEM;
      const r = yield trap(NR.sysinfo, [buf]);
      if (r < 0) return r;
      return parseSysinfo(this.fetch(buf, SYSINFO_SIZE)) ?? -EFAULT;
    }.bind(this));
  }

  /** syslog(SYSLOG_ACTION_READ_ALL): the kernel log buffer. */
  *readKernelLog(): Sc<string | number> {
    return yield* this.frame(function* (this: Sys): Sc<string | number> {
      const len = 256 * 1024;
      const buf = this.alloc(len);
      if (buf < 0) return -ENOMEM;
      const n = yield trap(NR.syslog, [3, buf, len]);
      if (n < 0) return n;
      return fromUtf8(this.fetch(buf, n));
    }.bind(this));
  }

  *kill(pid: number, sig: number): Sc<number> {
    return yield trap(NR.kill, [pid, sig]);
  }

  /** exit_group; a process never resumes after it. */
  *exit(code: number): Sc<never> {
    for (;;) yield trap(NR.exit_group, [code & 0xff]);
  }

  /** fork(): clone(SIGCHLD) with the child starting at `child`. Returns the child's pid or -errno. */
  *fork(child: NativeEntry): Sc<number> {
    return yield trap(NR.clone, [SIGCHLD, 0, 0, 0, 0], child);
  }

  /** execve: returns only on failure (-errno). */
  *execve(path: string, argv: readonly string[], envp: readonly string[]): Sc<number> {
    return yield* this.frame(function* (this: Sys): Sc<number> {
      const argPtrs = argv.map((s) => this.put(cString(s)));
      const envPtrs = envp.map((s) => this.put(cString(s)));
      const p = this.put(cString(path));
      const vec = (ptrs: number[]): number => {
        const b = new Uint8Array((ptrs.length + 1) * 8);
        const v = new DataView(b.buffer);
        ptrs.forEach((x, i) => v.setBigUint64(i * 8, BigInt(x), true));
        return this.put(b);
      };
      const argvP = vec(argPtrs);
      const envpP = vec(envPtrs);
      if ([p, argvP, envpP, ...argPtrs, ...envPtrs].some((x) => x < 0)) return -ENOMEM;
      return yield trap(NR.execve, [p, argvP, envpP]);
    }.bind(this));
  }

  /** wait4(pid, &status, options, NULL). Returns {pid, status}, {pid: 0} under WNOHANG, or -errno. */
  *wait4(pid: number, options: number): Sc<{ pid: number; status: number } | number> {
    return yield* this.frame(function* (this: Sys): Sc<{ pid: number; status: number } | number> {
      const p = this.alloc(4);
      if (p < 0) return -ENOMEM;
      this.mem.write(p, new Uint8Array(4));
      const r = yield trap(NR.wait4, [pid, p, options, 0]);
      if (r < 0) return r;
      return { pid: r, status: new DataView(this.fetch(p, 4).buffer).getInt32(0, true) };
    }.bind(this));
  }

  *nanosleep(ns: number): Sc<number> {
    return yield* this.frame(function* (this: Sys): Sc<number> {
      const b = new Uint8Array(16);
      const v = new DataView(b.buffer);
      v.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
      v.setBigInt64(8, BigInt(Math.floor(ns % 1e9)), true);
      const p = this.put(b);
      if (p < 0) return -ENOMEM;
      return yield trap(NR.nanosleep, [p, 0]);
    }.bind(this));
  }

  /** clock_gettime in whole nanoseconds (exact up to 2^53 ns ≈ 104 days of uptime). */
  *clockGettimeNs(clock: number): Sc<number> {
    return yield* this.frame(function* (this: Sys): Sc<number> {
      const p = this.alloc(16);
      if (p < 0) return -ENOMEM;
      const r = yield trap(NR.clock_gettime, [clock, p]);
      if (r < 0) return r;
      const v = new DataView(this.fetch(p, 16).buffer);
      return Number(v.getBigInt64(0, true)) * 1e9 + Number(v.getBigInt64(8, true));
    }.bind(this));
  }

  /** rt_sigaction(sig, {handler: SIG_DFL or SIG_IGN}) — native programs install no handler functions. */
  *signalDisposition(sig: number, handler: number): Sc<number> {
    return yield* this.frame(function* (this: Sys): Sc<number> {
      const b = new Uint8Array(32);
      new DataView(b.buffer).setBigUint64(0, BigInt(handler), true);
      const p = this.put(b);
      if (p < 0) return -ENOMEM;
      return yield trap(NR.rt_sigaction, [sig, p, 0, 8]);
    }.bind(this));
  }

  *sigprocmask(how: number, mask: bigint): Sc<number> {
    return yield* this.frame(function* (this: Sys): Sc<number> {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, mask, true);
      const p = this.put(b);
      if (p < 0) return -ENOMEM;
      return yield trap(NR.rt_sigprocmask, [how, p, 0, 8]);
    }.bind(this));
  }

  /** rt_sigtimedwait with a zero timeout: a pending signal of `mask`, or -EAGAIN. */
  *sigpoll(mask: bigint): Sc<number> {
    return yield* this.frame(function* (this: Sys): Sc<number> {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, mask, true);
      const set = this.put(b);
      const ts = this.put(new Uint8Array(16));
      if (set < 0 || ts < 0) return -ENOMEM;
      return yield trap(NR.rt_sigtimedwait, [set, 0, ts, 8]);
    }.bind(this));
  }

  *getpid(): Sc<number> {
    return yield trap(NR.getpid, []);
  }

  *getppid(): Sc<number> {
    return yield trap(NR.getppid, []);
  }

  *getuid(): Sc<number> {
    return yield trap(NR.getuid, []);
  }

  *getgid(): Sc<number> {
    return yield trap(NR.getgid, []);
  }

  *geteuid(): Sc<number> {
    return yield trap(NR.geteuid, []);
  }

  *getegid(): Sc<number> {
    return yield trap(NR.getegid, []);
  }

  *umask(mask: number): Sc<number> {
    return yield trap(NR.umask, [mask]);
  }

  *setpgid(pid: number, pgid: number): Sc<number> {
    return yield trap(NR.setpgid, [pid, pgid]);
  }

  *setsid(): Sc<number> {
    return yield trap(NR.setsid, []);
  }

  *getpgid(pid: number): Sc<number> {
    return yield trap(NR.getpgid, [pid]);
  }

  /** prctl(PR_SET_NAME): the task's comm (what ps shows in braces when argv[0] differs). */
  *setProcessName(name: string): Sc<number> {
    const p = this.put(cString(name.slice(0, 15)));
    if (p < 0) return -ENOMEM;
    return yield trap(NR.prctl, [PR_SET_NAME, p, 0, 0, 0]);
  }

  *sync(): Sc<number> {
    return yield trap(NR.sync, []);
  }

  *ftruncate(fd: number, lenBytes: number): Sc<number> {
    return yield trap(NR.ftruncate, [fd, lenBytes]);
  }

  *reboot(cmd: number): Sc<number> {
    return yield trap(NR.reboot, [0xfee1dead, 672274793, cmd, 0]);
  }
}
