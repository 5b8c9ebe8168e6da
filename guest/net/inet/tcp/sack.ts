// The sender's SACK scoreboard (RFC 2018 blocks as RFC 6675 keeps them): sorted, merged
// [left, right) ranges the peer holds above SND.UNA. Simplification of RFC 6675's IsLost: every
// un-SACKed byte below the highest SACKed one is a hole to retransmit.

import { seqDiff, seqGt, seqLe, seqLt, seqMax, seqMin } from './seq';

export interface SackRange {
  left: number;
  right: number;
}

export class SackScoreboard {
  private ranges: SackRange[] = [];

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** The highest SACKed sequence number (exclusive), or `fallback` when nothing is SACKed. */
  top(fallback: number): number {
    return this.ranges.length > 0 ? this.ranges[this.ranges.length - 1].right : fallback;
  }

  /** Adds the peer's blocks, ignoring any outside (sndUna, sndMax]. */
  note(blocks: ReadonlyArray<SackRange>, sndUna: number, sndMax: number): void {
    for (const b of blocks) {
      if (!seqGt(b.left, sndUna) || !seqLe(b.right, sndMax) || !seqLt(b.left, b.right)) continue;
      this.ranges.push({ left: b.left, right: b.right });
    }
    this.ranges.sort((x, y) => seqDiff(x.left, y.left));
    const merged: SackRange[] = [];
    for (const b of this.ranges) {
      const last = merged[merged.length - 1];
      if (last && seqLe(b.left, last.right)) last.right = seqMax(last.right, b.right);
      else merged.push({ ...b });
    }
    this.ranges = merged;
  }

  /** Forgets what the cumulative ACK now covers. */
  prune(sndUna: number): void {
    this.ranges = this.ranges.filter((b) => seqGt(b.right, sndUna)).map((b) => (seqLt(b.left, sndUna) ? { left: sndUna, right: b.right } : b));
  }

  clear(): void {
    this.ranges = [];
  }

  totalBytes(): number {
    return this.ranges.reduce((n, b) => n + seqDiff(b.right, b.left), 0);
  }

  /** SACKed bytes below `seq`. */
  bytesBelow(seq: number): number {
    let n = 0;
    for (const b of this.ranges) {
      if (!seqLt(b.left, seq)) break;
      n += seqDiff(seqMin(b.right, seq), b.left);
    }
    return n;
  }

  /** Bytes from `seq` to the next SACKed range (a large number when none follows). */
  untilNext(seq: number): number {
    const next = this.ranges.find((b) => seqGt(b.left, seq));
    return next ? seqDiff(next.left, seq) : 0x7fffffff;
  }

  /** The end of the SACKed range holding `seq`, or null. */
  rangeEndAt(seq: number): number | null {
    const b = this.ranges.find((x) => seqLe(x.left, seq) && seqLt(seq, x.right));
    return b ? b.right : null;
  }

  /** The first un-SACKed sequence number at or after `from`. */
  firstHoleFrom(from: number): number {
    let s = from;
    for (const b of this.ranges) {
      if (seqLt(s, b.left)) break;
      if (seqLt(s, b.right)) s = b.right;
    }
    return s;
  }
}
