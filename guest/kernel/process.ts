// Process lifecycle: creating tasks, clone (fork/vfork, process level), exit with zombies
// and reparenting to init, and the wait status words wait4/waitid report.

import type { NativeEntry, NativeProgram } from '../abi/native';
import { EAGAIN, EINVAL, ENOMEM } from './errno';
import { KERN_ERR, KERN_INFO } from './klog';
import type { Kernel } from './kernel';
import { AddressSpace, copyOnWriteForkEnabled, MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE, STACK_SIZE_BYTES, STACK_TOP } from './mm/address-space';
import { FdTable } from './fd-table';
import { sendSignal } from './signal';
import { SIGCHLD, SIGHUP, SIGCONT, SIGSEGV, SIG_IGN, SA_NOCLDWAIT } from './signal-defs';
import { Task } from './task';
import { cloneCpu } from './elf-exec';
import { WaitQueue, block, type Block } from './wait';
import { applyCloneTids, cloneThread, exitRobustList, NO_TIDS, signalTarget, zapOtherThreads, type CloneTids } from './thread';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000;
export const CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000;
export const CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
/** pid_max default; pids wrap and skip live ones. */
export const PID_MAX = 32768;
/** Bound on live tasks (threads-max would be higher; this keeps a fork bomb from eating the host). */
export const MAX_TASKS = 4096;

export function allocPid(k: Kernel): number | undefined {
  for (let tries = 0; tries < PID_MAX; tries++) {
    const pid = k.nextPid;
    k.nextPid = k.nextPid >= PID_MAX - 1 ? 300 : k.nextPid + 1;
    if (!k.tasks.has(pid)) return pid;
  }
  return undefined;
}

/** A new address space with the standard stack area. */
export function newAddressSpace(k: Kernel): AddressSpace {
  const mm = new AddressSpace(k.frames);
  mm.mmap(STACK_TOP - STACK_SIZE_BYTES, STACK_SIZE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | 0x10, '[stack]');
  return mm;
}

export function createTask(k: Kernel, pid: number, mm: AddressSpace, fds: FdTable): Task {
  const t = new Task(pid, mm, fds, new WaitQueue(), (task) => k.makeRunnable(task));
  t.startTimeNs = k.now;
  t.cwd = k.vfs.rootRef;
  t.root = k.vfs.rootRef;
  k.tasks.set(pid, t);
  return t;
}

/** Native handler "addresses" live in a range no user mapping uses, 16 bytes apart. */
export const NATIVE_HANDLER_BASE = 0x7ff0_0000_0000;

export function registerNativeHandler(t: Task, fn: (sig: number) => NativeProgram): number {
  for (const [addr, f] of t.nativeHandlers) if (f === fn) return addr;
  const addr = NATIVE_HANDLER_BASE + 16 * (t.nativeHandlers.size + 1);
  t.nativeHandlers.set(addr, fn);
  return addr;
}

export function startNative(t: Task, main: NativeEntry, argv: string[], envp: string[]): void {
  t.argv = argv;
  t.envp = envp;
  t.program = main({ argv, envp, mem: t.mm, signalHandler: (fn) => registerNativeHandler(t, fn) });
  t.pendingTrap = undefined;
  t.lastResult = 0;
  t.restart = {};
}

/** clone(2) at process level. Returns the child's pid, -errno, or a Block for CLONE_VFORK. */
export function doClone(k: Kernel, parent: Task, flags: number, childEntry: NativeEntry | undefined, newSp = 0, tids: CloneTids = NO_TIDS): number | Block {
  if (parent.restart['vforkChild'] !== undefined) return waitVfork(k, parent);
  if (flags & CLONE_THREAD) return cloneThread(k, parent, flags, childEntry, newSp, tids);
  if (flags & CLONE_SIGHAND && !(flags & CLONE_VM)) return -EINVAL;
  if (!childEntry && !parent.cpu) return -EINVAL;
  if (k.tasks.size >= MAX_TASKS) return -EAGAIN;
  const pid = allocPid(k);
  if (pid === undefined) return -EAGAIN;
  let mm = parent.mm;
  if (flags & CLONE_VM) mm.users++;
  else {
    const copy = parent.mm.clone();
    if (!copy) return -ENOMEM;
    mm = copy;
  }
  const fds = flags & CLONE_FILES ? parent.fds : parent.fds.fork();
  if (flags & CLONE_FILES) fds.users++;
  const child = createTask(k, pid, mm, fds);
  inheritFromParent(child, parent, flags);
  if (parent.cpu) {
    child.cpu = cloneCpu(k, parent.cpu, mm, newSp);
    // Same frames (copy-on-write) at the same addresses: the parent's decoded code holds for the child.
    if (!(flags & CLONE_VM) && copyOnWriteForkEnabled()) child.cpu.adoptCodeFrom(parent.cpu);
    child.argv = parent.argv;
    child.envp = parent.envp;
  } else startNative(child, childEntry!, parent.argv, parent.envp);
  applyCloneTids(child, parent, flags, tids);
  k.makeRunnable(child);
  if (flags & CLONE_VFORK) {
    parent.restart['vforkChild'] = pid;
    return waitVfork(k, parent);
  }
  return pid;
}

