// Process syscalls: identity (pids, groups, sessions, credentials), clone/fork/vfork,
// execve, exit, wait4/waitid, umask, prctl.

import { ECHILD, EFAULT, EINVAL, EPERM, ESRCH } from '../errno';
import { execve } from '../exec';
import type { Kernel } from '../kernel';
import { CLONE_VFORK, CLONE_VM, doClone, reap } from '../process';
import { SIGCHLD } from '../signal-defs';
import { encodeChildSiginfo, encodeRusage } from '../structs';
import type { Task } from '../task';
import { asInt, copyOut, readPath, readStringArray, writeI32 } from '../uaccess';
import { block, type SysResult } from '../wait';
import type { SyscallHandler } from './types';

export const WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
const WALL = 0x40000000, WCLONE = 0x80000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2;
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;
const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_SET_NAME = 15, PR_GET_NAME = 16;

/** clone(flags, newsp, parent_tid, tls, child_tid): the asm-generic (and aarch64) order. */
function sysClone(k: Kernel, t: Task, a: readonly number[]): SysResult {
  return doClone(k, t, a[0] >>> 0, t.pendingTrap?.childEntry, a[1], { parentTidAddr: a[2], tls: a[3], childTidAddr: a[4] });
}

function sysExecve(k: Kernel, t: Task, a: readonly number[]): number {
  const path = readPath(t, a[0]);
  if (typeof path === 'number') return path;
  const argv = readStringArray(t, a[1]);
  if (typeof argv === 'number') return argv;
  const envp = readStringArray(t, a[2]);
  if (typeof envp === 'number') return envp;
  return execve(k, t, path, argv, envp);
}

function matches(t: Task, c: Task, pid: number): boolean {
  if (pid > 0) return c.pid === pid;
  if (pid === -1) return true;
  if (pid === 0) return c.pgid === t.pgid;
  return c.pgid === -pid;
}

interface WaitReport {
  child: Task;
  status: number;
  code: number;
  reapIt: boolean;
}

/** The first child with something to report, in the order the children were created. */
function findReport(t: Task, select: (c: Task) => boolean, options: number): WaitReport | undefined {
  for (const c of t.children) {
    if (!select(c)) continue;
    if (c.state === 'zombie' && options & WEXITED) {
      const st = c.exitStatus;
      const code = (st & 0x7f) === 0 ? CLD_EXITED : st & 0x80 ? CLD_DUMPED : CLD_KILLED;
      return { child: c, status: st, code, reapIt: !(options & WNOWAIT) };
    }
    if (c.jobReport === 'stopped' && c.state === 'stopped' && options & WSTOPPED) {
      if (!(options & WNOWAIT)) c.jobReport = undefined;
      return { child: c, status: (c.stopSignal << 8) | 0x7f, code: CLD_STOPPED, reapIt: false };
    }
    if (c.jobReport === 'continued' && options & WCONTINUED) {
      if (!(options & WNOWAIT)) c.jobReport = undefined;
      return { child: c, status: 0xffff, code: CLD_CONTINUED, reapIt: false };
    }
  }
  return undefined;
}

function sysWait4(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const pid = asInt(a[0]), statusAddr = a[1], options = asInt(a[2]), rusageAddr = a[3];
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WALL | WCLONE)) return -EINVAL;
  const select = (c: Task) => matches(t, c, pid);
  if (!t.children.some(select)) return -ECHILD;
  const r = findReport(t, select, options | WEXITED);
  if (!r) return options & WNOHANG ? 0 : block([t.childWait]);
  if (statusAddr !== 0 && !writeI32(t, statusAddr, r.status)) return -EFAULT;
  if (rusageAddr !== 0 && !copyOut(t, rusageAddr, encodeRusage(r.child.usage))) return -EFAULT;
  if (r.reapIt) reap(k, r.child);
  return r.child.pid;
}

