// Scheduling system calls: sched_yield, getcpu, sched_{get,set}affinity, {get,set}priority and
// the SCHED_OTHER queries. Affinity masks and nice levels act on the per-vCPU run queues
// (run-queues.ts) and the CFS weights (weights.ts).

import { EACCES, EFAULT, EINVAL, EPERM, ESRCH } from '../errno';
import type { Kernel } from '../kernel';
import type { Task } from '../task';
import { asInt, copyIn, copyOut } from '../uaccess';
import type { SyscallHandler } from '../syscalls/types';
import { clampNice } from './weights';

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const SCHED_OTHER = 0, SCHED_BATCH = 3, SCHED_IDLE = 5;
/** cpumask_size() for up to 64 CPUs: one unsigned long. */
const CPUMASK_BYTES = 8;

/** The thread `pid` names (0: the caller), or undefined. */
function taskById(k: Kernel, t: Task, pid: number): Task | undefined {
  if (pid === 0) return t;
  const target = k.tasks.get(pid);
  return target && target.alive ? target : undefined;
}

/** Linux's check_same_owner / set_one_prio owner test; root (euid 0) stands for CAP_SYS_NICE. */
function mayChange(t: Task, target: Task): boolean {
  return t.cred.euid === 0 || t.cred.euid === target.cred.uid || t.cred.euid === target.cred.euid;
}

/** The tasks a (which, who) pair names, in pid order; undefined for a bad `which`. */
function prioTargets(k: Kernel, t: Task, which: number, who: number): Task[] | undefined {
  const all = [...k.tasks.values()].filter((x) => x.alive).sort((a, b) => a.pid - b.pid);
  switch (which) {
    case PRIO_PROCESS: {
      const x = taskById(k, t, who);
      return x ? [x] : [];
    }
    case PRIO_PGRP: {
      const pgid = who === 0 ? t.pgid : who;
      return all.filter((x) => x.pgid === pgid);
    }
    case PRIO_USER: {
      const uid = who === 0 ? t.cred.uid : who;
      return all.filter((x) => x.cred.uid === uid);
    }
    default:
      return undefined;
  }
}

function sysGetpriority(k: Kernel, t: Task, a: readonly number[]): number {
  const targets = prioTargets(k, t, asInt(a[0]), asInt(a[1]));
  if (!targets) return -EINVAL;
  if (targets.length === 0) return -ESRCH;
  // The raw syscall returns 20 - nice (so it is never negative); libc turns it back into nice.
  return Math.max(...targets.map((x) => 20 - x.nice));
}

function sysSetpriority(k: Kernel, t: Task, a: readonly number[]): number {
  const targets = prioTargets(k, t, asInt(a[0]), asInt(a[1]));
  if (!targets) return -EINVAL;
  if (targets.length === 0) return -ESRCH;
  const nice = clampNice(asInt(a[2]));
  let err = 0;
  for (const x of targets) {
    if (!mayChange(t, x)) err = -EPERM;
    else if (nice < x.nice && t.cred.euid !== 0) err = -EACCES;
    else x.nice = nice;
  }
  return err;
}

function sysSchedGetaffinity(k: Kernel, t: Task, a: readonly number[]): number {
  const len = asInt(a[1]);
  if (len * 8 < k.rq.count || len % 8 !== 0 || len < 0) return -EINVAL;
  const target = taskById(k, t, asInt(a[0]));
  if (!target) return -ESRCH;
  const mask = new Uint8Array(CPUMASK_BYTES);
  for (let i = 0; i < Math.min(k.rq.count, 64); i++) {
    const allowed = target.cpusAllowed === undefined || ((target.cpusAllowed >> BigInt(i)) & 1n) === 1n;
    if (allowed) mask[i >> 3] |= 1 << (i & 7);
  }
  return copyOut(t, a[2], mask) ? CPUMASK_BYTES : -EFAULT;
}

function sysSchedSetaffinity(k: Kernel, t: Task, a: readonly number[]): number {
  const len = asInt(a[1]);
  if (len < 0) return -EINVAL;
  const raw = copyIn(t, a[2], Math.min(len, CPUMASK_BYTES));
  if (!raw) return -EFAULT;
  const target = taskById(k, t, asInt(a[0]));
  if (!target) return -ESRCH;
  if (!mayChange(t, target)) return -EPERM;
  let mask = 0n;
  for (let i = 0; i < Math.min(k.rq.count, raw.length * 8); i++) if ((raw[i >> 3] >> (i & 7)) & 1) mask |= 1n << BigInt(i);
  if (mask === 0n) return -EINVAL;
  const all = (1n << BigInt(k.rq.count)) - 1n;
  target.cpusAllowed = mask === all ? undefined : mask;
  k.reviewAffinity(target);
  return 0;
}

function sysGetcpu(k: Kernel, t: Task, a: readonly number[]): number {
  const word = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);
  if (a[0] !== 0 && !copyOut(t, a[0], word(k.currentCpu))) return -EFAULT;
  if (a[1] !== 0 && !copyOut(t, a[1], word(0))) return -EFAULT;
  return 0;
}

function sysSchedGetscheduler(k: Kernel, t: Task, a: readonly number[]): number {
  if (asInt(a[0]) < 0) return -EINVAL;
  return taskById(k, t, asInt(a[0])) ? SCHED_OTHER : -ESRCH;
}

function sysSchedGetparam(k: Kernel, t: Task, a: readonly number[]): number {
  if (asInt(a[0]) < 0 || a[1] === 0) return -EINVAL;
  if (!taskById(k, t, asInt(a[0]))) return -ESRCH;
  return copyOut(t, a[1], new Uint8Array(4)) ? 0 : -EFAULT;
}

/** SCHED_OTHER, BATCH and IDLE have only priority 0; FIFO and RR run 1..99. */
function priorityBound(policy: number, max: boolean): number {
  if (policy === SCHED_OTHER || policy === SCHED_BATCH || policy === SCHED_IDLE) return 0;
  if (policy === 1 || policy === 2) return max ? 99 : 1;
  return -EINVAL;
}

export const schedHandlers: Record<string, SyscallHandler> = {
  sched_yield: (_k, t) => {
    t.sliceLeftNs = 0;
    return 0;
  },
  getcpu: sysGetcpu,
  sched_getaffinity: sysSchedGetaffinity,
  sched_setaffinity: sysSchedSetaffinity,
  getpriority: sysGetpriority,
  setpriority: sysSetpriority,
  sched_getscheduler: sysSchedGetscheduler,
  sched_getparam: sysSchedGetparam,
  sched_get_priority_max: (_k, _t, a) => priorityBound(asInt(a[0]), true),
  sched_get_priority_min: (_k, _t, a) => priorityBound(asInt(a[0]), false),
};
