// Threads: clone with CLONE_THREAD makes a task that shares the address space, the file
// table and the signal handlers of its creator and joins its thread group (getpid gives
// the group's id, gettid the thread's own). A thread leaving with exit() vanishes on its
// own (it is never waited for); exit_group and fatal signals end every thread, and the
// process as a whole becomes the zombie its parent waits for (kernel/exit.c's split).

import type { NativeEntry } from '../abi/native';
import { EAGAIN, EINVAL } from './errno';
import type { Kernel } from './kernel';
import { detachCpu, cloneCpu } from './elf-exec';
import { futexKey, futexWake } from './futex';
import { allocPid, createTask, doExit, MAX_TASKS, startNative } from './process';
import type { Task, ThreadGroup } from './task';
import { writeI32 } from './uaccess';

export const CLONE_VM = 0x100, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000;
export const CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000;
export const CLONE_CHILD_SETTID = 0x1000000;

/** Where clone's tid pointers and TLS value point (aarch64 order: parent_tid, tls, child_tid). */
export interface CloneTids {
  parentTidAddr: number;
  tls: number;
  childTidAddr: number;
}

export const NO_TIDS: CloneTids = { parentTidAddr: 0, tls: 0, childTidAddr: 0 };

function groupOf(t: Task): ThreadGroup {
  if (!t.group) t.group = { leader: t, members: [t], leaderExitStatus: undefined };
  return t.group;
}

/** clone(CLONE_THREAD|CLONE_SIGHAND|CLONE_VM...): a new thread in the caller's group. */
export function cloneThread(k: Kernel, parent: Task, flags: number, childEntry: NativeEntry | undefined, newSp: number, tids: CloneTids): number {
  if (!(flags & CLONE_SIGHAND) || !(flags & CLONE_VM)) return -EINVAL;
  if (!childEntry && !parent.cpu) return -EINVAL;
  if (k.tasks.size >= MAX_TASKS) return -EAGAIN;
  const pid = allocPid(k);
  if (pid === undefined) return -EAGAIN;
  parent.mm.users++;
  let fds = parent.fds;
  if (flags & CLONE_FILES) fds.users++;
  else fds = parent.fds.fork();
  const child = createTask(k, pid, parent.mm, fds);
  const g = groupOf(parent);
  child.group = g;
  g.members.push(child);
  // A thread's parent is its process's parent, but it is not that parent's child to wait for.
  child.parent = g.leader.parent;
  child.ppid = g.leader.ppid;
  child.pgid = parent.pgid;
  child.sid = parent.sid;
  child.ctty = parent.ctty;
  child.comm = parent.comm;
  child.exePath = parent.exePath;
  child.cred = parent.cred;
  child.umask = parent.umask;
  child.rlimits = parent.rlimits;
  child.nativeHandlers = parent.nativeHandlers;
  child.cwd = parent.cwd;
  child.root = parent.root;
  child.sigBlocked = parent.sigBlocked;
  child.sigActions = parent.sigActions;
  child.exitSignal = 0;
  child.nice = parent.nice;
  child.cpusAllowed = parent.cpusAllowed;
  if (parent.cpu) {
    child.cpu = cloneCpu(k, parent.cpu, parent.mm, newSp);
    child.argv = parent.argv;
    child.envp = parent.envp;
  } else startNative(child, childEntry!, parent.argv, parent.envp);
  applyCloneTids(child, parent, flags, tids);
  k.makeRunnable(child);
  return pid;
}

/** CLONE_SETTLS and the tid pointers, for threads and processes alike. */
export function applyCloneTids(child: Task, parent: Task, flags: number, tids: CloneTids): void {
  if (flags & CLONE_SETTLS && child.cpu) {
    child.cpu.tpidrLo = tids.tls % 4294967296 >>> 0;
    child.cpu.tpidrHi = Math.floor(tids.tls / 4294967296) >>> 0;
  }
  if (flags & CLONE_PARENT_SETTID) writeI32(parent, tids.parentTidAddr, child.pid);
  if (flags & CLONE_CHILD_SETTID) writeI32(child, tids.childTidAddr, child.pid);
  if (flags & CLONE_CHILD_CLEARTID) child.clearChildTidAddr = tids.childTidAddr;
}

const FUTEX_WAITERS = 0x8000_0000, FUTEX_OWNER_DIED = 0x4000_0000, FUTEX_TID_MASK = 0x3fff_ffff;
/** Bound on robust-list entries walked (ROBUST_LIST_LIMIT), so a looped list cannot hang the kernel. */
const ROBUST_LIST_LIMIT = 2048;

