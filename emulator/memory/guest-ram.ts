// Guest RAM: a sparse array of 4 KiB pages allocated on first touch, little-endian.
// Untouched pages read as zero without being allocated, so a 1 GiB machine costs only
// what the guest writes. Addresses are plain numbers (exact up to 2^53).

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

export class GuestRam {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(
    readonly baseAddr: number,
    readonly sizeBytes: number,
  ) {
    if (baseAddr % PAGE_SIZE !== 0 || sizeBytes % PAGE_SIZE !== 0) {
      throw new Error(`guest RAM must be page aligned: base ${baseAddr.toString(16)} size ${sizeBytes}`);
    }
  }

  get endAddr(): number {
    return this.baseAddr + this.sizeBytes;
  }

  contains(addr: number, lenBytes = 1): boolean {
    return addr >= this.baseAddr && lenBytes >= 0 && addr + lenBytes <= this.endAddr;
  }

  /** Pages allocated so far (a measure of guest memory footprint). */
  get residentPages(): number {
    return this.pages.size;
  }

  /** The backing page holding `addr`, allocating it. The caller has checked `contains`. */
  pageFor(addr: number): Uint8Array {
    const index = Math.floor((addr - this.baseAddr) / PAGE_SIZE);
    let page = this.pages.get(index);
    if (!page) {
      page = new Uint8Array(PAGE_SIZE);
      this.pages.set(index, page);
    }
    return page;
  }

  private peekPage(addr: number): Uint8Array {
    return this.pages.get(Math.floor((addr - this.baseAddr) / PAGE_SIZE)) ?? ZERO_PAGE;
  }

  read8(addr: number): number {
    return this.peekPage(addr)[(addr - this.baseAddr) & PAGE_MASK];
  }

  write8(addr: number, value: number): void {
    this.pageFor(addr)[(addr - this.baseAddr) & PAGE_MASK] = value;
  }

  read16(addr: number): number {
    return this.read8(addr) | (this.read8(addr + 1) << 8);
  }

  read32(addr: number): number {
    const off = (addr - this.baseAddr) & PAGE_MASK;
    if (off <= PAGE_SIZE - 4) {
      const p = this.peekPage(addr);
      return (p[off] | (p[off + 1] << 8) | (p[off + 2] << 16) | (p[off + 3] << 24)) >>> 0;
    }
    return (this.read16(addr) | (this.read16(addr + 2) << 16)) >>> 0;
  }

  read64(addr: number): bigint {
    return BigInt(this.read32(addr)) | (BigInt(this.read32(addr + 4)) << 32n);
  }

  write16(addr: number, value: number): void {
    this.write8(addr, value & 0xff);
    this.write8(addr + 1, (value >>> 8) & 0xff);
  }

  write32(addr: number, value: number): void {
    const off = (addr - this.baseAddr) & PAGE_MASK;
    if (off <= PAGE_SIZE - 4) {
      const p = this.pageFor(addr);
      p[off] = value;
      p[off + 1] = value >>> 8;
      p[off + 2] = value >>> 16;
      p[off + 3] = value >>> 24;
      return;
    }
    this.write16(addr, value & 0xffff);
    this.write16(addr + 2, (value >>> 16) & 0xffff);
  }

  write64(addr: number, value: bigint): void {
    this.write32(addr, Number(value & 0xffffffffn));
    this.write32(addr + 4, Number((value >> 32n) & 0xffffffffn));
  }

  readBytes(addr: number, lenBytes: number, out = new Uint8Array(lenBytes)): Uint8Array {
    let done = 0;
    while (done < lenBytes) {
      const a = addr + done;
      const off = (a - this.baseAddr) & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - off, lenBytes - done);
      out.set(this.peekPage(a).subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  writeBytes(addr: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const off = (a - this.baseAddr) & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      this.pageFor(a).set(data.subarray(done, done + n), off);
      done += n;
    }
  }

  /** Allocated pages in address order, for snapshots (all-zero pages are skipped). */
  savePages(): Array<[number, Uint8Array]> {
    return [...this.pages.entries()]
      .filter(([, p]) => p.some((b) => b !== 0))
      .sort((a, b) => a[0] - b[0])
      .map(([i, p]) => [i, p.slice()]);
  }

  restorePages(pages: Array<[number, Uint8Array]>): void {
    this.pages.clear();
    for (const [i, p] of pages) this.pages.set(i, Uint8Array.from(p));
  }
}
