// Physical page frames: the RAM above the kernel's reserved low region, handed out one
// 4 KiB frame at a time (bump pointer, then a free list). A frame is zeroed when it is
// handed out, so no process ever sees another's old data.

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import { PAGE_SIZE } from '../../../emulator/memory/guest-ram';

/** Low RAM the "kernel image", its page tables and its heap would occupy. */
export const KERNEL_RESERVED_BYTES = 16 * 1024 * 1024;

export class FrameAllocator {
  private nextFresh: number;
  private readonly free: number[] = [];
  private usedFrames = 0;

  constructor(private readonly ram: GuestRam) {
    this.nextFresh = ram.baseAddr + Math.min(KERNEL_RESERVED_BYTES, ram.sizeBytes / 4);
    this.nextFresh -= this.nextFresh % PAGE_SIZE;
  }

  get totalFrames(): number {
    return Math.floor(this.ram.sizeBytes / PAGE_SIZE);
  }

  get freeFrames(): number {
    return Math.floor((this.ram.endAddr - this.nextFresh) / PAGE_SIZE) + this.free.length;
  }

  get used(): number {
    return this.usedFrames;
  }

  /** Physical address of a zeroed frame, or undefined when RAM is exhausted. */
  alloc(): number | undefined {
    let paddr = this.free.pop();
    if (paddr === undefined) {
      if (this.nextFresh + PAGE_SIZE > this.ram.endAddr) return undefined;
      paddr = this.nextFresh;
      this.nextFresh += PAGE_SIZE;
    }
    this.ram.pageFor(paddr).fill(0);
    this.usedFrames++;
    return paddr;
  }

  release(paddr: number): void {
    this.free.push(paddr);
    this.usedFrames--;
  }

  /** The bytes of a frame (for fast access by the address space). */
  page(paddr: number): Uint8Array {
    return this.ram.pageFor(paddr);
  }
}
