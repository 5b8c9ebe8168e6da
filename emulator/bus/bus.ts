// The system bus: guest RAM plus memory-mapped device regions (and, on x86, the I/O port
// space, which is the same structure with 16-bit addresses). An access that hits neither is
// a guest-visible fault: the read returns all ones, as an unclaimed bus cycle does, and the
// fault is reported to whoever executes guest code (the CPU turns it into an abort / SIGBUS).
// Nothing here throws for guest-controlled addresses.

import { GuestRam } from '../memory/guest-ram';

export type AccessSize = 1 | 2 | 4;

/** A device register block. Offsets are relative to the region base; values are unsigned. */
export interface MmioHandler {
  read(offset: number, size: AccessSize): number;
  write(offset: number, size: AccessSize, value: number): void;
}

export interface BusFault {
  readonly space: 'mem' | 'io';
  readonly addr: number;
  readonly sizeBytes: number;
  readonly write: boolean;
}

export interface MmioRegion {
  readonly name: string;
  readonly base: number;
  readonly sizeBytes: number;
  readonly handler: MmioHandler;
}

const ALL_ONES: Record<AccessSize, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

/** A set of non-overlapping regions kept sorted by base, looked up by binary search. */
class RegionMap {
  private regions: MmioRegion[] = [];

  add(region: MmioRegion): void {
    for (const r of this.regions) {
      if (region.base < r.base + r.sizeBytes && r.base < region.base + region.sizeBytes) {
        throw new Error(`bus: region ${region.name} [${hex(region.base)}+${hex(region.sizeBytes)}] overlaps ${r.name}`);
      }
    }
    this.regions.push(region);
    this.regions.sort((a, b) => a.base - b.base);
  }

  remove(name: string): void {
    this.regions = this.regions.filter((r) => r.name !== name);
  }

  find(addr: number, sizeBytes: number): MmioRegion | undefined {
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.regions[mid];
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.base + r.sizeBytes) lo = mid + 1;
      else return addr + sizeBytes <= r.base + r.sizeBytes ? r : undefined;
    }
    return undefined;
  }

  list(): readonly MmioRegion[] {
    return this.regions;
  }
}

export class Bus {
  private readonly mmio = new RegionMap();
  private readonly io = new RegionMap();
  private faultCount = 0;
  private lastFaultSeen: BusFault | undefined;
  /** Called on every fault; the executing CPU installs this to raise an abort. */
  onFault: ((fault: BusFault) => void) | undefined;

  constructor(readonly ram: GuestRam) {}

  get faults(): number {
    return this.faultCount;
  }

  get lastFault(): BusFault | undefined {
    return this.lastFaultSeen;
  }

  mapMmio(name: string, base: number, sizeBytes: number, handler: MmioHandler): void {
    if (base < this.ram.endAddr && this.ram.baseAddr < base + sizeBytes) {
      throw new Error(`bus: MMIO region ${name} overlaps RAM`);
    }
    this.mmio.add({ name, base, sizeBytes, handler });
  }

  unmapMmio(name: string): void {
    this.mmio.remove(name);
  }

  mapIo(name: string, port: number, sizeBytes: number, handler: MmioHandler): void {
    this.io.add({ name, base: port, sizeBytes, handler });
  }

  unmapIo(name: string): void {
    this.io.remove(name);
  }

  mmioRegions(): readonly MmioRegion[] {
    return this.mmio.list();
  }

  ioRegions(): readonly MmioRegion[] {
    return this.io.list();
  }

  read(addr: number, size: AccessSize): number {
    if (this.ram.contains(addr, size)) {
      return size === 1 ? this.ram.read8(addr) : size === 2 ? this.ram.read16(addr) : this.ram.read32(addr);
    }
    const r = this.mmio.find(addr, size);
    if (r) return r.handler.read(addr - r.base, size) >>> 0;
    this.fault({ space: 'mem', addr, sizeBytes: size, write: false });
    return ALL_ONES[size];
  }

  write(addr: number, size: AccessSize, value: number): void {
    if (this.ram.contains(addr, size)) {
      if (size === 1) this.ram.write8(addr, value & 0xff);
      else if (size === 2) this.ram.write16(addr, value & 0xffff);
      else this.ram.write32(addr, value >>> 0);
      return;
    }
    const r = this.mmio.find(addr, size);
    if (r) {
      r.handler.write(addr - r.base, size, value >>> 0);
      return;
    }
    this.fault({ space: 'mem', addr, sizeBytes: size, write: true });
  }

  /** 64-bit access, split into two 32-bit bus cycles (low half first) as PCIe does for MMIO. */
  read64(addr: number): bigint {
    if (this.ram.contains(addr, 8)) return this.ram.read64(addr);
    const lo = this.read(addr, 4);
    const hi = this.read(addr + 4, 4);
    return BigInt(lo) | (BigInt(hi) << 32n);
  }

  write64(addr: number, value: bigint): void {
    if (this.ram.contains(addr, 8)) return this.ram.write64(addr, value);
    this.write(addr, 4, Number(value & 0xffffffffn));
    this.write(addr + 4, 4, Number((value >> 32n) & 0xffffffffn));
  }

  inPort(port: number, size: AccessSize): number {
    const r = this.io.find(port, size);
    if (r) return r.handler.read(port - r.base, size) >>> 0;
    // An unclaimed port read floats high on x86 and is not an exception.
    return ALL_ONES[size];
  }

  outPort(port: number, size: AccessSize, value: number): void {
    const r = this.io.find(port, size);
    if (r) r.handler.write(port - r.base, size, value >>> 0);
  }

  private fault(f: BusFault): void {
    this.faultCount++;
    this.lastFaultSeen = f;
    this.onFault?.(f);
  }
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
