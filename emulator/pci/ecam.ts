// How the CPU reaches configuration space. ECAM (PCIe enhanced configuration access): a
// memory window in which address bits 27:20 pick the bus, 19:15 the device, 14:12 the
// function and 11:0 the register. On q35 also the legacy mechanism #1: write an address
// (enable bit 31, bus, device, function, register 7:2) to port 0xCF8, then access 0xCFC-0xCFF.
// Absent functions read all ones (a master abort), writes to them are dropped.

import type { AccessSize, MmioHandler } from '../bus/bus';
import type { PciTree } from './tree';

export function ecamOffset(bus: number, devfnValue: number, reg: number): number {
  return (bus << 20) | (devfnValue << 12) | (reg & 0xfff);
}

export class EcamWindow implements MmioHandler {
  /** `sizeBytes` limits the decoded buses (QEMU's q35 default and virt's high ECAM: 256 MiB, all 256 buses). */
  constructor(private readonly tree: PciTree, readonly sizeBytes: number) {}

  read(offset: number, size: AccessSize): number {
    if (offset < 0 || offset >= this.sizeBytes) return allOnes(size);
    return this.tree.configRead(offset >>> 20, (offset >>> 12) & 0xff, offset & 0xfff, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset < 0 || offset >= this.sizeBytes) return;
    this.tree.configWrite(offset >>> 20, (offset >>> 12) & 0xff, offset & 0xfff, size, value);
  }
}

/** Ports 0xCF8..0xCFF: the address register (dword access only) and the 4-byte data window. */
export class LegacyConfigPorts implements MmioHandler {
  private address = 0;

  constructor(private readonly tree: PciTree) {}

  read(offset: number, size: AccessSize): number {
    if (offset === 0 && size === 4) return this.address >>> 0;
    if (offset < 4) return allOnes(size);
    const target = this.target(offset - 4);
    return target ? this.tree.configRead(target.bus, target.devfn, target.reg, size) : allOnes(size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset === 0 && size === 4) {
      this.address = (value & 0x80fffffc) >>> 0;
      return;
    }
    if (offset < 4) return;
    const target = this.target(offset - 4);
    if (target) this.tree.configWrite(target.bus, target.devfn, target.reg, size, value);
  }

  private target(byteInData: number): { bus: number; devfn: number; reg: number } | undefined {
    if (!(this.address & 0x8000_0000)) return undefined;
    return { bus: (this.address >>> 16) & 0xff, devfn: (this.address >>> 8) & 0xff, reg: (this.address & 0xfc) + byteInData };
  }
}

function allOnes(size: AccessSize): number {
  return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
}
