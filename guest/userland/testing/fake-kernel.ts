// A small stand-in kernel for the userland's unit tests (TigerBeetle-style simulated
// stand-in beside the real code): processes as generators, fork/exec/wait, pipes, an
// in-memory file tree, a console with scripted input, virtual time for nanosleep and
// kill with default actions. It implements just enough of the Linux ABI, with its
// numbers and errno values, to run sh and the applets deterministically without the
// real guest kernel; behaviours it does not model return ENOSYS.

import type { NativeEntry, NativeProgram, SyscallTrap } from '../../abi/native';
import * as E from '../libc/errno';
import { NR, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_TRUNC, SIG_IGN } from '../libc/numbers';
import { concatBytes } from '../libc/text';
import { FakeMemory } from './fake-memory';
import { FakeFs } from './fake-fs';
import type { FsNode } from './fake-fs';
import { fsCall } from './fake-fs-calls';

export interface Pipe {
  buf: Uint8Array[];
  readers: number;
  writers: number;
}

export type OpenFile =
  | { kind: 'console'; refs: number }
  | { kind: 'null'; refs: number }
  | { kind: 'file'; node: FsNode & { kind: 'file' }; pos: number; append: boolean; refs: number; path: string }
  | { kind: 'dir'; path: string; done: boolean; refs: number }
  | { kind: 'pipe'; pipe: Pipe; write: boolean; refs: number };

export interface Fd {
  file: OpenFile;
  cloexec: boolean;
}

export interface Proc {
  pid: number;
  ppid: number;
  gen: NativeProgram;
  mem: FakeMemory;
  fds: Map<number, Fd>;
  cwd: string;
  umask: number;
  argv: string[];
  blocked: bigint;
  pending: bigint;
  ignored: Set<number>;
  /** The trap awaiting a result (undefined before the first step). */
  trap: SyscallTrap | undefined;
  zombie: boolean;
  waitStatus: number;
  wakeAtNs: number;
  sleeping: boolean;
}

export const BLOCK = Symbol('block');
type Result = number | typeof BLOCK;

const MAX_STEPS = 2_000_000;

export class FakeKernel {
  readonly fs = new FakeFs();
  readonly procs = new Map<number, Proc>();
  private nextPid = 1;
  nowNs = 0;
  consoleIn: Uint8Array;
  consoleOut = '';
  readonly programs = new Map<string, NativeEntry>();
  /** True: fd 0..2 of the first process answer TCGETS (an interactive console). */
  consoleIsTty = false;
  powerOff: number | undefined;

  constructor(input = '') {
    this.consoleIn = new TextEncoder().encode(input);
  }

  install(name: string, entry: NativeEntry, paths: string[] = [`/bin/${name}`]): void {
    this.programs.set(name, entry);
    for (const p of paths) this.fs.put(p, { kind: 'native', name, mode: 0o755 });
  }

  /** Starts `path` as a process with the console on fds 0-2. */
  spawn(path: string, argv: string[], envp: string[] = ['PATH=/bin:/sbin', 'HOME=/']): number {
    const node = this.fs.get(path);
    if (node?.kind !== 'native') throw new Error(`no native program at ${path}`);
    const mem = new FakeMemory();
    const consoleFile: OpenFile = { kind: 'console', refs: 3 };
    const fds = new Map<number, Fd>([0, 1, 2].map((n) => [n, { file: consoleFile, cloexec: false }]));
    const pid = this.nextPid++;
    const entry = this.programs.get(node.name)!;
    const proc: Proc = {
      pid, ppid: 0, mem, fds, cwd: '/', umask: 0o022, argv, blocked: 0n, pending: 0n, ignored: new Set(),
      gen: entry({ argv, envp, mem }), trap: undefined, zombie: false, waitStatus: 0, wakeAtNs: 0, sleeping: false,
    };
    this.procs.set(pid, proc);
    return pid;
  }

