// A service-time model for virtio-blk requests: each request takes a fixed latency plus its
// bytes at the disk's bandwidth, requests are served one after another (a single queue, as one
// spindle or one flash channel), and completion is a scheduler event at the modelled time.

export interface BlkTimingParams {
  /** Per-request latency (seek / command overhead), ns. */
  latencyNs: number;
  /** Transfer rate; Infinity for none. */
  bytesPerSec: number;
}

export interface BlkClock {
  nowNs(): number;
  /** Runs `fn` at absolute virtual time `atNs`. */
  at(atNs: number, fn: () => void): void;
}

/** How long one request of `bytes` occupies the device. */
export function serviceTimeNs(p: BlkTimingParams, bytes: number): number {
  const transfer = Number.isFinite(p.bytesPerSec) && p.bytesPerSec > 0 ? Math.ceil((bytes * 1e9) / p.bytesPerSec) : 0;
  return Math.max(0, Math.round(p.latencyNs)) + transfer;
}

/** `x-latency-us=N,x-bandwidth-mbps=M` of a -device: the model, undefined when neither is given; an error string when malformed. */
export function timingFromProps(props: Readonly<Record<string, string>>): BlkTimingParams | undefined | string {
  const lat = props['x-latency-us'], bw = props['x-bandwidth-mbps'];
  if (lat === undefined && bw === undefined) return undefined;
  const latencyUs = lat === undefined ? 0 : Number(lat);
  const mbps = bw === undefined ? Infinity : Number(bw);
  if (!(latencyUs >= 0) || !Number.isFinite(latencyUs)) return `x-latency-us=${lat}: expected microseconds >= 0`;
  if (!(mbps > 0)) return `x-bandwidth-mbps=${bw}: expected MB/s > 0`;
  return { latencyNs: latencyUs * 1000, bytesPerSec: mbps * 1e6 };
}

/** The device's queue of busy time: when the next request would complete if it started now. */
export class BlkServiceQueue {
  private busyUntilNs = 0;

  constructor(
    readonly params: BlkTimingParams,
    private readonly clock: BlkClock,
  ) {}

  /** Schedules `complete` when a request of `bytes` submitted now finishes; returns that time. */
  submit(bytes: number, complete: () => void): number {
    const start = Math.max(this.clock.nowNs(), this.busyUntilNs);
    const done = start + serviceTimeNs(this.params, bytes);
    this.busyUntilNs = done;
    this.clock.at(done, complete);
    return done;
  }
}