function sysWaitid(k: Kernel, t: Task, a: readonly number[]): SysResult {
  const idtype = asInt(a[0]), id = asInt(a[1]), infop = a[2], options = asInt(a[3]);
  if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return -EINVAL;
  let select: (c: Task) => boolean;
  if (idtype === P_ALL) select = () => true;
  else if (idtype === P_PID) select = (c) => c.pid === id;
  else if (idtype === P_PGID) select = (c) => c.pgid === (id === 0 ? t.pgid : id);
  else return -EINVAL;
  if (!t.children.some(select)) return -ECHILD;
  const r = findReport(t, select, options);
  if (!r) {
    if (!(options & WNOHANG)) return block([t.childWait]);
    if (infop !== 0 && !copyOut(t, infop, new Uint8Array(128))) return -EFAULT;
    return 0;
  }
  const st = r.code === CLD_EXITED ? (r.status >> 8) & 0xff : r.code === CLD_STOPPED ? r.status >> 8 : r.code === CLD_CONTINUED ? 18 : r.status & 0x7f;
  if (infop !== 0 && !copyOut(t, infop, encodeChildSiginfo(SIGCHLD, r.code, r.child.pid, r.child.cred.uid, st))) return -EFAULT;
  if (a[4] !== 0) copyOut(t, a[4], encodeRusage(r.child.usage));
  if (r.reapIt) reap(k, r.child);
  return 0;
}

function sysSetpgid(k: Kernel, t: Task, a: readonly number[]): number {
  const pid = asInt(a[0]) === 0 ? t.pid : asInt(a[0]);
  const pgid = asInt(a[1]) === 0 ? pid : asInt(a[1]);
  if (pgid < 0) return -EINVAL;
  const target = k.tasks.get(pid);
  if (!target || (target !== t && target.parent !== t)) return -ESRCH;
  if (target.sid === target.pid) return -EPERM;
  if (target.sid !== t.sid) return -EPERM;
  if (pgid !== pid && ![...k.tasks.values()].some((p) => p.pgid === pgid && p.sid === t.sid)) return -EPERM;
  target.pgid = pgid;
  return 0;
}

function sysSetsid(k: Kernel, t: Task): number {
  if ([...k.tasks.values()].some((p) => p.pgid === t.pid)) return -EPERM;
  t.sid = t.pid;
  t.pgid = t.pid;
  t.ctty = undefined;
  return t.sid;
}

function lookupPid(k: Kernel, t: Task, pid: number): Task | undefined {
  return pid === 0 ? t : k.tasks.get(pid);
}

function setIds(t: Task, a: readonly number[], which: 'uid' | 'gid', count: 1 | 2 | 3): number {
  const [r, e, s] = [asInt(a[0]), asInt(a[1]), asInt(a[2])];
  const c = t.cred;
  const priv = c.euid === 0;
  const cur = which === 'uid' ? [c.uid, c.euid, c.suid] : [c.gid, c.egid, c.sgid];
  const ok = (v: number) => v === -1 || priv || cur.includes(v);
  if (count === 1) {
    if (!ok(r)) return -EPERM;
    const v = [priv ? r : cur[0], r, priv ? r : cur[2]];
    if (which === 'uid') [c.uid, c.euid, c.suid, c.fsuid] = [v[0], v[1], v[2], v[1]];
    else [c.gid, c.egid, c.sgid, c.fsgid] = [v[0], v[1], v[2], v[1]];
    return 0;
  }
  const want = count === 2 ? [r, e, -1] : [r, e, s];
  if (!want.every(ok)) return -EPERM;
  const v = want.map((x, i) => (x === -1 ? cur[i] : x));
  if (which === 'uid') [c.uid, c.euid, c.suid, c.fsuid] = [v[0], v[1], v[2], v[1]];
  else [c.gid, c.egid, c.sgid, c.fsgid] = [v[0], v[1], v[2], v[1]];
  return 0;
}

function getResIds(t: Task, a: readonly number[], ids: number[]): number {
  for (let i = 0; i < 3; i++) if (!writeI32(t, a[i], ids[i])) return -EFAULT;
  return 0;
}

function sysGetgroups(t: Task, a: readonly number[]): number {
  const size = asInt(a[0]);
  const g = t.cred.groups;
  if (size === 0) return g.length;
  if (size < g.length || size < 0) return -EINVAL;
  for (let i = 0; i < g.length; i++) if (!writeI32(t, a[1] + 4 * i, g[i])) return -EFAULT;
  return g.length;
}

