// A task: one process with one thread (threads share everything through CLONE_VM later).
// Fields are grouped as in Linux's task_struct: identity, credentials, files and fs
// context, memory, signal state, accounting, and how it runs (a native generator now; the
// CPU interpreter later runs ELF images in the same slot).

import type { NativeProgram, SyscallTrap } from '../abi/native';
import type { FsNode } from '../fs/node';
import type { AddressSpace } from './mm/address-space';
import type { FdTable } from './fd-table';
import type { EventHandle } from '../../emulator/time/scheduler';
import { WaitQueue, type Waiter } from './wait';
import type { Tty } from '../tty/tty';
import type { SignalFrame } from './signal';
import type { A64Cpu } from '../../emulator/cpu/aarch64/cpu';

/** A process with several threads: the leader (whose pid is the tgid) and the others. */
export interface ThreadGroup {
  leader: Task;
  /** Live threads, leader included while it has not exited, in creation order. */
  readonly members: Task[];
  /** The leader called exit() while other threads ran: its wait status once the last one leaves. */
  leaderExitStatus: number | undefined;
}

export type TaskState = 'runnable' | 'sleeping' | 'stopped' | 'zombie';

export interface Credentials {
  uid: number;
  euid: number;
  suid: number;
  fsuid: number;
  gid: number;
  egid: number;
  sgid: number;
  fsgid: number;
  groups: number[];
}

export interface SigAction {
  /** 0 = SIG_DFL, 1 = SIG_IGN, else a handler address. */
  handler: number;
  flags: number;
  mask: bigint;
  restorer: number;
}

export interface PathRef {
  node: FsNode;
  /** Absolute path, for getcwd and /proc/PID/cwd. */
  path: string;
}

export interface Rusage {
  utimeNs: number;
  stimeNs: number;
  minflt: number;
  nvcsw: number;
  nivcsw: number;
}

export class Task implements Waiter {
  state: TaskState = 'runnable';
  ppid = 0;
  pgid: number;
  sid: number;
  parent: Task | undefined;
  readonly children: Task[] = [];
  comm = '';
  argv: string[] = [];
  envp: string[] = [];
  exePath = '';
  cred: Credentials = { uid: 0, euid: 0, suid: 0, fsuid: 0, gid: 0, egid: 0, sgid: 0, fsgid: 0, groups: [] };
  umask = 0o022;
  /** getrlimit/setrlimit values (cur, max) per RLIMIT_* resource; all-ones is RLIM_INFINITY. */
  rlimits: Array<{ cur: bigint; max: bigint }> = defaultRlimits();
  cwd!: PathRef;
  root!: PathRef;
  ctty: Tty | undefined;
  /** wait4 status word once a zombie; also reported by waitpid for stop/continue. */
  exitStatus = 0;
  /** Pending report for a parent's WUNTRACED / WCONTINUED wait: 'stopped' or 'continued'. */
  jobReport: 'stopped' | 'continued' | undefined;
  stopSignal = 0;

  sigPending = 0n;
  sigBlocked = 0n;
  /** Signals rt_sigtimedwait is waiting for: their arrival wakes the task even while blocked. */
  sigWaitSet = 0n;
  /** ITIMER_REAL: the pending SIGALRM event and its reload interval. */
  realTimer: { handle: EventHandle; expiresNs: number; intervalNs: number } | undefined;
  /** The mask rt_sigsuspend replaced, restored when its handler returns. */
  suspendSavedMask: bigint | undefined;
  /** Shared by the threads of a group (CLONE_SIGHAND), so not readonly. */
  sigActions: SigAction[] = Array.from({ length: 65 }, () => ({ handler: 0, flags: 0, mask: 0n, restorer: 0 }));
  exitSignal = 17;
  /** Native signal handlers by the handler "address" given to rt_sigaction. */
  nativeHandlers = new Map<number, (sig: number) => NativeProgram>();
  /** Saved contexts of interrupted code while handlers run (innermost last). */
  readonly sigFrames: SignalFrame[] = [];

  /** The CPU running this task's ELF image (undefined for native programs). */
  cpu: A64Cpu | undefined;
  /** The native program and the trap it is executing (kept while blocked, for the retry). */
  program: NativeProgram | undefined;
  pendingTrap: SyscallTrap | undefined;
  lastResult = 0;
  /** rt_sigreturn restored x0: the syscall return must not overwrite it. */
  keepX0 = false;
  /** Per-syscall scratch that survives a block/retry cycle (e.g. a sleep's deadline). */
  restart: { deadlineNs?: number; [key: string]: number | undefined } = {};
  sleepQueues: readonly WaitQueue[] = [];
  sleepTimer: EventHandle | undefined;

  readonly usage: Rusage = { utimeNs: 0, stimeNs: 0, minflt: 0, nvcsw: 0, nivcsw: 0 };
  readonly childUsage: Rusage = { utimeNs: 0, stimeNs: 0, minflt: 0, nvcsw: 0, nivcsw: 0 };
  startTimeNs = 0;
  /** Virtual time left in the current time slice. */
  sliceLeftNs = 0;
  /** Nice level (-20..19): its CFS weight sets the task's time slice (sched/weights.ts). */
  nice = 0;
  /** CPUs the task may run on (bit N = CPU N); undefined allows all (sched_setaffinity). */
  cpusAllowed: bigint | undefined;
  /** The CPU the task last ran or was queued on (-1: never placed). */
  lastCpu = -1;
  /** The CPU whose run queue holds the task, or -1. */
  queuedOn = -1;
  /** The CPU running the task, or -1. */
  runningOn = -1;
  readonly childWait: WaitQueue;
  /** Set in a CLONE_VFORK child until it execs or exits; its parent sleeps on vforkDone. */
  vforkParent: Task | undefined;
  readonly vforkDone = new WaitQueue();

  constructor(
    readonly pid: number,
    public mm: AddressSpace,
    public fds: FdTable,
    childWait: WaitQueue,
    private readonly onWake: (t: Task) => void,
  ) {
    this.pgid = pid;
    this.sid = pid;
    this.childWait = childWait;
  }

  /** The thread group (process) id: the pid of the group's first thread. */
  get tgid(): number {
    return this.group?.leader.pid ?? this.pid;
  }

  /** The threads sharing this task's process (undefined: a single-threaded process). */
  group: ThreadGroup | undefined;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread exits. */
  clearChildTidAddr = 0;
  /** set_robust_list: the head address and length the thread registered. */
  robustListHead = 0;
  /** What a CPU fault reports in its siginfo (si_code, si_addr), until the signal's frame is built. */
  faultInfo: { sig: number; code: number; addr: number } | undefined;
  robustListLen = 0;

  wake(): void {
    this.onWake(this);
  }

  get alive(): boolean {
    return this.state !== 'zombie';
  }
}

const INF = 0xffff_ffff_ffff_ffffn;

/** init's limits on a small machine, as Linux sets them (include/asm-generic/resource.h). */
export function defaultRlimits(): Array<{ cur: bigint; max: bigint }> {
  const r = (cur: bigint, max: bigint) => ({ cur, max });
  return [
    r(INF, INF), r(INF, INF), r(INF, INF), r(8388608n, INF), r(0n, INF), r(INF, INF), r(3834n, 3834n),
    r(1024n, 4096n), r(8388608n, 8388608n), r(INF, INF), r(INF, INF), r(3834n, 3834n), r(819200n, 819200n),
    r(0n, 0n), r(0n, 0n), r(INF, INF),
  ];
}
