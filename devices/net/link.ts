// An Ethernet hub on virtual time: ports attach with a receive callback; a frame sent on one port
// reaches every other port after the hub latency plus whatever the sender's fault injector adds.
// A point-to-point link is a hub with two ports. Partitions cut chosen port pairs until healed
// (by a call or a scheduled time). Taps see every frame as sent (for pcap).
//
// Everything runs on the machine's EventScheduler, and each port's faults draw from
// prng.fork(`hub:${hubName}:${portName}`), so one seed gives one delivery trace.

import type { EventHandle, EventScheduler } from '../../emulator/time/scheduler';
import type { Prng } from '../../emulator/random/prng';
import { FaultInjector, type FaultConfig } from './faults';

export type FrameSink = (frame: Uint8Array) => void;
export type FrameTap = (timeNs: number, frame: Uint8Array, fromPort: string) => void;

/** Frames larger than a 64 KiB jumbo super-frame are a sender bug; the hub refuses them. */
export const MAX_FRAME_BYTES = 65_550;
const MIN_FRAME_BYTES = 14;

export interface PortStats {
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  droppedLoss: number;
  droppedQueue: number;
  droppedPartition: number;
  droppedMalformed: number;
  duplicated: number;
  corrupted: number;
}

export interface Delivery {
  atNs: number;
  from: string;
  to: string;
  lenBytes: number;
  /** FNV-1a of the delivered bytes, so traces compare content without holding it. */
  hash: number;
}

export class HubPort {
  readonly stats: PortStats = { txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, droppedLoss: 0, droppedQueue: 0, droppedPartition: 0, droppedMalformed: 0, duplicated: 0, corrupted: 0 };

  constructor(
    readonly name: string,
    private readonly hub: EthernetHub,
    readonly sink: FrameSink,
    readonly faults: FaultInjector,
  ) {}

  /** Hands a frame to the hub; the caller may reuse its buffer afterwards. */
  send(frame: Uint8Array): void {
    this.hub.transmit(this, frame);
  }
}

export interface HubOptions {
  latencyNs?: number;
}

export class EthernetHub {
  readonly latencyNs: number;
  private readonly ports: HubPort[] = [];
  private readonly taps: FrameTap[] = [];
  private readonly cuts = new Set<string>();
  private healEvent: EventHandle | null = null;
  /** Listeners for every delivery (tests compare traces; the scenario engine can log them). */
  readonly deliveryListeners: Array<(d: Delivery) => void> = [];

  constructor(
    readonly name: string,
    private readonly sched: EventScheduler,
    private readonly prng: Prng,
    opts: HubOptions = {},
  ) {
    this.latencyNs = opts.latencyNs ?? 10_000;
  }

  attach(name: string, sink: FrameSink): HubPort {
    if (this.ports.some((p) => p.name === name)) throw new Error(`hub ${this.name}: port "${name}" already attached`);
    const port = new HubPort(name, this, sink, new FaultInjector(this.prng.fork(`hub:${this.name}:${name}`)));
    this.ports.push(port);
    return port;
  }

  port(name: string): HubPort | undefined {
    return this.ports.find((p) => p.name === name);
  }

  addTap(tap: FrameTap): void {
    this.taps.push(tap);
  }

  /** Sets faults on frames sent from `portName`; returns an error message on bad input. */
  setFaults(portName: string, f: Partial<FaultConfig>): string | null {
    const p = this.port(portName);
    return p ? p.faults.set(f) : `hub ${this.name}: no port "${portName}"`;
  }

  clearFaults(portName: string): string | null {
    const p = this.port(portName);
    if (!p) return `hub ${this.name}: no port "${portName}"`;
    p.faults.clear();
    return null;
  }

  /** Cuts every path between side A and side B; heals by itself after healAfterNs if given. */
  partition(sideA: readonly string[], sideB: readonly string[], healAfterNs?: number): string | null {
    const unknown = [...sideA, ...sideB].find((n) => !this.port(n));
    if (unknown !== undefined) return `hub ${this.name}: no port "${unknown}"`;
    for (const a of sideA) for (const b of sideB) {
      this.cuts.add(cutKey(a, b));
      this.cuts.add(cutKey(b, a));
    }
    if (healAfterNs !== undefined) {
      if (this.healEvent) this.sched.cancel(this.healEvent);
      this.healEvent = this.sched.scheduleAfter(healAfterNs, () => this.heal(), `hub:${this.name}:heal`);
    }
    return null;
  }

  heal(): void {
    this.cuts.clear();
    if (this.healEvent) this.sched.cancel(this.healEvent);
    this.healEvent = null;
  }

  isCut(from: string, to: string): boolean {
    return this.cuts.has(cutKey(from, to));
  }

  /** @internal: HubPort.send. */
  transmit(from: HubPort, frame: Uint8Array): void {
    if (frame.length < MIN_FRAME_BYTES || frame.length > MAX_FRAME_BYTES) {
      from.stats.droppedMalformed++;
      return;
    }
    const copy = frame.slice();
    const now = this.sched.now;
    from.stats.txFrames++;
    from.stats.txBytes += copy.length;
    for (const t of this.taps) t(now, copy, from.name);
    const fate = from.faults.decide(copy.length, now);
    if (fate.kind === 'drop') {
      if (fate.reason === 'loss') from.stats.droppedLoss++;
      else from.stats.droppedQueue++;
      return;
    }
    if (fate.copies.length > 1) from.stats.duplicated++;
    for (const c of fate.copies) {
      const bytes = c.flipBit === null ? copy : flipBit(copy, c.flipBit);
      if (c.flipBit !== null) from.stats.corrupted++;
      for (const to of this.ports) {
        if (to === from) continue;
        this.sched.scheduleAfter(this.latencyNs + c.delayNs, () => this.deliver(from, to, bytes), `hub:${this.name}:${from.name}>${to.name}`);
      }
    }
  }

  private deliver(from: HubPort, to: HubPort, frame: Uint8Array): void {
    // A partition is checked on arrival, so frames in flight when it starts are lost too.
    if (this.isCut(from.name, to.name)) {
      from.stats.droppedPartition++;
      return;
    }
    to.stats.rxFrames++;
    to.stats.rxBytes += frame.length;
    if (this.deliveryListeners.length > 0) {
      const d: Delivery = { atNs: this.sched.now, from: from.name, to: to.name, lenBytes: frame.length, hash: fnv1a(frame) };
      for (const l of this.deliveryListeners) l(d);
    }
    to.sink(frame);
  }
}

function cutKey(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

function flipBit(frame: Uint8Array, bit: number): Uint8Array {
  const out = frame.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

export function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

/** Two endpoints on their own hub: the common case of one NIC and one network. */
export function pointToPoint(sched: EventScheduler, prng: Prng, name: string, a: { name: string; sink: FrameSink }, b: { name: string; sink: FrameSink }, opts: HubOptions = {}): { hub: EthernetHub; a: HubPort; b: HubPort } {
  const hub = new EthernetHub(name, sched, prng, opts);
  return { hub, a: hub.attach(a.name, a.sink), b: hub.attach(b.name, b.sink) };
}
