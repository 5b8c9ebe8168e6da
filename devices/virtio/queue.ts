// The split virtqueue (virtio 1.1 §2.6), device side, written once for every device.
//
// Layout in guest memory, all little-endian:
//   descriptor table: 16 bytes each {le64 addr, le32 len, le16 flags, le16 next}, align 16
//   available ring:   {le16 flags, le16 idx, le16 ring[size], le16 used_event}, align 2
//   used ring:        {le16 flags, le16 idx, {le32 id, le32 len}[size], le16 avail_event}, align 4
// Indices are free-running 16-bit counters. The guest is hostile: every chain is bounded by
// the queue (or indirect table) size, every buffer is checked against guest RAM, and any
// violation comes back as a QueueFault value that the transport turns into DEVICE_NEEDS_RESET.

import type { GuestRam } from '../../emulator/memory/guest-ram';
import {
  MAX_QUEUE_SIZE,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from './constants';

export const DESC_SIZE_BYTES = 16;

export interface Segment {
  readonly addr: number;
  readonly len: number;
}

/** One popped request: device-readable segments first, then device-writable ones. */
export interface DescriptorChain {
  readonly head: number;
  readonly readable: readonly Segment[];
  readonly writable: readonly Segment[];
  readonly readableBytes: number;
  readonly writableBytes: number;
}

export interface QueueFault {
  readonly fault: string;
}

export interface QueueAddresses {
  readonly size: number;
  readonly descAddr: number;
  readonly availAddr: number;
  readonly usedAddr: number;
}

export interface QueueState extends QueueAddresses {
  lastAvailIdx: number;
  usedIdx: number;
  signalledUsedIdx: number;
}

export interface QueueFeatures {
  readonly indirect: boolean;
  readonly eventIdx: boolean;
}

interface RawDesc {
  addr: number;
  len: number;
  flags: number;
  next: number;
}

export function isQueueFault(x: unknown): x is QueueFault {
  return typeof x === 'object' && x !== null && 'fault' in x;
}

/** Checks a driver-chosen ring layout before the queue is used; null when it is sound. */
export function checkQueueLayout(ram: GuestRam, q: QueueAddresses): QueueFault | null {
  const { size } = q;
  if (size < 1 || size > MAX_QUEUE_SIZE || (size & (size - 1)) !== 0) return { fault: `queue size ${size} is not a power of 2 up to 32768` };
  if (q.descAddr % 16 !== 0 || q.availAddr % 2 !== 0 || q.usedAddr % 4 !== 0) return { fault: 'misaligned ring address' };
  if (!ram.contains(q.descAddr, DESC_SIZE_BYTES * size)) return { fault: 'descriptor table outside guest RAM' };
  if (!ram.contains(q.availAddr, 6 + 2 * size)) return { fault: 'available ring outside guest RAM' };
  if (!ram.contains(q.usedAddr, 6 + 8 * size)) return { fault: 'used ring outside guest RAM' };
  return null;
}

export class SplitQueue {
  private readonly s: QueueState;

  constructor(
    private readonly ram: GuestRam,
    addrs: QueueAddresses,
    private readonly features: QueueFeatures,
    saved?: QueueState,
  ) {
    this.s = saved ? { ...saved } : { ...addrs, lastAvailIdx: 0, usedIdx: 0, signalledUsedIdx: 0 };
  }

  get size(): number {
    return this.s.size;
  }

  save(): QueueState {
    return { ...this.s };
  }

  /** Requests the driver has published and the device has not yet taken. */
  pending(): number {
    return (this.availIdx() - this.s.lastAvailIdx) & 0xffff;
  }

  /** The next request, undefined when the ring is empty, or a fault. */
  pop(): DescriptorChain | QueueFault | undefined {
    const waiting = this.pending();
    if (waiting === 0) return undefined;
    if (waiting > this.s.size) return { fault: `available index moved ${waiting} past a queue of ${this.s.size}` };
    const head = this.ram.read16(this.s.availAddr + 4 + 2 * (this.s.lastAvailIdx % this.s.size));
    this.s.lastAvailIdx = (this.s.lastAvailIdx + 1) & 0xffff;
    if (this.features.eventIdx) this.ram.write16(this.s.usedAddr + 4 + 8 * this.s.size, this.s.lastAvailIdx);
    return this.walk(head);
  }

  /** Returns a finished chain to the driver; `writtenBytes` is what the device wrote into it. */
  pushUsed(head: number, writtenBytes: number): void {
    const slot = this.s.usedAddr + 4 + 8 * (this.s.usedIdx % this.s.size);
    this.ram.write32(slot, head);
    this.ram.write32(slot + 4, writtenBytes >>> 0);
    // The element must be visible before the index that publishes it.
    this.s.usedIdx = (this.s.usedIdx + 1) & 0xffff;
    this.ram.write16(this.s.usedAddr + 2, this.s.usedIdx);
  }

  /** Whether the driver wants an interrupt for the used entries pushed since the last call. */
  shouldSignal(): boolean {
    const newIdx = this.s.usedIdx;
    const oldIdx = this.s.signalledUsedIdx;
    this.s.signalledUsedIdx = newIdx;
    if (newIdx === oldIdx) return false;
    if (!this.features.eventIdx) return (this.ram.read16(this.s.availAddr) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    const usedEvent = this.ram.read16(this.s.availAddr + 4 + 2 * this.s.size);
    return vringNeedEvent(usedEvent, newIdx, oldIdx);
  }

  private availIdx(): number {
    return this.ram.read16(this.s.availAddr + 2);
  }

  private readDesc(tableAddr: number, index: number): RawDesc {
    const a = tableAddr + DESC_SIZE_BYTES * index;
    const lo = this.ram.read32(a);
    const hi = this.ram.read32(a + 4);
    return { addr: hi * 0x1_0000_0000 + lo, len: this.ram.read32(a + 8), flags: this.ram.read16(a + 12), next: this.ram.read16(a + 14) };
  }

  private walk(head: number): DescriptorChain | QueueFault {
    if (head >= this.s.size) return { fault: `chain head ${head} outside a queue of ${this.s.size}` };
    const acc = new ChainBuilder(head);
    let index = head;
    for (let count = 1; ; count++) {
      if (count > this.s.size) return { fault: 'descriptor chain longer than the queue (loop)' };
      const d = this.readDesc(this.s.descAddr, index);
      if (d.flags & VIRTQ_DESC_F_INDIRECT) {
        const err = this.walkIndirect(d, acc);
        if (err) return err;
      } else {
        const err = acc.add(this.ram, d);
        if (err) return err;
      }
      if (!(d.flags & VIRTQ_DESC_F_NEXT)) return acc.finish();
      if (d.next >= this.s.size) return { fault: `next index ${d.next} outside the queue` };
      index = d.next;
    }
  }

  private walkIndirect(d: RawDesc, acc: ChainBuilder): QueueFault | null {
    if (!this.features.indirect) return { fault: 'indirect descriptor without VIRTIO_F_RING_INDIRECT_DESC' };
    if (d.flags & VIRTQ_DESC_F_NEXT) return { fault: 'indirect descriptor with NEXT set' };
    if (d.len === 0 || d.len % DESC_SIZE_BYTES !== 0) return { fault: `indirect table length ${d.len}` };
    const n = d.len / DESC_SIZE_BYTES;
    if (n > MAX_QUEUE_SIZE || !this.ram.contains(d.addr, d.len)) return { fault: 'indirect table outside guest RAM' };
    let index = 0;
    for (let count = 1; ; count++) {
      if (count > n) return { fault: 'indirect chain longer than its table (loop)' };
      const e = this.readDesc(d.addr, index);
      if (e.flags & VIRTQ_DESC_F_INDIRECT) return { fault: 'nested indirect descriptor' };
      const err = acc.add(this.ram, e);
      if (err) return err;
      if (!(e.flags & VIRTQ_DESC_F_NEXT)) return null;
      if (e.next >= n) return { fault: `indirect next ${e.next} outside a table of ${n}` };
      index = e.next;
    }
  }
}

class ChainBuilder {
  readonly readable: Segment[] = [];
  readonly writable: Segment[] = [];
  readableBytes = 0;
  writableBytes = 0;

  constructor(readonly head: number) {}

  add(ram: GuestRam, d: RawDesc): QueueFault | null {
    if (!ram.contains(d.addr, d.len)) return { fault: `buffer 0x${d.addr.toString(16)}+${d.len} outside guest RAM` };
    if (d.flags & VIRTQ_DESC_F_WRITE) {
      this.writable.push({ addr: d.addr, len: d.len });
      this.writableBytes += d.len;
    } else {
      if (this.writable.length > 0) return { fault: 'device-readable descriptor after a device-writable one' };
      this.readable.push({ addr: d.addr, len: d.len });
      this.readableBytes += d.len;
    }
    return null;
  }

  finish(): DescriptorChain {
    const { head, readable, writable, readableBytes, writableBytes } = this;
    return { head, readable, writable, readableBytes, writableBytes };
  }
}

/** virtio 1.1 §2.6.7.2: signal when new_idx has moved past event_idx since old_idx. */
export function vringNeedEvent(eventIdx: number, newIdx: number, oldIdx: number): boolean {
  return ((newIdx - eventIdx - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
}

/** Copies up to `lenBytes` from a chain's readable part, starting `offset` bytes in. */
export function readChain(ram: GuestRam, segs: readonly Segment[], offset: number, lenBytes: number): Uint8Array {
  const out = new Uint8Array(lenBytes);
  let done = 0;
  let skip = offset;
  for (const s of segs) {
    if (done >= lenBytes) break;
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    const n = Math.min(s.len - skip, lenBytes - done);
    ram.readBytes(s.addr + skip, n, out.subarray(done, done + n));
    done += n;
    skip = 0;
  }
  return done === lenBytes ? out : out.subarray(0, done);
}

/** Copies `data` into a chain's writable part starting `offset` bytes in; returns bytes written. */
export function writeChain(ram: GuestRam, segs: readonly Segment[], offset: number, data: Uint8Array): number {
  let done = 0;
  let skip = offset;
  for (const s of segs) {
    if (done >= data.length) break;
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    const n = Math.min(s.len - skip, data.length - done);
    ram.writeBytes(s.addr + skip, data.subarray(done, done + n));
    done += n;
    skip = 0;
  }
  return done;
}
