// One function's configuration space: the bytes, plus two per-byte masks that say how a
// configuration write from the guest changes them — `wmask` bits are read/write, `w1cmask`
// bits are write-1-to-clear, everything else is read-only. Device models set values and
// masks directly (the `set*` methods ignore the masks); the guest goes through read/write.
// Capabilities are linked the way QEMU links them (new PCI capabilities at the head of the
// list at 0x34, extended ones appended to the chain at 0x100) so walks give QEMU's order.

import type { AccessSize } from '../bus/bus';
import { CONFIG_SIZE_PCI, CONFIG_SIZE_PCIE, EXT_CAP_START, REG_CAP_PTR, REG_STATUS, STATUS_CAP_LIST } from './regs';

const ALL_ONES: Record<AccessSize, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

export class ConfigSpace {
  readonly bytes: Uint8Array;
  readonly wmask: Uint8Array;
  readonly w1cmask: Uint8Array;
  /** Byte ranges taken by capabilities, to catch overlapping layouts in device tables. */
  private readonly used: Array<{ start: number; end: number; what: string }> = [];

  constructor(readonly sizeBytes: typeof CONFIG_SIZE_PCI | typeof CONFIG_SIZE_PCIE) {
    this.bytes = new Uint8Array(sizeBytes);
    this.wmask = new Uint8Array(sizeBytes);
    this.w1cmask = new Uint8Array(sizeBytes);
  }

  get isExpressSized(): boolean {
    return this.sizeBytes === CONFIG_SIZE_PCIE;
  }

  // ---- device-side access (no masks) ----

  get8(off: number): number {
    return this.bytes[off];
  }
  get16(off: number): number {
    return this.bytes[off] | (this.bytes[off + 1] << 8);
  }
  get32(off: number): number {
    return (this.get16(off) | (this.get16(off + 2) << 16)) >>> 0;
  }
  set8(off: number, v: number): void {
    this.bytes[off] = v & 0xff;
  }
  set16(off: number, v: number): void {
    this.bytes[off] = v & 0xff;
    this.bytes[off + 1] = (v >>> 8) & 0xff;
  }
  set32(off: number, v: number): void {
    this.set16(off, v & 0xffff);
    this.set16(off + 2, (v >>> 16) & 0xffff);
  }
  /** Set the read/write mask of `sizeBytes` bytes from `off` (little-endian `mask`). */
  setWmask(off: number, sizeBytes: 1 | 2 | 4, mask: number): void {
    for (let i = 0; i < sizeBytes; i++) this.wmask[off + i] = (mask >>> (8 * i)) & 0xff;
  }
  setW1cmask(off: number, sizeBytes: 1 | 2 | 4, mask: number): void {
    for (let i = 0; i < sizeBytes; i++) this.w1cmask[off + i] = (mask >>> (8 * i)) & 0xff;
  }

  // ---- guest-side access (configuration cycles) ----

  /** A configuration read. Past the end of a 256-byte conventional space the function does not decode: all ones. */
  read(off: number, size: AccessSize): number {
    if (off < 0 || off + size > this.sizeBytes) return ALL_ONES[size];
    if (size === 1) return this.get8(off);
    if (size === 2) return this.get16(off);
    return this.get32(off);
  }

  /** A configuration write: RW bits take the new value, RW1C bits clear where 1 is written, the rest stay. */
  write(off: number, size: AccessSize, value: number): void {
    if (off < 0 || off + size > this.sizeBytes) return;
    for (let i = 0; i < size; i++) {
      const o = off + i;
      const v = (value >>> (8 * i)) & 0xff;
      const w = this.wmask[o];
      const c = this.w1cmask[o];
      this.bytes[o] = ((this.bytes[o] & ~w) | (v & w)) & ~(v & c);
    }
  }

  // ---- capability layout ----

  /**
   * Add a PCI capability of `sizeBytes` at `offset` (4-aligned, 0x40..0xff) and put it at the
   * head of the list, as QEMU's pci_add_capability does. Returns the offset.
   */
  addCapability(id: number, offset: number, sizeBytes: number): number {
    if (offset < 0x40 || offset + sizeBytes > CONFIG_SIZE_PCI || offset % 4 !== 0) {
      throw new Error(`pci config: capability 0x${id.toString(16)} at 0x${offset.toString(16)} does not fit`);
    }
    this.claim(offset, sizeBytes, `cap 0x${id.toString(16)}`);
    this.set8(offset, id);
    this.set8(offset + 1, this.get8(REG_CAP_PTR));
    this.set8(REG_CAP_PTR, offset);
    this.set16(REG_STATUS, this.get16(REG_STATUS) | STATUS_CAP_LIST);
    return offset;
  }

  /** Append an extended capability (PCIe only) at `offset` to the chain that starts at 0x100. */
  addExtCapability(id: number, version: number, offset: number, sizeBytes: number): number {
    if (!this.isExpressSized || offset < EXT_CAP_START || offset + sizeBytes > CONFIG_SIZE_PCIE || offset % 4 !== 0) {
      throw new Error(`pci config: extended capability 0x${id.toString(16)} at 0x${offset.toString(16)} does not fit`);
    }
    if (offset !== EXT_CAP_START && this.get32(EXT_CAP_START) === 0) {
      throw new Error('pci config: the first extended capability must sit at 0x100');
    }
    this.claim(offset, sizeBytes, `ext cap 0x${id.toString(16)}`);
    if (offset !== EXT_CAP_START) {
      let prev = EXT_CAP_START;
      for (let n = 0; n < 1024 && this.get32(prev) >>> 20 !== 0; n++) prev = this.get32(prev) >>> 20;
      this.set32(prev, (this.get32(prev) & 0x000fffff) | (offset << 20));
    }
    this.set32(offset, (id & 0xffff) | ((version & 0xf) << 16));
    return offset;
  }

  private claim(start: number, sizeBytes: number, what: string): void {
    const end = start + sizeBytes;
    for (const u of this.used) {
      if (start < u.end && u.start < end) throw new Error(`pci config: ${what} overlaps ${u.what}`);
    }
    this.used.push({ start, end, what });
  }
}
