// A split virtqueue, driver side (virtio 1.1 §2.6), in guest RAM frames from the kernel's
// frame allocator: descriptor table, available ring and used ring each in its own 4 KiB frame
// (a queue of at most 256 entries fits). The driver publishes one chain at a time and polls
// the used ring; a queue made with `interrupts: false` sets VIRTQ_AVAIL_F_NO_INTERRUPT.

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import type { QueueAddrs } from './transport';

export const VIRTQ_DESC_F_NEXT = 1, VIRTQ_DESC_F_WRITE = 2;
const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
export const MAX_QUEUE_ENTRIES = 256;

export interface Segment {
  addr: number;
  lenBytes: number;
  /** Device-writable (the device fills it). */
  write: boolean;
}

export interface UsedElem {
  id: number;
  lenBytes: number;
}

export class DriverQueue {
  private availIdx = 0;
  private lastUsed = 0;

  private constructor(
    private readonly ram: GuestRam,
    readonly sizeEntries: number,
    readonly addrs: QueueAddrs,
    interrupts: boolean,
  ) {
    ram.write16(addrs.availAddr, interrupts ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
  }

  /** A queue of `sizeEntries` (a power of two ≤ 256) in three fresh frames, or undefined without memory. */
  static create(ram: GuestRam, allocFrame: () => number | undefined, sizeEntries: number, interrupts = true): DriverQueue | undefined {
    if (sizeEntries < 1 || sizeEntries > MAX_QUEUE_ENTRIES || (sizeEntries & (sizeEntries - 1)) !== 0) return undefined;
    const descAddr = allocFrame(), availAddr = allocFrame(), usedAddr = allocFrame();
    if (descAddr === undefined || availAddr === undefined || usedAddr === undefined) return undefined;
    return new DriverQueue(ram, sizeEntries, { descAddr, availAddr, usedAddr }, interrupts);
  }

  /** Writes `chain` into descriptors 0..n-1 and makes it available; false if it does not fit. */
  publish(chain: readonly Segment[]): boolean {
    if (chain.length === 0 || chain.length > this.sizeEntries) return false;
    const { descAddr, availAddr } = this.addrs;
    chain.forEach((s, i) => {
      const d = descAddr + i * 16;
      this.ram.write64(d, BigInt(s.addr));
      this.ram.write32(d + 8, s.lenBytes);
      const last = i === chain.length - 1;
      this.ram.write16(d + 12, (last ? 0 : VIRTQ_DESC_F_NEXT) | (s.write ? VIRTQ_DESC_F_WRITE : 0));
      this.ram.write16(d + 14, last ? 0 : i + 1);
    });
    this.ram.write16(availAddr + 4 + 2 * (this.availIdx % this.sizeEntries), 0);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.ram.write16(availAddr + 2, this.availIdx);
    return true;
  }

  /** The next used element, if the device has returned one. */
  takeUsed(): UsedElem | undefined {
    const usedIdx = this.ram.read16(this.addrs.usedAddr + 2);
    if (usedIdx === this.lastUsed) return undefined;
    const e = this.addrs.usedAddr + 4 + 8 * (this.lastUsed % this.sizeEntries);
    this.lastUsed = (this.lastUsed + 1) & 0xffff;
    return { id: this.ram.read32(e), lenBytes: this.ram.read32(e + 4) };
  }
}
