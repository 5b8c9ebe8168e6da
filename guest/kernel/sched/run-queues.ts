// Per-vCPU run queues for `-smp N`. Each CPU has its own queue and its own virtual clock (how
// far it has run); the simulation stays single-threaded by always stepping the CPU that is
// furthest behind (ties by CPU number), so N CPUs advance together in virtual time. The
// machine's clock follows the slowest busy CPU. New tasks go to the least-loaded allowed CPU,
// a waking task to its previous CPU unless that one is busy and an allowed CPU is idle, and an
// idle CPU pulls a waiting task from the busiest queue (Linux's idle balance, much simplified).

import type { Task } from '../task';

export class CpuRunQueue {
  /** How far this CPU has run, in virtual ns (ahead of the machine clock while busy). */
  clockNs = 0;
  /** The task this CPU is running (kept between its steps until its slice ends or it blocks). */
  curr: Task | undefined;
  /** Waiting tasks in FIFO order; entries that stopped being runnable are skipped when reached. */
  readonly queue: Task[] = [];
  /** Virtual time spent running tasks in user and kernel mode (for /proc/stat). */
  userNs = 0;
  systemNs = 0;
  /** Tasks switched to on this CPU. */
  switches = 0;

  constructor(readonly id: number) {}

  get hasWork(): boolean {
    return this.curr !== undefined || this.queue.some((t) => t.state === 'runnable');
  }

  /** Runnable tasks on this CPU, the running one included. */
  get load(): number {
    let n = this.curr ? 1 : 0;
    for (const t of this.queue) if (t.state === 'runnable') n++;
    return n;
  }

  enqueue(t: Task): void {
    t.queuedOn = this.id;
    t.lastCpu = this.id;
    this.queue.push(t);
  }

  /** The next runnable task in FIFO order (stale entries are dropped on the way). */
  dequeue(): Task | undefined {
    while (this.queue.length > 0) {
      const t = this.queue.shift()!;
      t.queuedOn = -1;
      if (t.state === 'runnable') return t;
    }
    return undefined;
  }

  remove(t: Task): void {
    const i = this.queue.indexOf(t);
    if (i >= 0) this.queue.splice(i, 1);
    t.queuedOn = -1;
  }
}

/** Whether `t` may run on CPU `id` (sched_setaffinity). */
export function allowedOn(t: Task, id: number): boolean {
  return t.cpusAllowed === undefined || ((t.cpusAllowed >> BigInt(id)) & 1n) === 1n;
}

export class RunQueues {
  readonly cpus: CpuRunQueue[];
  /** The CPU executing a task step right now (its clock is the kernel's `now`). */
  active: CpuRunQueue | undefined;

  constructor(count: number) {
    this.cpus = Array.from({ length: Math.max(1, count) }, (_, i) => new CpuRunQueue(i));
  }

  get count(): number {
    return this.cpus.length;
  }

  /** Tasks waiting in queues (not running), as procs_running/loadavg count them with the running ones. */
  get queuedRunnable(): number {
    let n = 0;
    for (const c of this.cpus) for (const t of c.queue) if (t.state === 'runnable') n++;
    return n;
  }

  get running(): number {
    return this.cpus.reduce((n, c) => n + (c.curr ? 1 : 0), 0);
  }

  /** Queues a runnable task that is neither running nor queued, on the CPU placement picks. */
  enqueue(t: Task, nowNs: number): void {
    if (t.runningOn >= 0 || t.queuedOn >= 0) return;
    const cpu = this.place(t);
    this.wakeCpu(cpu, nowNs);
    cpu.enqueue(t);
  }

  /** Takes `t` off the queue it waits in (for a change of affinity). */
  dequeue(t: Task): void {
    if (t.queuedOn >= 0) this.cpus[t.queuedOn].remove(t);
  }

  private place(t: Task): CpuRunQueue {
    const prev = t.lastCpu >= 0 && t.lastCpu < this.count && allowedOn(t, t.lastCpu) ? this.cpus[t.lastCpu] : undefined;
    if (prev && !prev.hasWork) return prev;
    if (prev) return this.cpus.find((c) => allowedOn(t, c.id) && !c.hasWork) ?? prev;
    let best: CpuRunQueue | undefined;
    let bestLoad = Infinity;
    for (const c of this.cpus) {
      if (!allowedOn(t, c.id)) continue;
      const load = c.load;
      if (load < bestLoad) [best, bestLoad] = [c, load];
    }
    return best ?? this.cpus[0];
  }

  /** An idle CPU that receives work starts from the time the work arrives, not from when it went idle. */
  private wakeCpu(cpu: CpuRunQueue, nowNs: number): void {
    if (cpu.hasWork) return;
    const from = this.active && this.active !== cpu ? Math.max(nowNs, this.active.clockNs) : nowNs;
    if (cpu.clockNs < from) cpu.clockNs = from;
  }

  /** Idle CPUs take a waiting task from the busiest queue, when its affinity allows. */
  balanceIdle(nowNs: number): void {
    if (this.count === 1) return;
    for (const idle of this.cpus) {
      if (idle.hasWork) continue;
      let busiest: CpuRunQueue | undefined;
      for (const c of this.cpus) {
        if (c === idle || c.load < 2) continue;
        if (!busiest || c.load > busiest.load) busiest = c;
      }
      if (!busiest) return;
      let t: Task | undefined;
      for (let i = busiest.queue.length - 1; i >= 0 && !t; i--) {
        const q = busiest.queue[i];
        if (q.state === 'runnable' && allowedOn(q, idle.id)) t = q;
      }
      if (!t) continue;
      busiest.remove(t);
      this.wakeCpu(idle, nowNs);
      idle.enqueue(t);
    }
  }

  /** The busy CPU furthest behind whose clock is before `limitNs` (ties: lowest number). */
  pick(limitNs: number): CpuRunQueue | undefined {
    let best: CpuRunQueue | undefined;
    for (const c of this.cpus) {
      if (c.clockNs >= limitNs || !c.hasWork) continue;
      if (!best || c.clockNs < best.clockNs) best = c;
    }
    return best;
  }

  /**
   * True when `cpu` is still strictly the busy CPU furthest behind and no idle CPU could pull
   * a waiting task, so stepping it again is what picking afresh would do.
   */
  aheadOfAll(cpu: CpuRunQueue): boolean {
    let idle = false, queued = false;
    for (const c of this.cpus) {
      const load = c.load;
      if (load === 0) idle = true;
      if (load >= 2) queued = true;
      if (c !== cpu && load > 0 && c.clockNs <= cpu.clockNs) return false;
    }
    return !(idle && queued);
  }

  /** Idle CPUs (and any left behind) start the next slice at the machine's time. */
  syncTo(nowNs: number): void {
    for (const c of this.cpus) if (c.clockNs < nowNs) c.clockNs = nowNs;
  }

  /** Where the machine clock may go: the slowest busy CPU, or the furthest any CPU ran when all are idle. */
  globalNs(): number {
    let minBusy = Infinity;
    let maxAll = -Infinity;
    for (const c of this.cpus) {
      maxAll = Math.max(maxAll, c.clockNs);
      if (c === this.active || c.hasWork) minBusy = Math.min(minBusy, c.clockNs);
    }
    return minBusy === Infinity ? maxAll : minBusy;
  }
}
