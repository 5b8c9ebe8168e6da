// Signal syscalls: rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend, kill,
// tkill, tgkill, sigaltstack, pause. Delivery itself is in ../signal.ts.

import { EAGAIN, EFAULT, EINTR, EINVAL, EPERM, ESRCH } from '../errno';
import type { Kernel } from '../kernel';
import { signalTarget } from '../thread';
import { forceSignal, sendSignal } from '../signal';
import { elfSigreturn } from '../elf-signal';
import { NSIG, SIGKILL, SIGSTOP, UNBLOCKABLE } from '../signal-defs';
import { SIGACTION_SIZE, decodeSigaction, encodeSigaction } from '../structs';
import type { Task } from '../task';
import { asInt, copyIn, copyOut, writeU64 } from '../uaccess';
import { block, type SysResult } from '../wait';
import type { SyscallHandler } from './types';

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const SIGSET_SIZE = 8;

function readSigset(t: Task, addr: number): bigint | undefined {
  const b = copyIn(t, addr, SIGSET_SIZE);
  return b ? new DataView(b.buffer).getBigUint64(0, true) : undefined;
}

function sysSigaction(t: Task, a: readonly number[]): number {
  const sig = asInt(a[0]);
  if (sig < 1 || sig > NSIG || a[3] !== SIGSET_SIZE) return -EINVAL;
  let next;
  if (a[1] !== 0) {
    const b = copyIn(t, a[1], SIGACTION_SIZE);
    if (!b) return -EFAULT;
    next = decodeSigaction(b);
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
  }
  const cur = t.sigActions[sig];
  if (a[2] !== 0 && !copyOut(t, a[2], encodeSigaction(cur))) return -EFAULT;
  if (next) {
    t.sigActions[sig] = { handler: next.handler, flags: next.flags, mask: next.mask & ~UNBLOCKABLE, restorer: next.restorer };
    // Setting SIG_IGN discards a pending instance (POSIX).
    if (next.handler === 1) t.sigPending &= ~(1n << BigInt(sig - 1));
  }
  return 0;
}

function sysSigprocmask(t: Task, a: readonly number[]): number {
  const how = asInt(a[0]);
  if (a[3] !== SIGSET_SIZE) return -EINVAL;
  const old = t.sigBlocked;
  if (a[1] !== 0) {
    const set = readSigset(t, a[1]);
    if (set === undefined) return -EFAULT;
    if (how === SIG_BLOCK) t.sigBlocked |= set;
    else if (how === SIG_UNBLOCK) t.sigBlocked &= ~set;
    else if (how === SIG_SETMASK) t.sigBlocked = set;
    else return -EINVAL;
    t.sigBlocked &= ~UNBLOCKABLE;
  }
  if (a[2] !== 0 && !writeU64(t, a[2], old)) return -EFAULT;
  return 0;
}

function sysSigsuspend(t: Task, a: readonly number[]): SysResult {
  if (a[1] !== SIGSET_SIZE) return -EINVAL;
  if (t.restart['suspended'] === undefined) {
    const set = readSigset(t, a[0]);
    if (set === undefined) return -EFAULT;
    t.suspendSavedMask = t.sigBlocked;
    t.sigBlocked = set & ~UNBLOCKABLE;
    t.restart['suspended'] = 1;
    return block([]);
  }
  // Woken with nothing to run (the signal was ignored after all): keep waiting.
  return block([]);
}

/** Permission to signal: root, or the sender's real/effective uid matches the target's real/saved uid. */
function mayKill(t: Task, target: Task): boolean {
  const c = t.cred, d = target.cred;
  return c.euid === 0 || c.euid === d.uid || c.euid === d.suid || c.uid === d.uid || c.uid === d.suid;
}

