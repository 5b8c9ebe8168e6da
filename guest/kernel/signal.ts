// Signals: sending (with Linux's discard-if-ignored and stop/continue side effects),
// delivery at the return to user mode (default actions: term, core, stop, continue,
// ignore), and running a native program's handler as a nested generator on a signal
// frame, after which the interrupted system call is restarted (SA_RESTART) or fails EINTR.

import type { NativeProgram, SyscallTrap } from '../abi/native';
import { EINTR } from './errno';
import type { Kernel } from './kernel';
import { doExit } from './process';
import {
  NSIG, SA_NOCLDSTOP, SA_NODEFER, SA_RESETHAND, SA_RESTART, SIGCHLD, SIGCONT, SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU,
  SIG_DFL, SIG_IGN, UNBLOCKABLE, defaultAction, sigBit,
} from './signal-defs';
import type { SigAction, Task } from './task';
import { setupElfFrame, settleInterruptedSvc } from './elf-signal';

const STOP_MASK = sigBit(SIGSTOP) | sigBit(SIGTSTP) | sigBit(SIGTTIN) | sigBit(SIGTTOU);
/** asm-generic numbers of calls that fail EINTR after a handler even with SA_RESTART (signal(7)). */
const NEVER_RESTARTED = new Set([22, 72, 73, 101, 115, 133, 137]);
/** Bound on nested handler frames (a handler interrupted by another signal, and so on). */
export const MAX_SIGNAL_FRAMES = 32;

export interface SignalFrame {
  program: NativeProgram | undefined;
  pendingTrap: SyscallTrap | undefined;
  lastResult: number;
  restart: Task['restart'];
  savedMask: bigint;
  /** The interrupted call is re-run when the handler returns (SA_RESTART), else it fails EINTR. */
  restartSyscall: boolean;
}

function ignored(t: Task, sig: number): boolean {
  const h = t.sigActions[sig].handler;
  return h === SIG_IGN || (h === SIG_DFL && (defaultAction(sig) === 'ignore' || defaultAction(sig) === 'cont'));
}

/** Sends `sig` to `t` (kill, tty signals, SIGCHLD, SIGPIPE...). sig 0 only checks. */
export function sendSignal(k: Kernel, t: Task, sig: number): void {
  if (sig <= 0 || sig > NSIG || t.state === 'zombie') return;
  const bit = sigBit(sig);
  if (sig === SIGCONT) {
    t.sigPending &= ~STOP_MASK;
    if (t.state === 'stopped') continueTask(k, t);
  } else if (bit & STOP_MASK) {
    t.sigPending &= ~sigBit(SIGCONT);
  }
  if (sig === SIGKILL && t.state === 'stopped') t.state = 'sleeping';
  if (!(t.sigBlocked & bit) && ignored(t, sig)) return;
  t.sigPending |= bit;
  if (t.state === 'sleeping' && (!(t.sigBlocked & bit & ~UNBLOCKABLE) || t.sigWaitSet & bit)) {
    k.makeRunnable(t);
  }
}

function continueTask(k: Kernel, t: Task): void {
  t.state = 'sleeping';
  t.jobReport = 'continued';
  k.makeRunnable(t);
  notifyJobChange(k, t);
}

function notifyJobChange(k: Kernel, t: Task): void {
  const p = t.parent;
  if (!p) return;
  if (!(p.sigActions[SIGCHLD].flags & SA_NOCLDSTOP)) sendSignal(k, p, SIGCHLD);
  p.childWait.wakeAll();
}

function deliverable(t: Task): bigint {
  return t.sigPending & ~(t.sigBlocked & ~UNBLOCKABLE);
}

export function hasDeliverableSignal(t: Task): boolean {
  return t.sigPending !== 0n && deliverable(t) !== 0n;
}

function nextSignal(t: Task): number {
  const set = deliverable(t);
  if (set === 0n) return 0;
  if (set & sigBit(SIGKILL)) return SIGKILL;
  for (let sig = 1; sig <= NSIG; sig++) if (set & sigBit(sig)) return sig;
  return 0;
}

/**
 * Delivers pending signals before the task's next step. Returns true when the task
 * stopped running (killed or stopped). `interrupted` is the state of a syscall that a
 * signal cut short, which a handler frame saves.
 */