/** Marks one robust futex of a dying owner: OWNER_DIED, and a waiter woken to take it over. */
function handleFutexDeath(k: Kernel, t: Task, uaddr: number): void {
  if (uaddr % 4 !== 0) return;
  const b = t.mm.read(uaddr, 4);
  if (!b) return;
  const word = new DataView(b.buffer, b.byteOffset).getUint32(0, true);
  if ((word & FUTEX_TID_MASK) !== t.pid) return;
  const next = ((word & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0;
  if (!writeI32(t, uaddr, next | 0)) return;
  if (word & FUTEX_WAITERS) futexWake(k, futexKey(k, t.mm, uaddr, false), 1, 0xffff_ffff);
}

/** exit_robust_list: every robust mutex the thread still holds is released as "owner died". */
export function exitRobustList(k: Kernel, t: Task): void {
  const head = t.robustListHead;
  t.robustListHead = 0;
  if (head === 0 || head % 8 !== 0) return;
  const hb = t.mm.read(head, 24);
  if (!hb) return;
  const hv = new DataView(hb.buffer, hb.byteOffset);
  const offset = Number(hv.getBigInt64(8, true));
  // Bit 0 of each pointer flags a PI futex; the address is the rest.
  const ptr = (v: bigint) => Number(v & ~1n);
  const pending = ptr(hv.getBigUint64(16, true));
  let entry = ptr(hv.getBigUint64(0, true));
  for (let n = 0; entry !== head && entry !== 0 && n < ROBUST_LIST_LIMIT; n++) {
    const eb = t.mm.read(entry, 8);
    if (!eb) break;
    const next = ptr(new DataView(eb.buffer, eb.byteOffset).getBigUint64(0, true));
    if (entry !== pending) handleFutexDeath(k, t, entry + offset);
    entry = next;
  }
  if (pending !== 0) handleFutexDeath(k, t, pending + offset);
}

/** mm_release's part for threads: *clear_child_tid = 0 and wake one futex waiter there. */
function clearChildTid(k: Kernel, t: Task): void {
  exitRobustList(k, t);
  if (t.clearChildTidAddr === 0) return;
  // The kernel's wake here is a shared-futex wake (glibc waits with LLL_SHARED in pthread_join).
  if (t.mm.users > 1 && writeI32(t, t.clearChildTidAddr, 0)) futexWake(k, futexKey(k, t.mm, t.clearChildTidAddr, false), 1, 0xffff_ffff);
  t.clearChildTidAddr = 0;
}

/** Removes a non-final thread for good: it holds no status anyone waits for. */
export function vanishThread(k: Kernel, t: Task): void {
  if (t.state === 'zombie') return;
  k.cancelSleep(t);
  clearChildTid(k, t);
  if (t.realTimer) k.machine.scheduler.cancel(t.realTimer.handle);
  t.realTimer = undefined;
  if (t.cpu) detachCpu(t.mm, t.cpu);
  if (--t.fds.users === 0) t.fds.closeAll();
  if (--t.mm.users === 0) t.mm.release();
  t.program = undefined;
  t.pendingTrap = undefined;
  t.state = 'zombie';
  const g = t.group;
  if (g) {
    const i = g.members.indexOf(t);
    if (i >= 0) g.members.splice(i, 1);
  }
  if (g?.leader !== t) k.tasks.delete(t.pid);
}

/** exit(2): ends only the calling thread; the last one out ends the process. */
export function threadExit(k: Kernel, t: Task, status: number): void {
  const g = t.group;
  if (!g || g.members.length <= 1) {
    if (g && g.leader !== t && g.leader.state !== 'zombie') {
      // The leader left earlier with exit(): the process ends with its status now.
      vanishThread(k, t);
      endLeader(k, g, g.leaderExitStatus ?? status);
      return;
    }
    doExit(k, t, status);
    return;
  }
  if (g.leader === t) {
    // The leader's pid stays taken (it is the tgid) until the last thread exits.
    clearChildTid(k, t);
    k.cancelSleep(t);
    g.leaderExitStatus = status;
    g.members.splice(g.members.indexOf(t), 1);
    t.pendingTrap = undefined;
    t.state = 'stopped';
    return;
  }
  vanishThread(k, t);
}

function endLeader(k: Kernel, g: ThreadGroup, status: number): void {
  const leader = g.leader;
  leader.group = undefined;
  leader.state = 'sleeping';
  doExit(k, leader, status);
}

/**
 * exit_group and fatal signals: every other thread vanishes and the process ends as its
 * leader. Returns the task doExit should finish (the leader), or `t` itself without a group.
 */
export function zapOtherThreads(k: Kernel, t: Task): Task {
  const g = t.group;
  if (!g) return t;
  for (const m of [...g.members]) if (m !== t && m !== g.leader) vanishThread(k, m);
  if (t !== g.leader) vanishThread(k, t);
  g.leader.group = undefined;
  if (g.leader.state === 'stopped') g.leader.state = 'sleeping';
  return g.leader;
}

/** execve in a multi-threaded process: the other threads go, handlers stop being shared. */
export function deThread(k: Kernel, t: Task): void {
  const g = t.group;
  if (!g) return;
  for (const m of [...g.members]) if (m !== t) vanishThread(k, m);
  t.group = undefined;
  t.sigActions = t.sigActions.map((a) => ({ ...a }));
}

/**
 * Where a process-directed signal goes (complete_signal): the leader, unless it has left or
 * blocks the signal and another thread of the group does not.
 */
export function signalTarget(t: Task, sig: number): Task {
  const g = t.group;
  if (!g) return t;
  const bit = 1n << BigInt(sig - 1);
  const wants = (m: Task) => m.state !== 'zombie' && m.state !== 'stopped' && (sig === 0 || !(m.sigBlocked & bit));
  if (wants(g.leader) && g.members.includes(g.leader)) return g.leader;
  return g.members.find(wants) ?? g.leader;
}