function sysKill(k: Kernel, t: Task, a: readonly number[]): number {
  const pid = asInt(a[0]), sig = asInt(a[1]);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  let targets: Task[];
  // Process-directed: one thread per process receives it (thread.ts signalTarget).
  const leaders = () => [...k.tasks.values()].filter((x) => x.tgid === x.pid);
  if (pid > 0) {
    const x = k.tasks.get(pid);
    targets = x ? [x.group?.leader ?? x] : [];
  }
  else if (pid === 0) targets = leaders().filter((x) => x.pgid === t.pgid);
  else if (pid === -1) targets = leaders().filter((x) => x.pid !== 1 && x.tgid !== t.tgid);
  else targets = leaders().filter((x) => x.pgid === -pid);
  if (targets.length === 0) return -ESRCH;
  const allowed = targets.filter((x) => mayKill(t, x));
  if (allowed.length === 0) return -EPERM;
  for (const x of allowed) if (sig !== 0) sendSignal(k, signalTarget(x, sig), sig);
  return 0;
}

function sysTgkill(k: Kernel, t: Task, tgid: number, tid: number, sig: number): number {
  if (sig < 0 || sig > NSIG || tid <= 0) return -EINVAL;
  const target = k.tasks.get(tid);
  if (!target || (tgid > 0 && target.tgid !== tgid)) return -ESRCH;
  if (!mayKill(t, target)) return -EPERM;
  if (sig !== 0) sendSignal(k, target, sig);
  return 0;
}

/** rt_sigtimedwait: takes a pending signal from `set` (even a blocked one), or waits for one. */
function sysSigtimedwait(k: Kernel, t: Task, a: readonly number[]): SysResult {
  if (a[3] !== SIGSET_SIZE) return -EINVAL;
  const set = readSigset(t, a[0]);
  if (set === undefined) return -EFAULT;
  const want = set & ~UNBLOCKABLE;
  const ready = t.sigPending & want;
  if (ready !== 0n) {
    let sig = 1;
    while (!(ready & (1n << BigInt(sig - 1)))) sig++;
    t.sigPending &= ~(1n << BigInt(sig - 1));
    t.sigWaitSet = 0n;
    if (a[1] !== 0) {
      const info = new Uint8Array(128);
      new DataView(info.buffer).setInt32(0, sig, true);
      if (!copyOut(t, a[1], info)) return -EFAULT;
    }
    return sig;
  }
  if (a[2] !== 0 && t.restart.deadlineNs === undefined) {
    const b = copyIn(t, a[2], 16);
    if (!b) return -EFAULT;
    const d = new DataView(b.buffer);
    const sec = Number(d.getBigInt64(0, true)), nsec = Number(d.getBigInt64(8, true));
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
    t.restart.deadlineNs = k.now + sec * 1e9 + nsec;
  }
  if (t.restart.deadlineNs !== undefined && k.now >= t.restart.deadlineNs) {
    t.sigWaitSet = 0n;
    return -EAGAIN;
  }
  t.sigWaitSet = want;
  return block([], t.restart.deadlineNs);
}

export const signalHandlers: Record<string, SyscallHandler> = {
  rt_sigaction: (_k, t, a) => sysSigaction(t, a),
  rt_sigprocmask: (_k, t, a) => sysSigprocmask(t, a),
  rt_sigpending: (_k, t, a) => (a[1] !== SIGSET_SIZE ? -EINVAL : writeU64(t, a[0], t.sigPending & t.sigBlocked) ? 0 : -EFAULT),
  rt_sigsuspend: (_k, t, a) => sysSigsuspend(t, a),
  pause: (_k, t) => (t.restart['paused'] === undefined ? ((t.restart['paused'] = 1), block([])) : block([])),
  kill: sysKill,
  tkill: (k, t, a) => sysTgkill(k, t, -1, asInt(a[0]), asInt(a[1])),
  tgkill: (k, t, a) => sysTgkill(k, t, asInt(a[0]), asInt(a[1]), asInt(a[2])),
  sigaltstack: (_k, t, a) => (a[1] !== 0 && !copyOut(t, a[1], new Uint8Array(24)) ? -EFAULT : 0),
  rt_sigreturn: (k, t) => {
    if (!t.cpu) return -EINTR;
    if (!elfSigreturn(t)) {
      forceSignal(k, t, 11);
      return -EFAULT;
    }
    t.keepX0 = true;
    return 0;
  },
  rt_sigtimedwait: sysSigtimedwait,
};
