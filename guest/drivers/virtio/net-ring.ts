// A split virtqueue for many buffers in flight (virtio 1.1 §2.6), as virtio-net needs: each
// buffer is one descriptor taken from a free list, published in the available ring, and given
// back when the device returns it in the used ring. Descriptor table, available ring and used
// ring each sit in their own 4 KiB frame (256 entries fit).

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import type { QueueAddrs } from './transport';
import { MAX_QUEUE_ENTRIES, VIRTQ_DESC_F_WRITE, type UsedElem } from './virtqueue';

const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

export class NetRing {
  private availIdx = 0;
  private lastUsed = 0;
  private readonly free: number[] = [];
  private readonly posted: Uint8Array;

  private constructor(
    private readonly ram: GuestRam,
    readonly sizeEntries: number,
    readonly addrs: QueueAddrs,
    interrupts: boolean,
  ) {
    this.posted = new Uint8Array(sizeEntries);
    for (let i = sizeEntries - 1; i >= 0; i--) this.free.push(i);
    ram.write16(addrs.availAddr, interrupts ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
  }

  static create(ram: GuestRam, allocFrame: () => number | undefined, sizeEntries: number, interrupts: boolean): NetRing | undefined {
    if (sizeEntries < 1 || sizeEntries > MAX_QUEUE_ENTRIES || (sizeEntries & (sizeEntries - 1)) !== 0) return undefined;
    const descAddr = allocFrame(), availAddr = allocFrame(), usedAddr = allocFrame();
    if (descAddr === undefined || availAddr === undefined || usedAddr === undefined) return undefined;
    return new NetRing(ram, sizeEntries, { descAddr, availAddr, usedAddr }, interrupts);
  }

  get freeCount(): number {
    return this.free.length;
  }

  /** The descriptor id the next post() will use. */
  peekFree(): number | undefined {
    return this.free[this.free.length - 1];
  }

  /** Makes one buffer available; its descriptor id, or undefined when the ring is full. */
  post(addr: number, lenBytes: number, deviceWritable: boolean): number | undefined {
    const id = this.free.pop();
    if (id === undefined) return undefined;
    this.posted[id] = 1;
    const d = this.addrs.descAddr + id * 16;
    this.ram.write64(d, BigInt(addr));
    this.ram.write32(d + 8, lenBytes);
    this.ram.write16(d + 12, deviceWritable ? VIRTQ_DESC_F_WRITE : 0);
    this.ram.write16(d + 14, 0);
    const a = this.addrs.availAddr;
    this.ram.write16(a + 4 + 2 * (this.availIdx % this.sizeEntries), id);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.ram.write16(a + 2, this.availIdx);
    return id;
  }

  /** The next buffer the device has returned (its descriptor goes back on the free list). */
  takeUsed(): UsedElem | undefined {
    const usedIdx = this.ram.read16(this.addrs.usedAddr + 2);
    if (usedIdx === this.lastUsed) return undefined;
    const e = this.addrs.usedAddr + 4 + 8 * (this.lastUsed % this.sizeEntries);
    this.lastUsed = (this.lastUsed + 1) & 0xffff;
    const id = this.ram.read32(e);
    // A device returning an id it was not given is ignored rather than corrupting the free list.
    if (id < this.sizeEntries && this.posted[id]) {
      this.posted[id] = 0;
      this.free.push(id);
    }
    return { id, lenBytes: this.ram.read32(e + 4) };
  }
}
