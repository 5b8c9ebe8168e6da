// The MSI-X table and pending-bit array a function exposes through one of its BARs
// (PCI Local Bus 3.0 §6.8.2). Each 16-byte entry is {address low, address high, data,
// vector control}; vector control bit 0 masks the vector and starts set. A vector fired
// while masked sets its pending bit and is delivered when it is unmasked.

import type { AccessSize, MmioHandler } from '../bus/bus';

const ENTRY_BYTES = 16;
const CONTROL_MASKED = 1;

export interface MsiMessage { address: number; data: number }

export interface MsixSnapshot { table: Uint32Array; pending: Uint8Array }

export class MsixTable {
  private readonly table: Uint32Array;
  private readonly pending: Uint8Array;

  constructor(readonly vectors: number) {
    if (!Number.isInteger(vectors) || vectors < 1 || vectors > 2048) throw new Error(`msix: ${vectors} vectors out of range`);
    this.table = new Uint32Array(vectors * 4);
    for (let v = 0; v < vectors; v++) this.table[v * 4 + 3] = CONTROL_MASKED;
    this.pending = new Uint8Array(vectors);
  }

  /** MmioHandler over the table (16 bytes per vector). Sub-dword accesses see the dword's bytes. */
  readonly tableHandler: MmioHandler = {
    read: (offset, size) => {
      if (offset < 0 || offset + size > this.vectors * ENTRY_BYTES) return 0;
      return sliceDword(this.table[offset >>> 2], offset & 3, size);
    },
    write: (offset, size, value) => {
      if (offset < 0 || offset + size > this.vectors * ENTRY_BYTES) return;
      const i = offset >>> 2;
      this.table[i] = mergeDword(this.table[i], offset & 3, size, value);
      if ((i & 3) === 3) this.onUnmask?.(i >>> 2);
    },
  };

  /** MmioHandler over the pending-bit array (read-only to software). */
  readonly pbaHandler: MmioHandler = {
    read: (offset, size) => {
      let v = 0;
      for (let b = size - 1; b >= 0; b--) v = v * 256 + this.pbaByte(offset + b);
      return v;
    },
    write: () => {},
  };

  /** Called by the owner when a vector may have become deliverable. */
  onUnmask: ((vector: number) => void) | undefined;

  entry(vector: number): { message: MsiMessage; masked: boolean } {
    const b = vector * 4;
    return {
      message: { address: this.table[b + 1] * 0x1_0000_0000 + this.table[b], data: this.table[b + 2] },
      masked: (this.table[b + 3] & CONTROL_MASKED) !== 0,
    };
  }

  setPending(vector: number, pending: boolean): void {
    if (vector >= 0 && vector < this.vectors) this.pending[vector] = pending ? 1 : 0;
  }

  isPending(vector: number): boolean {
    return this.pending[vector] === 1;
  }

  snapshot(): MsixSnapshot {
    return { table: this.table.slice(), pending: this.pending.slice() };
  }

  restore(s: MsixSnapshot): void {
    this.table.set(s.table.subarray(0, this.table.length));
    this.pending.set(s.pending.subarray(0, this.pending.length));
  }

  private pbaByte(byteIndex: number): number {
    let v = 0;
    for (let bit = 0; bit < 8; bit++) {
      const vec = byteIndex * 8 + bit;
      if (vec < this.vectors && this.pending[vec]) v |= 1 << bit;
    }
    return v;
  }
}

function sliceDword(dword: number, byteOff: number, size: AccessSize): number {
  const shifted = dword >>> (8 * byteOff);
  return size === 4 ? shifted >>> 0 : shifted & (size === 2 ? 0xffff : 0xff);
}

function mergeDword(dword: number, byteOff: number, size: AccessSize, value: number): number {
  const mask = (size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff) << (8 * byteOff);
  return ((dword & ~mask) | ((value << (8 * byteOff)) & mask)) >>> 0;
}

/** Several handlers inside one BAR, each over [offset, offset + sizeBytes); gaps read zero. */
export function compositeHandler(parts: Array<{ offset: number; sizeBytes: number; handler: MmioHandler }>): MmioHandler {
  const find = (off: number) => parts.find((p) => off >= p.offset && off < p.offset + p.sizeBytes);
  return {
    read: (offset, size) => {
      const p = find(offset);
      return p ? p.handler.read(offset - p.offset, size) : 0;
    },
    write: (offset, size, value) => {
      find(offset)?.handler.write(offset - (find(offset)?.offset ?? 0), size, value);
    },
  };
}