  /** Runs until every process has exited or all are blocked; returns the first process's wait status. */
  run(): number {
    for (let step = 0; step < MAX_STEPS; step++) {
      let progressed = false;
      for (const proc of [...this.procs.values()]) {
        if (proc.zombie) continue;
        if (this.step(proc)) progressed = true;
      }
      if (this.powerOff !== undefined) break;
      if (!progressed && !this.advanceClock()) break;
    }
    return this.procs.get(1)?.waitStatus ?? 0;
  }

  /** Virtual time after which run() stops even if processes still sleep. */
  untilNs = 1e13;

  private advanceClock(): boolean {
    const sleepers = [...this.procs.values()].filter((p) => !p.zombie && p.sleeping);
    if (sleepers.length === 0) return false;
    this.nowNs = Math.min(...sleepers.map((p) => p.wakeAtNs));
    return this.nowNs <= this.untilNs;
  }

  private step(proc: Proc): boolean {
    let result: number;
    if (proc.trap === undefined) {
      result = 0;
    } else {
      const r = this.syscall(proc, proc.trap);
      if (r === BLOCK) return false;
      if (proc.zombie || this.procs.get(proc.pid) === undefined) return true;
      result = r;
      if ((proc.trap as SyscallTrap | undefined) === undefined) return true; // execve replaced the image
    }
    const next = proc.gen.next(result);
    if (next.done) {
      this.exit(proc, (next.value & 0xff) << 8);
      return true;
    }
    proc.trap = next.value;
    return true;
  }

  exit(proc: Proc, waitStatus: number): void {
    if (proc.zombie) return;
    proc.zombie = true;
    proc.waitStatus = waitStatus;
    for (const fd of [...proc.fds.keys()]) this.closeFd(proc, fd);
    for (const p of this.procs.values()) if (p.ppid === proc.pid) p.ppid = 1;
  }

  closeFd(proc: Proc, fd: number): number {
    const f = proc.fds.get(fd);
    if (!f) return -E.EBADF;
    proc.fds.delete(fd);
    this.unref(f.file);
    return 0;
  }

  private unref(file: OpenFile): void {
    file.refs--;
    if (file.refs > 0 || file.kind !== 'pipe') return;
    if (file.write) file.pipe.writers--;
    else file.pipe.readers--;
  }

  allocFd(proc: Proc, file: OpenFile, cloexec: boolean, min = 0): number {
    let fd = min;
    while (proc.fds.has(fd)) fd++;
    proc.fds.set(fd, { file, cloexec });
    file.refs++;
    return fd;
  }

  str(proc: Proc, addr: number): string | undefined {
    const out: number[] = [];
    for (let i = 0; i < 4096; i++) {
      const b = proc.mem.read(addr + i, 1);
      if (!b) return undefined;
      if (b[0] === 0) return new TextDecoder().decode(new Uint8Array(out));
      out.push(b[0]!);
    }
    return undefined;
  }

  private strVec(proc: Proc, addr: number): string[] | undefined {
    const out: string[] = [];
    for (let i = 0; i < 4096; i++) {
      const b = proc.mem.read(addr + i * 8, 8);
      if (!b) return undefined;
      const p = Number(new DataView(b.buffer).getBigUint64(0, true));
      if (p === 0) return out;
      const s = this.str(proc, p);
      if (s === undefined) return undefined;
      out.push(s);
    }
    return undefined;
  }

  resolve(proc: Proc, path: string): string {
    return FakeFs.normalize(path.startsWith('/') ? path : `${proc.cwd}/${path}`);
  }