function sysSetgroups(t: Task, a: readonly number[]): number {
  const size = asInt(a[0]);
  if (size < 0 || size > 65536) return -EINVAL;
  if (t.cred.euid !== 0) return -EPERM;
  const b = size === 0 ? new Uint8Array(0) : t.mm.read(a[1], 4 * size);
  if (!b) return -EFAULT;
  const d = new DataView(b.buffer);
  t.cred.groups = Array.from({ length: size }, (_, i) => d.getUint32(4 * i, true));
  return 0;
}

function sysPrctl(t: Task, a: readonly number[]): number {
  const op = asInt(a[0]);
  if (op === PR_SET_NAME) {
    const name = t.mm.readCString(a[1], 16) ?? (t.mm.read(a[1], 16) ? Buffer.from(t.mm.read(a[1], 15)!).toString('utf8') : undefined);
    if (name === undefined) return -EFAULT;
    t.comm = name.slice(0, 15);
    return 0;
  }
  if (op === PR_GET_NAME) {
    const b = new Uint8Array(16);
    b.set(new TextEncoder().encode(t.comm).subarray(0, 15));
    return copyOut(t, a[1], b) ? 0 : -EFAULT;
  }
  if (op === PR_SET_PDEATHSIG) return a[1] >= 0 && a[1] <= 64 ? 0 : -EINVAL;
  if (op === PR_GET_PDEATHSIG) return writeI32(t, a[1], 0) ? 0 : -EFAULT;
  return -EINVAL;
}

export const processHandlers: Record<string, SyscallHandler> = {
  getpid: (_k, t) => t.tgid,
  gettid: (_k, t) => t.pid,
  getppid: (_k, t) => (t.parent && t.parent.state !== 'zombie' ? t.parent.pid : t.ppid),
  clone: sysClone,
  fork: (k, t) => doClone(k, t, SIGCHLD, t.pendingTrap?.childEntry),
  vfork: (k, t) => doClone(k, t, CLONE_VM | CLONE_VFORK | SIGCHLD, t.pendingTrap?.childEntry),
  execve: sysExecve,
  wait4: sysWait4,
  waitid: sysWaitid,
  setpgid: sysSetpgid,
  getpgid: (k, t, a) => lookupPid(k, t, asInt(a[0]))?.pgid ?? -ESRCH,
  getpgrp: (_k, t) => t.pgid,
  getsid: (k, t, a) => lookupPid(k, t, asInt(a[0]))?.sid ?? -ESRCH,
  setsid: (k, t) => sysSetsid(k, t),
  getuid: (_k, t) => t.cred.uid,
  geteuid: (_k, t) => t.cred.euid,
  getgid: (_k, t) => t.cred.gid,
  getegid: (_k, t) => t.cred.egid,
  setuid: (_k, t, a) => setIds(t, a, 'uid', 1),
  setgid: (_k, t, a) => setIds(t, a, 'gid', 1),
  setreuid: (_k, t, a) => setIds(t, a, 'uid', 2),
  setregid: (_k, t, a) => setIds(t, a, 'gid', 2),
  setresuid: (_k, t, a) => setIds(t, a, 'uid', 3),
  setresgid: (_k, t, a) => setIds(t, a, 'gid', 3),
  getresuid: (_k, t, a) => getResIds(t, a, [t.cred.uid, t.cred.euid, t.cred.suid]),
  getresgid: (_k, t, a) => getResIds(t, a, [t.cred.gid, t.cred.egid, t.cred.sgid]),
  setfsuid: (_k, t, a) => {
    const old = t.cred.fsuid;
    if (t.cred.euid === 0 && asInt(a[0]) >= 0) t.cred.fsuid = asInt(a[0]);
    return old;
  },
  setfsgid: (_k, t, a) => {
    const old = t.cred.fsgid;
    if (t.cred.euid === 0 && asInt(a[0]) >= 0) t.cred.fsgid = asInt(a[0]);
    return old;
  },
  getgroups: (_k, t, a) => sysGetgroups(t, a),
  setgroups: (_k, t, a) => sysSetgroups(t, a),
  umask: (_k, t, a) => {
    const old = t.umask;
    t.umask = a[0] & 0o777;
    return old;
  },
  prctl: (_k, t, a) => sysPrctl(t, a),
};