export function deliverSignals(k: Kernel, t: Task): boolean {
  if (t.sigPending === 0n) return false;
  for (let guard = 0; guard < NSIG; guard++) {
    const sig = nextSignal(t);
    if (sig === 0) return false;
    t.sigPending &= ~sigBit(sig);
    const act = t.sigActions[sig];
    if (act.handler === SIG_IGN && sig !== SIGKILL && sig !== SIGSTOP) continue;
    if (act.handler !== SIG_DFL && sig !== SIGKILL && sig !== SIGSTOP) {
      if (runHandler(k, t, sig)) return false;
      continue;
    }
    switch (defaultAction(sig)) {
      case 'ignore': case 'cont': continue;
      case 'stop':
        t.state = 'stopped';
        t.stopSignal = sig;
        t.jobReport = 'stopped';
        notifyJobChange(k, t);
        return true;
      case 'term':
        doExit(k, t, sig);
        return true;
      case 'core':
        doExit(k, t, sig | 0x80);
        return true;
    }
  }
  return false;
}

/** A synchronous fault (SIGSEGV, SIGBUS, SIGILL): cannot be blocked or ignored away (force_sig). */
export function forceSignal(k: Kernel, t: Task, sig: number): void {
  const bit = sigBit(sig);
  if (t.sigBlocked & bit || t.sigActions[sig].handler === SIG_IGN) {
    t.sigBlocked &= ~bit;
    t.sigActions[sig].handler = SIG_DFL;
  }
  sendSignal(k, t, sig);
}

/** Pushes a signal frame and starts the native handler. False if there is no native handler to run. */
function runHandler(k: Kernel, t: Task, sig: number): boolean {
  const act = t.sigActions[sig];
  if (t.cpu) return runElfHandler(k, t, sig, act);
  const fn = t.nativeHandlers.get(act.handler);
  if (!fn || t.sigFrames.length >= MAX_SIGNAL_FRAMES) {
    // A handler address that is not code: what a real CPU would do is fault.
    doExit(k, t, 11 | 0x80);
    return true;
  }
  const nr = t.pendingTrap?.nr ?? -1;
  t.sigFrames.push({
    program: t.program, pendingTrap: t.pendingTrap, lastResult: t.lastResult, restart: t.restart,
    savedMask: t.suspendSavedMask ?? t.sigBlocked,
    restartSyscall: (act.flags & SA_RESTART) !== 0 && !NEVER_RESTARTED.has(nr),
  });
  t.suspendSavedMask = undefined;
  t.sigBlocked |= act.mask;
  if (!(act.flags & SA_NODEFER)) t.sigBlocked |= sigBit(sig);
  t.sigBlocked &= ~UNBLOCKABLE;
  if (act.flags & SA_RESETHAND) act.handler = SIG_DFL;
  t.program = fn(sig);
  t.pendingTrap = undefined;
  t.lastResult = 0;
  t.restart = {};
  return true;
}

function runElfHandler(k: Kernel, t: Task, sig: number, act: SigAction): boolean {
  if (t.pendingTrap) {
    settleInterruptedSvc(t, (act.flags & SA_RESTART) !== 0 && !NEVER_RESTARTED.has(t.pendingTrap.nr));
    t.pendingTrap = undefined;
    t.restart = {};
  }
  const saved = t.suspendSavedMask ?? t.sigBlocked;
  t.suspendSavedMask = undefined;
  if (!setupElfFrame(t, sig, act, saved)) {
    doExit(k, t, 11 | 0x80);
    return true;
  }
  t.sigBlocked |= act.mask;
  if (!(act.flags & SA_NODEFER)) t.sigBlocked |= sigBit(sig);
  t.sigBlocked &= ~UNBLOCKABLE;
  if (act.flags & SA_RESETHAND) act.handler = SIG_DFL;
  return true;
}

/** The handler generator finished: rt_sigreturn. False if there was no frame (the program itself ended). */
export function signalReturn(t: Task): boolean {
  const f = t.sigFrames.pop();
  if (!f) return false;
  t.program = f.program;
  t.sigBlocked = f.savedMask;
  t.restart = f.restart;
  if (f.pendingTrap && f.restartSyscall) {
    t.pendingTrap = f.pendingTrap;
  } else if (f.pendingTrap) {
    t.pendingTrap = undefined;
    t.lastResult = -EINTR;
    t.restart = {};
  } else {
    t.pendingTrap = undefined;
    t.lastResult = f.lastResult;
  }
  return true;
}