  private syscall(proc: Proc, t: SyscallTrap): Result {
    const a = t.args.map((x) => x ?? 0);
    switch (t.nr) {
      case NR.read: return this.read(proc, a[0]!, a[1]!, a[2]!);
      case NR.write: return this.write(proc, a[0]!, a[1]!, a[2]!);
      case NR.close: return this.closeFd(proc, a[0]!);
      case NR.openat: return this.openat(proc, a[1]!, a[2]!);
      case NR.mmap: return proc.mem.map(a[1]!);
      case NR.munmap: proc.mem.unmap(a[0]!, a[1]!); return 0;
      case NR.exit:
      case NR.exit_group: this.exit(proc, (a[0]! & 0xff) << 8); return 0;
      case NR.clone: return this.clone(proc, t);
      case NR.execve: return this.execve(proc, a[0]!, a[1]!, a[2]!);
      case NR.wait4: return this.wait4(proc, a[0]!, a[1]!, a[2]!);
      case NR.getpid: return proc.pid;
      case NR.getppid: return proc.ppid;
      case NR.getuid: case NR.geteuid: case NR.getgid: case NR.getegid: return 0;
      case NR.kill: return this.kill(proc, a[0]!, a[1]!);
      case NR.pipe2: return this.pipe2(proc, a[0]!);
      case NR.dup: return proc.fds.has(a[0]!) ? this.allocFd(proc, proc.fds.get(a[0]!)!.file, false) : -E.EBADF;
      case NR.dup3: return this.dup3(proc, a[0]!, a[1]!, a[2]!);
      case NR.fcntl: return this.fcntl(proc, a[0]!, a[1]!, a[2]!);
      case NR.ioctl: return this.consoleIsTty && proc.fds.get(a[0]!)?.file.kind === 'console' ? 0 : -E.ENOTTY;
      case NR.rt_sigaction: return this.sigaction(proc, a[0]!, a[1]!);
      case NR.rt_sigprocmask: return this.sigprocmask(proc, a[0]!, a[1]!);
      case NR.rt_sigtimedwait: return this.sigtimedwait(proc, a[0]!);
      case NR.umask: { const old = proc.umask; proc.umask = a[0]! & 0o777; return old; }
      case NR.nanosleep: return this.nanosleep(proc, a[0]!);
      case NR.setpgid: case NR.sync: return 0;
      case NR.reboot: this.powerOff = a[2]!; return 0;
      default: return fsCall(this, proc, t.nr, a);
    }
  }

  private read(proc: Proc, fd: number, addr: number, len: number): Result {
    const f = proc.fds.get(fd)?.file;
    if (!f) return -E.EBADF;
    let data: Uint8Array;
    switch (f.kind) {
      case 'console': {
        // A terminal in canonical mode returns at most one line per read.
        const nl = this.consoleIsTty ? this.consoleIn.indexOf(10) : -1;
        data = this.consoleIn.subarray(0, nl >= 0 ? Math.min(len, nl + 1) : len);
        this.consoleIn = this.consoleIn.subarray(data.length);
        break;
      }
      case 'null': return 0;
      case 'dir': return -E.EISDIR;
      case 'file':
        data = f.node.data.subarray(f.pos, f.pos + len);
        f.pos += data.length;
        break;
      case 'pipe': {
        if (f.write) return -E.EBADF;
        const all = concatBytes(f.pipe.buf);
        if (all.length === 0) return f.pipe.writers > 0 ? BLOCK : 0;
        data = all.subarray(0, len);
        f.pipe.buf = [all.slice(data.length)];
        break;
      }
    }
    return proc.mem.write(addr, data) ? data.length : -E.EFAULT;
  }

  private write(proc: Proc, fd: number, addr: number, len: number): Result {
    const f = proc.fds.get(fd)?.file;
    if (!f) return -E.EBADF;
    const data = proc.mem.read(addr, len);
    if (!data) return -E.EFAULT;
    switch (f.kind) {
      case 'console': this.consoleOut += new TextDecoder().decode(data); return len;
      case 'null': return len;
      case 'dir': return -E.EISDIR;
      case 'file': {
        const node = f.node;
        const pos = f.append ? node.data.length : f.pos;
        const grown = new Uint8Array(Math.max(node.data.length, pos + len));
        grown.set(node.data);
        grown.set(data, pos);
        node.data = grown;
        f.pos = pos + len;
        return len;
      }
      case 'pipe':
        if (!f.write) return -E.EBADF;
        if (f.pipe.readers === 0) {
          this.signal(proc, 13);
          return -E.EPIPE;
        }
        if (f.pipe.buf.reduce((n, b) => n + b.length, 0) >= 65536) return BLOCK;
        f.pipe.buf.push(data);
        return len;
    }
  }