function inheritFromParent(child: Task, parent: Task, flags: number): void {
  const realParent = flags & CLONE_PARENT && parent.parent ? parent.parent : parent;
  child.parent = realParent;
  child.ppid = realParent.pid;
  realParent.children.push(child);
  child.pgid = parent.pgid;
  child.sid = parent.sid;
  child.ctty = parent.ctty;
  child.comm = parent.comm;
  child.exePath = parent.exePath;
  child.cred = { ...parent.cred, groups: [...parent.cred.groups] };
  child.umask = parent.umask;
  child.rlimits = parent.rlimits.map((l) => ({ ...l }));
  child.nativeHandlers = new Map(parent.nativeHandlers);
  child.cwd = parent.cwd;
  child.root = parent.root;
  child.sigBlocked = parent.sigBlocked;
  parent.sigActions.forEach((a, i) => (child.sigActions[i] = { ...a }));
  child.exitSignal = flags & 0xff;
  child.nice = parent.nice;
  child.cpusAllowed = parent.cpusAllowed;
  child.vforkParent = flags & CLONE_VFORK ? parent : undefined;
}

function waitVfork(k: Kernel, parent: Task): number | Block {
  const pid = parent.restart['vforkChild']!;
  const child = k.tasks.get(pid);
  if (!child || child.state === 'zombie' || child.vforkParent !== parent) return pid;
  return block([child.vforkDone]);
}

/** Releases a vfork parent: the child exec'd or exited. */
export function vforkRelease(t: Task): void {
  if (t.vforkParent) {
    t.vforkParent = undefined;
    t.vforkDone.wakeAll();
  }
}

/** exit: the task becomes a zombie holding `status` (a wait status word) for its parent. */
export function doExit(k: Kernel, task: Task, status: number): void {
  if (task.state === 'zombie') return;
  // The process ends as a whole: other threads go first, the leader holds the status.
  const t = zapOtherThreads(k, task);
  if (t.state === 'zombie') return;
  k.cancelSleep(t);
  // Robust mutexes in memory other processes share learn that their owner died.
  exitRobustList(k, t);
  if (t.realTimer) k.machine.scheduler.cancel(t.realTimer.handle);
  t.realTimer = undefined;
  if (--t.fds.users <= 0) t.fds.closeAll();
  if (--t.mm.users === 0) t.mm.release();
  t.program = undefined;
  t.pendingTrap = undefined;
  t.state = 'zombie';
  t.exitStatus = status;
  vforkRelease(t);
  if (t.pid === 1) {
    k.panic(`Attempted to kill init! exitcode=0x${status.toString(16).padStart(8, '0')}`);
    return;
  }
  if (t.ctty && t.sid === t.pid) {
    const tty = t.ctty;
    if (tty.fgPgrp > 0) signalGroup(k, tty.fgPgrp, SIGHUP);
    if (tty.fgPgrp > 0) signalGroup(k, tty.fgPgrp, SIGCONT);
    tty.session = 0;
    tty.fgPgrp = 0;
  }
  reparentChildren(k, t);
  notifyParent(k, t);
}

function reparentChildren(k: Kernel, t: Task): void {
  const init = k.tasks.get(1);
  if (!init || t.children.length === 0) return;
  for (const c of t.children) {
    c.parent = init;
    c.ppid = 1;
    init.children.push(c);
  }
  t.children.length = 0;
  init.childWait.wakeAll();
}

function notifyParent(k: Kernel, t: Task): void {
  const p = t.parent;
  if (!p) return;
  const act = p.sigActions[SIGCHLD];
  if (t.exitSignal === SIGCHLD && (act.handler === SIG_IGN || act.flags & SA_NOCLDWAIT)) {
    reap(k, t);
  } else if (t.exitSignal > 0) {
    sendSignal(k, p, t.exitSignal);
  }
  p.childWait.wakeAll();
}

/** Removes a zombie for good, adding its usage to the parent's child totals. */
export function reap(k: Kernel, t: Task): void {
  const p = t.parent;
  if (p) {
    const i = p.children.indexOf(t);
    if (i >= 0) p.children.splice(i, 1);
    p.childUsage.utimeNs += t.usage.utimeNs + t.childUsage.utimeNs;
    p.childUsage.stimeNs += t.usage.stimeNs + t.childUsage.stimeNs;
  }
  k.tasks.delete(t.pid);
}

export function signalGroup(k: Kernel, pgrp: number, sig: number): number {
  let n = 0;
  for (const t of [...k.tasks.values()]) {
    if (t.pgid === pgrp && t.state !== 'zombie' && t.tgid === t.pid) {
      sendSignal(k, signalTarget(t, sig), sig);
      n++;
    }
  }
  return n;
}

/** A native program threw: the host-side equivalent of a fault in user code. */
export function killForFault(k: Kernel, t: Task, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  k.klog.printk(`${t.comm}[${t.pid}]: native program fault: ${msg}`, KERN_ERR);
  doExit(k, t, SIGSEGV | 0x80);
}

export function logInfo(k: Kernel, text: string): void {
  k.klog.printk(text, KERN_INFO);
}
