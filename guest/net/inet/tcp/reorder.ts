// Out-of-order segments held until the hole before them fills (RFC 9293 §3.10.7.4: "segments with
// higher beginning sequence numbers may be held for later processing"). Held ranges are sorted and
// never overlap: a new segment keeps only the bytes nobody holds yet. An early FIN is remembered
// by its sequence number.

import { seqAdd, seqDiff, seqGt, seqLe, seqLt } from './seq';

interface Held {
  seq: number;
  data: Uint8Array;
}

export class ReorderBuffer {
  private held: Held[] = [];
  private bytes = 0;
  private finSeq: number | null = null;

  get heldBytes(): number {
    return this.bytes;
  }

  get isEmpty(): boolean {
    return this.held.length === 0 && this.finSeq === null;
  }

  /** Stores a segment starting after rcvNxt (the caller trimmed it to the window). */
  add(seq: number, data: Uint8Array, fin: boolean): void {
    if (fin) this.finSeq = seqAdd(seq, data.length);
    let pieces: Held[] = data.length > 0 ? [{ seq, data }] : [];
    for (const h of this.held) {
      const hEnd = seqAdd(h.seq, h.data.length);
      pieces = pieces.flatMap((p) => subtract(p, h.seq, hEnd));
    }
    for (const p of pieces) {
      this.held.push({ seq: p.seq, data: p.data.slice() });
      this.bytes += p.data.length;
    }
    this.held.sort((a, b) => seqDiff(a.seq, b.seq));
  }

  /** Removes and returns what now continues rcvNxt, in order. */
  takeFrom(rcvNxt: number): { data: Uint8Array[]; fin: boolean; next: number } {
    const out: Uint8Array[] = [];
    let next = rcvNxt;
    while (this.held.length > 0 && seqLe(this.held[0].seq, next)) {
      const h = this.held.shift()!;
      this.bytes -= h.data.length;
      const skip = seqDiff(next, h.seq);
      if (skip < h.data.length) {
        out.push(h.data.subarray(skip));
        next = seqAdd(h.seq, h.data.length);
      }
    }
    const fin = this.finSeq !== null && this.finSeq === next;
    if (fin) this.finSeq = null;
    return { data: out, fin, next };
  }

  /**
   * SACK blocks (RFC 2018 §4) for what is held: contiguous ranges, the one holding `recentSeq`
   * (the latest arrival) first, at most `max`.
   */
  sackBlocks(recentSeq: number, max: number): Array<{ left: number; right: number }> {
    const blocks: Array<{ left: number; right: number }> = [];
    for (const h of this.held) {
      const end = seqAdd(h.seq, h.data.length);
      const last = blocks[blocks.length - 1];
      if (last && last.right === h.seq) last.right = end;
      else blocks.push({ left: h.seq, right: end });
    }
    const i = blocks.findIndex((b) => seqLe(b.left, recentSeq) && seqLt(recentSeq, b.right));
    if (i > 0) blocks.unshift(...blocks.splice(i, 1));
    return blocks.slice(0, max);
  }

  clear(): void {
    this.held = [];
    this.bytes = 0;
    this.finSeq = null;
  }
}

/** The parts of `p` outside [start, end). */
function subtract(p: Held, start: number, end: number): Held[] {
  const pEnd = seqAdd(p.seq, p.data.length);
  if (seqLe(pEnd, start) || seqLe(end, p.seq)) return [p];
  const out: Held[] = [];
  if (seqLt(p.seq, start)) out.push({ seq: p.seq, data: p.data.subarray(0, seqDiff(start, p.seq)) });
  if (seqGt(pEnd, end)) out.push({ seq: end, data: p.data.subarray(seqDiff(end, p.seq)) });
  return out;
}
