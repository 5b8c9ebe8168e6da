// The one clock of a machine: virtual nanoseconds advanced only by this scheduler.
// Events fire in (time, insertion order), so two events at the same instant always
// run in the order they were scheduled, on every host.

export type EventCallback = () => void;

interface ScheduledEvent {
  readonly atNs: number;
  readonly seq: number;
  readonly label: string;
  readonly callback: EventCallback;
  cancelled: boolean;
}

export interface EventHandle {
  readonly seq: number;
}

/** Upper bound on pending events: a runaway guest timer loop is a bug to report, not memory to eat. */
export const MAX_PENDING_EVENTS = 1 << 20;

export class EventScheduler {
  private nowNs = 0;
  private nextSeq = 0;
  private readonly heap: ScheduledEvent[] = [];
  private readonly bySeq = new Map<number, ScheduledEvent>();
  private firedCount = 0;

  get now(): number {
    return this.nowNs;
  }

  /** Events fired since creation; the bench measures this. */
  get fired(): number {
    return this.firedCount;
  }

  get pending(): number {
    return this.bySeq.size;
  }

  schedule(atNs: number, callback: EventCallback, label = ''): EventHandle {
    if (!Number.isFinite(atNs)) throw new Error(`scheduler: event time ${atNs} is not finite (${label})`);
    if (this.bySeq.size >= MAX_PENDING_EVENTS) throw new Error(`scheduler: more than ${MAX_PENDING_EVENTS} pending events`);
    const ev: ScheduledEvent = { atNs: Math.max(atNs, this.nowNs), seq: this.nextSeq++, label, callback, cancelled: false };
    this.push(ev);
    this.bySeq.set(ev.seq, ev);
    return { seq: ev.seq };
  }

  scheduleAfter(delayNs: number, callback: EventCallback, label = ''): EventHandle {
    return this.schedule(this.nowNs + Math.max(0, delayNs), callback, label);
  }

  cancel(handle: EventHandle): void {
    const ev = this.bySeq.get(handle.seq);
    if (ev) {
      ev.cancelled = true;
      this.bySeq.delete(handle.seq);
    }
  }

  /** Time of the earliest live event, or undefined when none is pending. */
  nextEventTime(): number | undefined {
    this.dropCancelledTop();
    return this.heap.length > 0 ? this.heap[0].atNs : undefined;
  }

  /** Advances the clock without firing anything; time never goes backwards or past a pending event. */
  advanceTo(tNs: number): void {
    const next = this.nextEventTime();
    const target = next === undefined ? tNs : Math.min(tNs, next);
    if (target > this.nowNs) this.nowNs = target;
  }

  /** Fires the earliest event (advancing the clock to it). Returns false when nothing is pending. */
  runNext(): boolean {
    this.dropCancelledTop();
    const ev = this.pop();
    if (!ev) return false;
    this.bySeq.delete(ev.seq);
    if (ev.atNs > this.nowNs) this.nowNs = ev.atNs;
    this.firedCount++;
    ev.callback();
    return true;
  }

  /** Fires every event due at or before tNs, then sets the clock to tNs. */
  runUntil(tNs: number): void {
    for (;;) {
      const next = this.nextEventTime();
      if (next === undefined || next > tNs) break;
      this.runNext();
    }
    if (tNs > this.nowNs) this.nowNs = tNs;
  }

  /** Labels of pending events in firing order (for snapshots and debugging). */
  pendingLabels(): Array<{ atNs: number; label: string }> {
    return [...this.bySeq.values()]
      .sort((a, b) => a.atNs - b.atNs || a.seq - b.seq)
      .map((e) => ({ atNs: e.atNs, label: e.label }));
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
  }

  private before(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
  }

  private push(ev: ScheduledEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): ScheduledEvent | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
