// User-mode runs (`twinbox exec`, like qemu-aarch64): one static AArch64 program on the
// TypeScript kernel with a host directory as its root and the host's stdin/stdout/stderr
// as fds 0-2. No console, no boot log: the kernel comes up with just what a process needs
// (frames, the VFS over hostfs, the character devices) and a sleeping PID 1 to adopt orphans.

import type { NativeProgram } from '../abi/native';
import { Machine } from '../../emulator/machine/machine';
import type { MachineDescription } from '../../emulator/machine/description/types';
import { HOSTFS_MAGIC, HostFs, type SyncReport } from '../fs/hostfs';
import { newFileSystem, Vfs } from '../fs/vfs';
import { registerCharDevices } from './devices';
import { createFilesystem } from './filesystems';
import { errnoName } from './errno';
import { execve } from './exec';
import { FdTable } from './fd-table';
import { OpenFile, O_RDONLY, O_WRONLY, POLLIN, POLLOUT, type FileOps } from './file';
import { Kernel } from './kernel';
import { FrameAllocator } from './mm/frames';
import { NativeRegistry } from './native-registry';
import { allocPid, createTask, newAddressSpace, signalGroup } from './process';
import { SIG_IGN, sigBit } from './signal-defs';
import { Tty, type TtyHooks } from '../tty/tty';
import { PtyTable } from '../tty/pty';
import type { Task } from './task';

export interface UserModeIo {
  /** Up to `maxBytes` of standard input; empty at end of input. */
  stdin(maxBytes: number): Uint8Array;
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
}

export interface UserModeOptions {
  /** The host directory that is the guest's `/` (resolved with realpath by the caller). */
  hostRoot: string;
  /** The program's path in the guest. */
  program: string;
  argv: string[];
  envp: string[];
  /** The guest working directory (default `/`). */
  cwd?: string;
  seed?: number;
  io: UserModeIo;
  /** Stop after this much virtual time (default: none). */
  untilNs?: number;
  /** Write the guest's file changes back to the host directory at the end (default true). */
  syncBack?: boolean;
}

export type UserModeStop = 'exited' | 'exec-failed' | 'deadlock' | 'time-limit';

export interface UserModeResult {
  stop: UserModeStop;
  /** As qemu-aarch64 exits: the status, or 128 + the signal that killed the program. */
  exitCode: number;
  /** The wait(2) status word of the program, once it exited. */
  waitStatus: number | undefined;
  error?: string;
  virtualNs: number;
  instructions: number;
  sync?: SyncReport;
  kernel: Kernel;
}

const MEMORY_BYTES = 1024 * 1024 * 1024;
const SYS_PPOLL = 73;

function description(): MachineDescription {
  return {
    arch: 'aarch64', machine: 'virt', machineOptions: {}, cpu: 'max', memoryBytes: MEMORY_BYTES, smp: 1, devices: [],
    drives: [], netdevs: [], append: '', nographic: true, noReboot: false, noDefaults: true, extra: {}, source: 'twinbox exec',
  };
}

function stdioOps(io: UserModeIo): { input: FileOps; output: FileOps; error: FileOps } {
  const poll = () => ({ mask: POLLIN | POLLOUT, queues: [] });
  const writer = (sink: (b: Uint8Array) => void): FileOps => ({
    seekable: false,
    poll,
    write: (_f, data) => {
      sink(data.slice());
      return data.length;
    },
  });
  return { input: { seekable: false, poll, read: (_f, len) => io.stdin(len) }, output: writer(io.stdout), error: writer(io.stderr) };
}

/** PID 1 of a user-mode run: it only sleeps (orphans stay its zombies until the run ends). */
function* idleInit(): NativeProgram {
  for (;;) yield { nr: SYS_PPOLL, args: [0, 0, 0, 0, 0, 0] };
}

class UserModeKernel extends Kernel {
  program: Task | undefined;
  execError: number | undefined;
  hostfs: HostFs | undefined;

  constructor(machine: Machine, private readonly opts: UserModeOptions) {
    super(machine, new NativeRegistry(), undefined);
  }

  override boot(): void {
    this.frames = new FrameAllocator(this.machine.ram);
    this.vfs = new Vfs(newFileSystem('hostfs', HOSTFS_MAGIC), () => this.now);
    this.hostfs = new HostFs(this.opts.hostRoot, this.vfs, this.epochAtBootS * 1e9);
    this.hostfs.attachRoot();
    this.setUpConsole();
    registerCharDevices(this);
    this.mountSpecialFilesystems();
    const init = createTask(this, 1, newAddressSpace(this), new FdTable());
    init.comm = 'init';
    init.program = idleInit();
    this.nextPid = 2;
    this.makeRunnable(init);
    this.startProgram(init);
  }

