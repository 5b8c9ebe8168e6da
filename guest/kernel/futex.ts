// Futex wait queues (kernel/futex/): waiters are keyed as Linux's get_futex_key does —
// (address space, user address) for private futexes and private memory, (physical frame
// address) for a shared futex in a MAP_SHARED area, so processes sharing it meet — and kept in arrival order, so wakes are FIFO and deterministic. A waiter sleeps on a
// wait queue of its own; a wake marks it woken and wakes that queue, and the blocked
// futex call, run again, sees the mark and returns 0. Requeue moves waiters between keys.

import type { Kernel } from './kernel';
import { MAP_SHARED, type AddressSpace } from './mm/address-space';
import type { SyscallTrap } from '../abi/native';
import type { Task } from './task';
import { WaitQueue } from './wait';

export interface FutexWaiter {
  readonly task: Task;
  /** The futex call this waiter belongs to: a different pending call means it is stale. */
  readonly trap: SyscallTrap | undefined;
  /** The key: a space (an address space, or the kernel for shared memory) and an address in it. */
  space: object;
  addr: number;
  readonly bitset: number;
  readonly queue: WaitQueue;
  readonly deadlineNs: number | undefined;
  woken: boolean;
}

interface FutexState {
  /** Per key space: address → waiters in arrival order. */
  readonly byMm: Map<object, Map<number, FutexWaiter[]>>;
  readonly byTask: Map<Task, FutexWaiter>;
}

const states = new WeakMap<Kernel, FutexState>();

function state(k: Kernel): FutexState {
  let s = states.get(k);
  if (!s) {
    s = { byMm: new Map(), byTask: new Map() };
    states.set(k, s);
  }
  return s;
}

function bucket(k: Kernel, mm: object, addr: number, create: boolean): FutexWaiter[] | undefined {
  const s = state(k);
  let m = s.byMm.get(mm);
  if (!m) {
    if (!create) return undefined;
    m = new Map();
    s.byMm.set(mm, m);
  }
  let b = m.get(addr);
  if (!b && create) {
    b = [];
    m.set(addr, b);
  }
  return b;
}

function removeFromBucket(k: Kernel, mm: object, w: FutexWaiter): void {
  const m = state(k).byMm.get(mm);
  const b = m?.get(w.addr);
  if (!m || !b) return;
  const i = b.indexOf(w);
  if (i >= 0) b.splice(i, 1);
  if (b.length === 0) m.delete(w.addr);
  if (m.size === 0) state(k).byMm.delete(mm);
}

/** The task's waiter for the call it is executing now, if it queued one; stale ones are dropped. */
export function currentWaiter(k: Kernel, t: Task): FutexWaiter | undefined {
  const s = state(k);
  const w = s.byTask.get(t);
  if (!w) return undefined;
  if (w.trap === t.pendingTrap && t.state !== 'zombie') return w;
  dropWaiter(k, t);
  return undefined;
}

export function dropWaiter(k: Kernel, t: Task): void {
  const s = state(k);
  const w = s.byTask.get(t);
  if (!w) return;
  s.byTask.delete(t);
  if (!w.woken) removeFromBucket(k, w.space, w);
}

/** The futex key of `uaddr`: shared futexes in MAP_SHARED memory are keyed by the frame, all others by (mm, address). */
export function futexKey(k: Kernel, mm: AddressSpace, uaddr: number, isPrivate: boolean): FutexKey {
  if (!isPrivate && (mm.findVma(uaddr)?.flags ?? 0) & MAP_SHARED) {
    const paddr = mm.physAddr(uaddr);
    if (paddr !== undefined) return { space: k, addr: paddr };
  }
  return { space: mm, addr: uaddr };
}

export interface FutexKey {
  space: object;
  addr: number;
}

export function enqueueWaiter(k: Kernel, t: Task, key: FutexKey, bitset: number, deadlineNs: number | undefined): FutexWaiter {
  dropWaiter(k, t);
  const w: FutexWaiter = { task: t, trap: t.pendingTrap, space: key.space, addr: key.addr, bitset, queue: new WaitQueue(), deadlineNs, woken: false };
  bucket(k, key.space, key.addr, true)!.push(w);
  state(k).byTask.set(t, w);
  return w;
}

/** A waiter still waiting for this call (not a leftover of an interrupted one). */
function live(w: FutexWaiter): boolean {
  return w.task.state !== 'zombie' && w.task.pendingTrap === w.trap;
}

/** Wakes up to `count` waiters on `addr` whose bitset meets `bitset`. Returns how many woke. */
export function futexWake(k: Kernel, key: FutexKey, count: number, bitset: number): number {
  const mm = key.space;
  const b = bucket(k, mm, key.addr, false);
  if (!b) return 0;
  let woken = 0;
  for (const w of [...b]) {
    if (woken >= count) break;
    if (!live(w)) {
      removeFromBucket(k, mm, w);
      state(k).byTask.delete(w.task);
      continue;
    }
    if ((w.bitset & bitset) === 0) continue;
    removeFromBucket(k, mm, w);
    w.woken = true;
    w.queue.wakeAll();
    woken++;
  }
  return woken;
}

/** Wakes `wakeCount` waiters on `from`, then moves up to `moveCount` others to `to`. Returns both counts' sum. */
export function futexRequeue(k: Kernel, from: FutexKey, to: FutexKey, wakeCount: number, moveCount: number): number {
  const woken = futexWake(k, from, wakeCount, 0xffff_ffff);
  const b = bucket(k, from.space, from.addr, false);
  if (!b || moveCount <= 0 || (from.space === to.space && from.addr === to.addr)) return woken;
  let moved = 0;
  for (const w of [...b]) {
    if (moved >= moveCount) break;
    if (!live(w)) continue;
    removeFromBucket(k, from.space, w);
    w.space = to.space;
    w.addr = to.addr;
    bucket(k, to.space, to.addr, true)!.push(w);
    moved++;
  }
  return woken + moved;
}
