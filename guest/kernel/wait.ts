// Sleeping and waking. A syscall that cannot finish yet returns a Block naming the wait
// queues (and optionally a virtual-time deadline) it sleeps on; the scheduler parks the
// task there and, once woken, runs the same syscall again from the start — so every
// blocking syscall is written as "check, else block", like a restartable Linux syscall.

export interface Waiter {
  wake(): void;
}

export class WaitQueue {
  // A Set iterates in insertion order, so wake order is deterministic (FIFO).
  private readonly sleepers = new Set<Waiter>();

  add(w: Waiter): void {
    this.sleepers.add(w);
  }

  remove(w: Waiter): void {
    this.sleepers.delete(w);
  }

  get size(): number {
    return this.sleepers.size;
  }

  has(w: Waiter): boolean {
    return this.sleepers.has(w);
  }

  wakeAll(): void {
    for (const w of [...this.sleepers]) w.wake();
  }
}

export interface Block {
  readonly kind: 'block';
  readonly queues: readonly WaitQueue[];
  /** Wake at this virtual time even if nothing else happens (timeouts, sleeps). */
  readonly deadlineNs?: number;
}

/** A syscall's outcome: a value (>= 0 or -errno) or "put me to sleep and retry". */
export type SysResult = number | Block;

export function block(queues: readonly WaitQueue[], deadlineNs?: number): Block {
  return { kind: 'block', queues, deadlineNs };
}

export function isBlock(r: SysResult | Uint8Array): r is Block {
  return typeof r === 'object' && !(r instanceof Uint8Array);
}