  private openat(proc: Proc, pathAddr: number, flags: number): Result {
    const raw = this.str(proc, pathAddr);
    if (raw === undefined) return -E.EFAULT;
    const path = this.resolve(proc, raw);
    if (path === '/dev/null') return this.allocFd(proc, { kind: 'null', refs: 0 }, (flags & O_CLOEXEC) !== 0);
    if (path === '/dev/console' || path === '/dev/tty') return this.allocFd(proc, { kind: 'console', refs: 0 }, (flags & O_CLOEXEC) !== 0);
    let node = this.fs.get(path);
    if (node && (flags & O_CREAT) && (flags & O_EXCL)) return -E.EEXIST;
    if (!node) {
      if (!(flags & O_CREAT)) return this.fs.parentMissing(path) ? -E.ENOENT : -E.ENOENT;
      if (this.fs.get(FakeFs.dirname(path))?.kind !== 'dir') return -E.ENOENT;
      node = { kind: 'file', data: new Uint8Array(0), mode: 0o666 & ~proc.umask };
      this.fs.put(path, node);
    }
    if (node.kind === 'dir') {
      if ((flags & 3) !== 0) return -E.EISDIR;
      return this.allocFd(proc, { kind: 'dir', path, done: false, refs: 0 }, (flags & O_CLOEXEC) !== 0);
    }
    if (flags & O_DIRECTORY) return -E.ENOTDIR;
    if (node.kind !== 'file') return -E.EACCES;
    if (flags & O_TRUNC) node.data = new Uint8Array(0);
    const file: OpenFile = { kind: 'file', node, pos: 0, append: (flags & O_APPEND) !== 0, refs: 0, path };
    return this.allocFd(proc, file, (flags & O_CLOEXEC) !== 0);
  }

  private clone(proc: Proc, t: SyscallTrap): Result {
    if (!t.childEntry) return -E.EINVAL;
    const mem = proc.mem.copy();
    const fds = new Map<number, Fd>();
    for (const [n, fd] of proc.fds) {
      fd.file.refs++;
      fds.set(n, { ...fd });
    }
    const pid = this.nextPid++;
    const child: Proc = {
      pid, ppid: proc.pid, mem, fds, cwd: proc.cwd, umask: proc.umask, argv: proc.argv, blocked: proc.blocked,
      pending: 0n, ignored: new Set(proc.ignored), gen: t.childEntry({ argv: proc.argv, envp: [], mem }),
      trap: undefined, zombie: false, waitStatus: 0, wakeAtNs: 0, sleeping: false,
    };
    this.procs.set(pid, child);
    return pid;
  }

  private execve(proc: Proc, pathAddr: number, argvAddr: number, envAddr: number): Result {
    const raw = this.str(proc, pathAddr);
    const argv = this.strVec(proc, argvAddr);
    const envp = this.strVec(proc, envAddr);
    if (raw === undefined || argv === undefined || envp === undefined) return -E.EFAULT;
    const node = this.fs.get(this.resolve(proc, raw));
    if (!node) return -E.ENOENT;
    if (node.kind === 'dir') return -E.EACCES;
    if (node.kind !== 'native') return (node.mode & 0o111) === 0 ? -E.EACCES : -E.ENOEXEC;
    for (const [n, fd] of [...proc.fds]) if (fd.cloexec) this.closeFd(proc, n);
    const mem = new FakeMemory();
    proc.mem = mem;
    proc.argv = argv;
    proc.gen = this.programs.get(node.name)!({ argv, envp, mem });
    proc.trap = undefined;
    return 0;
  }

