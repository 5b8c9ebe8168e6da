// Fault injection for one direction of a link, smoltcp-style: a wrapper that decides each frame's
// fate from its own Prng fork. Every frame draws the same six numbers whatever is enabled, so
// switching one fault on or off never shifts the randomness another fault sees.
//
// Bandwidth is modelled as a FIFO egress queue: a frame waits for the frames ahead of it, then
// takes lenBytes*8/bandwidth to serialise; a frame arriving at a queue already holding
// queueLimitFrames is tail-dropped.

import type { Prng, PrngState } from '../../emulator/random/prng';

export interface FaultConfig {
  /** Probability in [0, 1] that a frame is lost. */
  lossRate: number;
  /** Probability that a frame is delivered twice. */
  duplicateRate: number;
  /** Probability that a frame is held back by reorderDelayNs so later frames overtake it. */
  reorderRate: number;
  reorderDelayNs: number;
  /** Extra one-way delay on every frame, plus a uniform jitter in [0, jitterNs). */
  delayNs: number;
  jitterNs: number;
  /** Probability that a frame arrives with one bit flipped. */
  corruptRate: number;
  /** Serialisation rate; 0 means unlimited (and no queue). */
  bandwidthBitsPerSec: number;
  queueLimitFrames: number;
}

export const NO_FAULTS: Readonly<FaultConfig> = {
  lossRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderDelayNs: 0,
  delayNs: 0,
  jitterNs: 0,
  corruptRate: 0,
  bandwidthBitsPerSec: 0,
  queueLimitFrames: 64,
};

const RATE_KEYS = ['lossRate', 'duplicateRate', 'reorderRate', 'corruptRate'] as const;
const NS_KEYS = ['reorderDelayNs', 'delayNs', 'jitterNs', 'bandwidthBitsPerSec'] as const;

/** An error message naming the bad field, or null when the settings are usable. */
export function checkFaults(f: Partial<FaultConfig>): string | null {
  for (const k of RATE_KEYS) {
    const v = f[k];
    if (v !== undefined && !(v >= 0 && v <= 1)) return `${k} must be in [0, 1], got ${v}`;
  }
  for (const k of NS_KEYS) {
    const v = f[k];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) return `${k} must be a finite number >= 0, got ${v}`;
  }
  const q = f.queueLimitFrames;
  if (q !== undefined && !(Number.isInteger(q) && q >= 1 && q <= 1 << 20)) return `queueLimitFrames must be an integer in [1, 1048576], got ${q}`;
  return null;
}

export type FrameFate =
  | { kind: 'drop'; reason: 'loss' | 'queue' }
  | { kind: 'deliver'; copies: Array<{ delayNs: number; flipBit: number | null }> };

export interface FaultInjectorState {
  config: FaultConfig;
  prng: PrngState;
  departuresNs: number[];
}

export class FaultInjector {
  private cfg: FaultConfig = { ...NO_FAULTS };
  /** Departure times of frames still in the egress queue, oldest first. */
  private departuresNs: number[] = [];

  constructor(private prng: Prng) {}

  get config(): Readonly<FaultConfig> {
    return this.cfg;
  }

  /** Changes some settings; returns an error (and changes nothing) if any is out of range. */
  set(f: Partial<FaultConfig>): string | null {
    const err = checkFaults(f);
    if (err) return err;
    this.cfg = { ...this.cfg, ...f };
    return null;
  }

  clear(): void {
    this.cfg = { ...NO_FAULTS };
    this.departuresNs = [];
  }

  /** The fate of a frame of lenBytes handed to the link at nowNs. */
  decide(lenBytes: number, nowNs: number): FrameFate {
    const c = this.cfg;
    const [loss, dup, reorder, jitter, corrupt, bit] = [0, 0, 0, 0, 0, 0].map(() => this.prng.nextFloat());
    const queueDelayNs = this.queue(lenBytes, nowNs);
    if (queueDelayNs === null) return { kind: 'drop', reason: 'queue' };
    if (loss < c.lossRate) return { kind: 'drop', reason: 'loss' };
    let delayNs = queueDelayNs + c.delayNs + Math.floor(jitter * c.jitterNs);
    if (reorder < c.reorderRate) delayNs += c.reorderDelayNs;
    const flipBit = corrupt < c.corruptRate && lenBytes > 0 ? Math.floor(bit * lenBytes * 8) : null;
    const copies = [{ delayNs, flipBit }];
    if (dup < c.duplicateRate) copies.push({ delayNs: delayNs + 1, flipBit });
    return { kind: 'deliver', copies };
  }

  /** Time until the frame has left the egress queue, or null when the queue is full. */
  private queue(lenBytes: number, nowNs: number): number | null {
    const bps = this.cfg.bandwidthBitsPerSec;
    if (bps <= 0) return 0;
    while (this.departuresNs.length > 0 && this.departuresNs[0] <= nowNs) this.departuresNs.shift();
    if (this.departuresNs.length >= this.cfg.queueLimitFrames) return null;
    const startNs = this.departuresNs.length > 0 ? this.departuresNs[this.departuresNs.length - 1] : nowNs;
    const doneNs = startNs + Math.ceil((lenBytes * 8 * 1e9) / bps);
    this.departuresNs.push(doneNs);
    return doneNs - nowNs;
  }

  save(): FaultInjectorState {
    return { config: { ...this.cfg }, prng: this.prng.save(), departuresNs: [...this.departuresNs] };
  }

  restore(s: FaultInjectorState, restorePrng: (p: PrngState) => Prng): void {
    this.cfg = { ...s.config };
    this.prng = restorePrng(s.prng);
    this.departuresNs = [...s.departuresNs];
  }
}
