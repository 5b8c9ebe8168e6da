// Congestion control: slow start and congestion avoidance (RFC 5681) with NewReno fast recovery
// (RFC 6582). Windows are in bytes; the caller reports ACKs, duplicate ACKs and timeouts and asks
// what to retransmit.

import { seqGe } from './seq';

/** RFC 6928 initial window: 10 segments, as Linux. */
const INITIAL_WINDOW_SEGMENTS = 10;
const DUPACK_THRESHOLD = 3;

export class NewReno {
  cwndBytes: number;
  ssthreshBytes = 0x7fffffff;
  inRecovery = false;
  private recover = 0;
  dupAcks = 0;
  /**
   * With SACK the sender counts SACKed bytes out of flight (RFC 6675 pipe), so recovery holds
   * cwnd at ssthresh instead of inflating it per duplicate ACK.
   */
  sackPipe = false;

  constructor(private mssBytes: number) {
    this.cwndBytes = INITIAL_WINDOW_SEGMENTS * mssBytes;
  }

  setMss(mssBytes: number): void {
    this.mssBytes = mssBytes;
    this.cwndBytes = Math.max(this.cwndBytes, INITIAL_WINDOW_SEGMENTS * mssBytes);
  }

  /**
   * New data acknowledged (`ack` moved sndUna by `ackedBytes`). Returns true when the ACK was
   * partial during recovery: the caller retransmits the next unacknowledged segment.
   */
  onAck(ack: number, ackedBytes: number, flightBeforeBytes: number): boolean {
    this.dupAcks = 0;
    if (this.inRecovery) {
      if (seqGe(ack, this.recover)) {
        this.inRecovery = false;
        this.cwndBytes = Math.max(this.mssBytes, Math.min(this.ssthreshBytes, flightBeforeBytes - ackedBytes + this.mssBytes));
        return false;
      }
      // Partial ACK: deflate by what was acked, re-inflate by one segment (RFC 6582 §3.2 step 5).
      if (!this.sackPipe) this.cwndBytes = Math.max(this.mssBytes, this.cwndBytes - ackedBytes + this.mssBytes);
      return true;
    }
    if (this.cwndBytes < this.ssthreshBytes) this.cwndBytes += Math.min(ackedBytes, this.mssBytes);
    else this.cwndBytes += Math.max(1, Math.floor((this.mssBytes * this.mssBytes) / this.cwndBytes));
    return false;
  }

  /** A duplicate ACK; returns true when it triggers fast retransmit. */
  onDupAck(sndMax: number, flightBytes: number): boolean {
    this.dupAcks++;
    if (this.inRecovery) {
      if (!this.sackPipe) this.cwndBytes += this.mssBytes;
      return false;
    }
    if (this.dupAcks !== DUPACK_THRESHOLD) return false;
    this.enterRecovery(sndMax, flightBytes);
    return true;
  }

  /** Fast retransmit (RFC 5681 §3.2 steps 2–3), also entered when SACK shows a loss first. */
  enterRecovery(sndMax: number, flightBytes: number): void {
    this.ssthreshBytes = Math.max(Math.floor(flightBytes / 2), 2 * this.mssBytes);
    this.cwndBytes = this.ssthreshBytes + (this.sackPipe ? 0 : DUPACK_THRESHOLD * this.mssBytes);
    this.recover = sndMax;
    this.inRecovery = true;
  }

  /** RFC 3042 limited transmit: the first two duplicate ACKs each let one new segment out. */
  get limitedTransmitBytes(): number {
    return this.inRecovery ? 0 : Math.min(this.dupAcks, 2) * this.mssBytes;
  }

  onTimeout(flightBytes: number): void {
    this.ssthreshBytes = Math.max(Math.floor(flightBytes / 2), 2 * this.mssBytes);
    this.cwndBytes = this.mssBytes;
    this.inRecovery = false;
    this.dupAcks = 0;
  }
}
