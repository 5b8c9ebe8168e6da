// IPv4 fragmentation on send (RFC 791: data split at multiples of 8 bytes to fit the MTU) and
// reassembly on receive, keyed by (src, dst, protocol, ident), with Linux's 30 s timeout. Holes,
// overlaps and oversize datagrams are handled without throwing: a broken set is dropped and counted.

import type { EventHandle, EventScheduler } from '../../../emulator/time/scheduler';
import { IPV4, type Ipv4Repr } from '../wire/ipv4';

/** net.ipv4.ipfrag_time */
export const REASSEMBLY_TIMEOUT_NS = 30_000_000_000;
const MAX_DATAGRAM_BYTES = 65535;
const MAX_PENDING_SETS = 64;

/** Splits a datagram whose header+payload exceed `mtuBytes` into fragments (none when it fits). */
export function fragmentIpv4(r: Ipv4Repr, mtuBytes: number): Ipv4Repr[] {
  const headerBytes = IPV4.minHeaderBytes + r.options.length;
  if (headerBytes + r.payload.length <= mtuBytes) return [r];
  const chunk = Math.floor((mtuBytes - headerBytes) / 8) * 8;
  if (chunk <= 0) return [];
  const out: Ipv4Repr[] = [];
  for (let off = 0; off < r.payload.length; off += chunk) {
    const end = Math.min(r.payload.length, off + chunk);
    out.push({ ...r, fragmentOffsetBytes: r.fragmentOffsetBytes + off, moreFragments: end < r.payload.length || r.moreFragments, payload: r.payload.subarray(off, end) });
  }
  return out;
}

interface FragSet {
  first: Ipv4Repr | null;
  pieces: Array<{ off: number; data: Uint8Array }>;
  totalBytes: number | null;
  timer: EventHandle;
}

export class Reassembler {
  private readonly sets = new Map<string, FragSet>();
  /** Datagrams given up on (timeout, overflow, inconsistent lengths): ReasmFails. */
  failures = 0;

  constructor(private readonly sched: EventScheduler, private readonly onTimeout: (first: Ipv4Repr | null) => void = () => {}) {}

  /** Returns the whole datagram once every byte is there, else null. */
  add(f: Ipv4Repr): Ipv4Repr | null {
    const k = `${f.src}/${f.dst}/${f.protocol}/${f.ident}`;
    let s = this.sets.get(k);
    if (!s) {
      if (this.sets.size >= MAX_PENDING_SETS) {
        this.failures++;
        return null;
      }
      s = { first: null, pieces: [], totalBytes: null, timer: this.sched.scheduleAfter(REASSEMBLY_TIMEOUT_NS, () => this.expire(k), 'ip:reasm') };
      this.sets.set(k, s);
    }
    const end = f.fragmentOffsetBytes + f.payload.length;
    if (end > MAX_DATAGRAM_BYTES || (!f.moreFragments && s.totalBytes !== null && s.totalBytes !== end)) return this.drop(k, s);
    if (!f.moreFragments) s.totalBytes = end;
    if (f.fragmentOffsetBytes === 0) s.first = f;
    s.pieces.push({ off: f.fragmentOffsetBytes, data: f.payload.slice() });
    return s.totalBytes === null ? null : this.tryComplete(k, s, s.totalBytes);
  }

  private tryComplete(k: string, s: FragSet, total: number): Ipv4Repr | null {
    if (s.first === null) return null;
    const sorted = [...s.pieces].sort((a, b) => a.off - b.off);
    let covered = 0;
    for (const p of sorted) {
      if (p.off > covered) return null;
      covered = Math.max(covered, p.off + p.data.length);
    }
    if (covered < total) return null;
    const payload = new Uint8Array(total);
    // Later pieces win on overlap, as the arrival order left them.
    for (const p of s.pieces) payload.set(p.data.subarray(0, Math.max(0, total - p.off)), p.off);
    this.sched.cancel(s.timer);
    this.sets.delete(k);
    return { ...s.first, moreFragments: false, fragmentOffsetBytes: 0, payload };
  }

  private drop(k: string, s: FragSet): null {
    this.sched.cancel(s.timer);
    this.sets.delete(k);
    this.failures++;
    return null;
  }

  private expire(k: string): void {
    const s = this.sets.get(k);
    if (!s) return;
    this.sets.delete(k);
    this.failures++;
    this.onTimeout(s.first);
  }

  get pending(): number {
    return this.sets.size;
  }
}
