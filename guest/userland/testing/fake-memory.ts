// A process address space for the stand-in kernel: sparse 4 KiB pages inside mapped
// ranges. Reads or writes outside a mapping fail, as they would fault.

import type { UserMemory } from '../../abi/native';

const PAGE = 4096;

export class FakeMemory implements UserMemory {
  private pages = new Map<number, Uint8Array>();
  private ranges: [number, number][] = [];
  private nextMap = 0x7f00_0000_0000;

  map(lenBytes: number): number {
    const len = Math.ceil(lenBytes / PAGE) * PAGE;
    const addr = this.nextMap;
    this.nextMap += len + PAGE;
    this.ranges.push([addr, addr + len]);
    return addr;
  }

  unmap(addr: number, lenBytes: number): void {
    this.ranges = this.ranges.filter(([a]) => a !== addr);
    for (let p = addr; p < addr + lenBytes; p += PAGE) this.pages.delete(Math.floor(p / PAGE));
  }

  private mapped(addr: number, len: number): boolean {
    return this.ranges.some(([a, b]) => addr >= a && addr + len <= b);
  }

  read(addr: number, lenBytes: number): Uint8Array | undefined {
    if (!this.mapped(addr, lenBytes)) return undefined;
    const out = new Uint8Array(lenBytes);
    for (let i = 0; i < lenBytes; ) {
      const page = Math.floor((addr + i) / PAGE);
      const off = (addr + i) % PAGE;
      const n = Math.min(PAGE - off, lenBytes - i);
      const p = this.pages.get(page);
      if (p) out.set(p.subarray(off, off + n), i);
      i += n;
    }
    return out;
  }

  write(addr: number, data: Uint8Array): boolean {
    if (!this.mapped(addr, data.length)) return false;
    for (let i = 0; i < data.length; ) {
      const page = Math.floor((addr + i) / PAGE);
      const off = (addr + i) % PAGE;
      const n = Math.min(PAGE - off, data.length - i);
      let p = this.pages.get(page);
      if (!p) {
        p = new Uint8Array(PAGE);
        this.pages.set(page, p);
      }
      p.set(data.subarray(i, i + n), off);
      i += n;
    }
    return true;
  }

  /** fork: a copy of every mapping and page. */
  copy(): FakeMemory {
    const m = new FakeMemory();
    m.ranges = this.ranges.map(([a, b]) => [a, b]);
    m.nextMap = this.nextMap;
    for (const [k, v] of this.pages) m.pages.set(k, v.slice());
    return m;
  }
}
