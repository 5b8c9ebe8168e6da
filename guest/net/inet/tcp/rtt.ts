// Retransmission timeout per RFC 6298: SRTT/RTTVAR from samples (Karn's rule is the caller's: no
// samples from retransmitted segments), RTO = SRTT + max(G, 4·RTTVAR) with Linux's 200 ms floor
// (TCP_RTO_MIN) instead of the RFC's 1 s, 1 s initially, doubling on each timeout up to 120 s.

export const RTO_INITIAL_NS = 1_000_000_000;
export const RTO_MIN_NS = 200_000_000;
export const RTO_MAX_NS = 120_000_000_000;
/** Clock granularity G: the jiffy of a HZ=1000 kernel. */
const GRANULARITY_NS = 1_000_000;

export class RttEstimator {
  srttNs = 0;
  rttvarNs = 0;
  private baseRtoNs = RTO_INITIAL_NS;
  private backoff = 0;

  get rtoNs(): number {
    return Math.min(RTO_MAX_NS, this.baseRtoNs * 2 ** this.backoff);
  }

  get hasSample(): boolean {
    return this.srttNs > 0;
  }

  sample(rttNs: number): void {
    const r = Math.max(1, rttNs);
    if (this.srttNs === 0) {
      this.srttNs = r;
      this.rttvarNs = r / 2;
    } else {
      this.rttvarNs = 0.75 * this.rttvarNs + 0.25 * Math.abs(this.srttNs - r);
      this.srttNs = 0.875 * this.srttNs + 0.125 * r;
    }
    this.baseRtoNs = Math.max(RTO_MIN_NS, Math.round(this.srttNs + Math.max(GRANULARITY_NS, 4 * this.rttvarNs)));
    this.backoff = 0;
  }

  /** A timeout: back the timer off (5.5). */
  backOff(): void {
    if (this.baseRtoNs * 2 ** this.backoff < RTO_MAX_NS) this.backoff++;
  }

  /** New data acknowledged: RFC 6298 5.7 lets the backed-off timer return to its computed value. */
  resetBackoff(): void {
    this.backoff = 0;
  }
}
