// Wall-clock pacing for `twinbox console` on a terminal (host side: it reads the clock).

/** How far virtual time may run ahead of the wall clock on a terminal before the console sleeps. */
export const PACE_SLACK_MS = 20;

/**
 * On a terminal the guest runs at wall-clock pace, as under QEMU: `sleep 5` takes five
 * seconds, and a guest waiting for keys with a timer ticking does not race ahead. The anchor
 * moves when the guest has waited for input (no virtual time passed) or rebooted (clock reset).
 */
export class Pacer {
  private anchorNs: number;
  private anchorMs = Date.now();

  constructor(nowNs: number) {
    this.anchorNs = nowNs;
  }

  resync(nowNs: number): void {
    this.anchorNs = nowNs;
    this.anchorMs = Date.now();
  }

  /** The virtual time the guest may run to now. */
  allowedNs(nowNs: number): number {
    if (nowNs < this.anchorNs) this.resync(nowNs);
    return this.anchorNs + (Date.now() - this.anchorMs + PACE_SLACK_MS) * 1e6;
  }
}

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