  private wait4(proc: Proc, pid: number, statusAddr: number, options: number): Result {
    const children = [...this.procs.values()].filter((p) => p.ppid === proc.pid && (pid === -1 || p.pid === pid));
    if (children.length === 0) return -E.ECHILD;
    const z = children.find((p) => p.zombie);
    if (!z) return options & 1 ? 0 : BLOCK;
    if (statusAddr !== 0) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, z.waitStatus, true);
      proc.mem.write(statusAddr, b);
    }
    this.procs.delete(z.pid);
    return z.pid;
  }

  signal(proc: Proc, sig: number): void {
    if (sig === 0 || proc.zombie) return;
    if (proc.blocked & (1n << BigInt(sig - 1))) {
      proc.pending |= 1n << BigInt(sig - 1);
      return;
    }
    if (sig !== 9 && (proc.ignored.has(sig) || sig === 17 || sig === 28)) return;
    this.exit(proc, sig);
  }

  private kill(_proc: Proc, pid: number, sig: number): Result {
    const target = this.procs.get(pid);
    if (!target || target.zombie) return -E.ESRCH;
    this.signal(target, sig);
    return 0;
  }

  private pipe2(proc: Proc, addr: number): Result {
    const pipe: Pipe = { buf: [], readers: 1, writers: 1 };
    const r = this.allocFd(proc, { kind: 'pipe', pipe, write: false, refs: 0 }, false);
    const w = this.allocFd(proc, { kind: 'pipe', pipe, write: true, refs: 0 }, false);
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    v.setInt32(0, r, true);
    v.setInt32(4, w, true);
    return proc.mem.write(addr, b) ? 0 : -E.EFAULT;
  }

  private dup3(proc: Proc, oldFd: number, newFd: number, flags: number): Result {
    const f = proc.fds.get(oldFd);
    if (!f) return -E.EBADF;
    if (oldFd === newFd) return -E.EINVAL;
    if (proc.fds.has(newFd)) this.closeFd(proc, newFd);
    f.file.refs++;
    proc.fds.set(newFd, { file: f.file, cloexec: (flags & O_CLOEXEC) !== 0 });
    return newFd;
  }

  private fcntl(proc: Proc, fd: number, cmd: number, arg: number): Result {
    const f = proc.fds.get(fd);
    if (!f) return -E.EBADF;
    if (cmd === 0 || cmd === 1030) return this.allocFd(proc, f.file, cmd === 1030, arg);
    if (cmd === 1) return f.cloexec ? 1 : 0;
    if (cmd === 2) {
      f.cloexec = (arg & 1) !== 0;
      return 0;
    }
    return 0;
  }

  private sigaction(proc: Proc, sig: number, actAddr: number): Result {
    if (sig < 1 || sig > 64 || sig === 9 || sig === 19) return -E.EINVAL;
    if (actAddr === 0) return 0;
    const b = proc.mem.read(actAddr, 8);
    if (!b) return -E.EFAULT;
    const handler = Number(new DataView(b.buffer).getBigUint64(0, true));
    if (handler === SIG_IGN) proc.ignored.add(sig);
    else proc.ignored.delete(sig);
    return 0;
  }

  private sigprocmask(proc: Proc, how: number, setAddr: number): Result {
    if (setAddr === 0) return 0;
    const b = proc.mem.read(setAddr, 8);
    if (!b) return -E.EFAULT;
    const set = new DataView(b.buffer).getBigUint64(0, true);
    if (how === 0) proc.blocked |= set;
    else if (how === 1) proc.blocked &= ~set;
    else proc.blocked = set;
    return 0;
  }

  private sigtimedwait(proc: Proc, setAddr: number): Result {
    const b = proc.mem.read(setAddr, 8);
    if (!b) return -E.EFAULT;
    const hit = new DataView(b.buffer).getBigUint64(0, true) & proc.pending;
    if (hit === 0n) return -E.EAGAIN;
    for (let s = 1; s <= 64; s++) {
      const bit = 1n << BigInt(s - 1);
      if (hit & bit) {
        proc.pending &= ~bit;
        return s;
      }
    }
    return -E.EAGAIN;
  }

  private nanosleep(proc: Proc, tsAddr: number): Result {
    if (proc.sleeping) {
      if (this.nowNs < proc.wakeAtNs) return BLOCK;
      proc.sleeping = false;
      return 0;
    }
    const b = proc.mem.read(tsAddr, 16);
    if (!b) return -E.EFAULT;
    const v = new DataView(b.buffer);
    proc.wakeAtNs = this.nowNs + Number(v.getBigInt64(0, true)) * 1e9 + Number(v.getBigInt64(8, true));
    proc.sleeping = true;
    return BLOCK;
  }
}
