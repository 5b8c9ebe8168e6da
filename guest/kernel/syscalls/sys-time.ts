// Clocks and sleeping, all on virtual time: CLOCK_REALTIME is a fixed boot epoch plus
// virtual uptime; MONOTONIC and BOOTTIME are uptime; the CPU-time clocks are the task's
// charged time. nanosleep/clock_nanosleep block with a deadline.

import { EFAULT, EINVAL } from '../errno';
import type { Kernel } from '../kernel';
import { decodeTimespec, encodeTimespec, encodeTimeval, TIMESPEC_SIZE } from '../structs';
import type { Task } from '../task';
import { sendSignal } from '../signal';
import { asInt, copyIn, copyOut } from '../uaccess';
import { block, type SysResult } from '../wait';
import type { SyscallHandler } from './types';

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
const TIMER_ABSTIME = 1;

export function clockNs(k: Kernel, t: Task, clock: number): number | undefined {
  switch (clock) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: return k.realtimeNs;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: return k.now;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: return t.usage.utimeNs + t.usage.stimeNs;
    default: return undefined;
  }
}

function readTimespec(t: Task, addr: number): number | undefined {
  const b = copyIn(t, addr, TIMESPEC_SIZE);
  if (!b) return undefined;
  const ts = decodeTimespec(b);
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1e9) return -1;
  return ts.sec * 1e9 + ts.nsec;
}

function sleepUntil(k: Kernel, t: Task, clock: number, flags: number, reqAddr: number): SysResult {
  if (t.restart.deadlineNs === undefined) {
    const req = readTimespec(t, reqAddr);
    if (req === undefined) return -EFAULT;
    if (req < 0) return -EINVAL;
    const now = clockNs(k, t, clock)!;
    // Deadlines are kept on the monotonic clock (virtual uptime).
    t.restart.deadlineNs = flags & TIMER_ABSTIME ? k.now + Math.max(0, req - now) : k.now + req;
  }
  if (k.now >= t.restart.deadlineNs) return 0;
  return block([], t.restart.deadlineNs);
}

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const SIGALRM = 14;

function timevalNs(d: DataView, off: number): number {
  return Number(d.getBigInt64(off, true)) * 1e9 + Number(d.getBigInt64(off + 8, true)) * 1000;
}

function armRealTimer(k: Kernel, t: Task, valueNs: number, intervalNs: number): void {
  if (t.realTimer) k.machine.scheduler.cancel(t.realTimer.handle);
  t.realTimer = undefined;
  if (valueNs <= 0) return;
  const expiresNs = k.now + valueNs;
  const handle = k.machine.scheduler.schedule(expiresNs, () => {
    t.realTimer = undefined;
    sendSignal(k, t, SIGALRM);
    if (intervalNs > 0 && t.state !== 'zombie') armRealTimer(k, t, intervalNs, intervalNs);
  }, `itimer pid ${t.pid}`);
  t.realTimer = { handle, expiresNs, intervalNs };
}

/** struct itimerval (interval, value), each a timeval. */
function encodeItimerval(intervalNs: number, valueNs: number): Uint8Array {
  const b = new Uint8Array(32);
  b.set(encodeTimeval(intervalNs), 0);
  b.set(encodeTimeval(valueNs), 16);
  return b;
}

function sysSetitimer(k: Kernel, t: Task, a: readonly number[]): number {
  const which = asInt(a[0]);
  if (which === ITIMER_VIRTUAL || which === ITIMER_PROF) return a[2] !== 0 && !copyOut(t, a[2], new Uint8Array(32)) ? -EFAULT : 0;
  if (which !== ITIMER_REAL) return -EINVAL;
  const old = t.realTimer;
  const oldVal = encodeItimerval(old?.intervalNs ?? 0, old ? old.expiresNs - k.now : 0);
  if (a[1] !== 0) {
    const b = copyIn(t, a[1], 32);
    if (!b) return -EFAULT;
    const d = new DataView(b.buffer);
    const usecOk = [8, 24].every((off) => { const us = Number(d.getBigInt64(off, true)); return us >= 0 && us < 1e6; });
    if (!usecOk) return -EINVAL;
    armRealTimer(k, t, timevalNs(d, 16), timevalNs(d, 0));
  }
  if (a[2] !== 0 && !copyOut(t, a[2], oldVal)) return -EFAULT;
  return 0;
}

export const timeHandlers: Record<string, SyscallHandler> = {
  clock_gettime: (k, t, a) => {
    const ns = clockNs(k, t, asInt(a[0]));
    if (ns === undefined) return -EINVAL;
    return copyOut(t, a[1], encodeTimespec(ns)) ? 0 : -EFAULT;
  },
  clock_getres: (_k, t, a) => {
    const c = asInt(a[0]);
    if (c < 0 || c > 7) return -EINVAL;
    if (a[1] === 0) return 0;
    return copyOut(t, a[1], encodeTimespec(c === 5 || c === 6 ? 4_000_000 : 1)) ? 0 : -EFAULT;
  },
  nanosleep: (k, t, a) => sleepUntil(k, t, CLOCK_MONOTONIC, 0, a[0]),
  clock_nanosleep: (k, t, a) => {
    const c = asInt(a[0]);
    if (clockNs(k, t, c) === undefined || c === CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
    return sleepUntil(k, t, c, asInt(a[1]), a[2]);
  },
  setitimer: sysSetitimer,
  getitimer: (k, t, a) => {
    const which = asInt(a[0]);
    if (which < 0 || which > 2) return -EINVAL;
    const r = which === ITIMER_REAL ? t.realTimer : undefined;
    return copyOut(t, a[1], encodeItimerval(r?.intervalNs ?? 0, r ? r.expiresNs - k.now : 0)) ? 0 : -EFAULT;
  },
  alarm: (k, t, a) => {
    const left = t.realTimer ? Math.ceil((t.realTimer.expiresNs - k.now) / 1e9) : 0;
    armRealTimer(k, t, (a[0] >>> 0) * 1e9, 0);
    return left;
  },
  gettimeofday: (k, t, a) => {
    if (a[0] !== 0 && !copyOut(t, a[0], encodeTimeval(k.epochAtBootS * 1e9 + k.now))) return -EFAULT;
    if (a[1] !== 0 && !copyOut(t, a[1], new Uint8Array(8))) return -EFAULT;
    return 0;
  },
  time: (k, t, a) => {
    const s = Math.floor((k.epochAtBootS * 1e9 + k.now) / 1e9);
    if (a[0] !== 0 && !copyOut(t, a[0], encodeTimespec(s * 1e9).subarray(0, 8))) return -EFAULT;
    return s;
  },
};