  /**
   * A root that has /proc, /sys or /dev directories (a real root filesystem tree) gets the
   * kernel's own proc, sysfs and devtmpfs there, as qemu-aarch64's guest sees the host's.
   * Mounted directories are never written back.
   */
  private mountSpecialFilesystems(): void {
    for (const [dir, fstype] of [['proc', 'proc'], ['sys', 'sysfs'], ['dev', 'devtmpfs']] as const) {
      const target = this.vfs.resolve(this.vfs.rootRef, `/${dir}`, { followLast: false });
      if (typeof target === 'number' || target.node.kind !== 'dir') continue;
      const root = createFilesystem(this, fstype);
      if (root) this.vfs.mount(target, root, { source: fstype, fstype, options: 'rw', flags: 0 });
    }
  }

  /** /dev/console and the PTYs exist, as on any Linux; console output goes to stderr. */
  private setUpConsole(): void {
    const io = this.opts.io;
    this.consolePort = {
      name: 'ttyAMA0', hwirq: -1, probeLine: '', write: (b) => io.stderr(b.slice()), handleIrq: () => 0,
    };
    const hooks: TtyHooks = {
      signalPgrp: (pgrp, sig) => void signalGroup(this, pgrp, sig),
      now: () => this.now,
      signalIgnoredOrBlocked: (t, sig) => t.sigActions[sig].handler === SIG_IGN || (t.sigBlocked & sigBit(sig)) !== 0n,
    };
    this.consoleTty = new Tty('console', (b) => io.stderr(b.slice()), hooks);
    this.ptys = new PtyTable(hooks);
  }

  private startProgram(init: Task): void {
    const pid = allocPid(this)!;
    const t = createTask(this, pid, newAddressSpace(this), new FdTable());
    t.parent = init;
    t.ppid = 1;
    init.children.push(t);
    const ops = stdioOps(this.opts.io);
    t.fds.install(new OpenFile(ops.input, O_RDONLY, 'pipe:[0]'), false);
    t.fds.install(new OpenFile(ops.output, O_WRONLY, 'pipe:[1]'), false);
    t.fds.install(new OpenFile(ops.error, O_WRONLY, 'pipe:[2]'), false);
    const cwd = this.vfs.resolve(this.vfs.rootRef, this.opts.cwd ?? '/', { followLast: true });
    if (typeof cwd !== 'number' && cwd.node.kind === 'dir') t.cwd = cwd;
    this.program = t;
    const r = execve(this, t, this.opts.program, this.opts.argv, this.opts.envp);
    if (r < 0) this.execError = r;
    else this.makeRunnable(t);
  }
}

/** Runs the program to its end (or the time limit) and reports how it ended. */
export function runUserMode(opts: UserModeOptions): UserModeResult {
  const m = new Machine(description(), opts.seed ?? 1);
  let kernel: UserModeKernel | undefined;
  m.start((machine) => (kernel = new UserModeKernel(machine, opts)));
  const k = kernel!;
  const base = { kernel: k as Kernel, instructions: 0 };
  if (k.execError !== undefined || !k.program) {
    const error = `${opts.program}: ${errnoName(k.execError ?? -2)}`;
    return { ...base, stop: 'exec-failed', exitCode: 127, waitStatus: undefined, error, virtualNs: m.scheduler.now };
  }
  const prog = k.program;
  const done = () => prog.state === 'zombie';
  let stop = m.run({ until: done, untilNs: opts.untilNs });
  while (stop === 'step-limit') stop = m.run({ until: done, untilNs: opts.untilNs });
  const sync = opts.syncBack === false ? undefined : k.hostfs?.syncToHost();
  const result = { ...base, sync, virtualNs: m.scheduler.now, instructions: countInstructions(k) };
  if (!done()) {
    const why: UserModeStop = stop === 'time-limit' ? 'time-limit' : 'deadlock';
    return { ...result, stop: why, exitCode: 124, waitStatus: undefined, error: why === 'deadlock' ? 'every task sleeps with nothing to wake it' : 'virtual time limit reached' };
  }
  const st = prog.exitStatus;
  const exitCode = (st & 0x7f) === 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f);
  return { ...result, stop: 'exited', exitCode, waitStatus: st };
}

function countInstructions(k: Kernel): number {
  let n = 0;
  for (const t of k.tasks.values()) n += t.cpu?.instructions ?? 0;
  return n;
}
