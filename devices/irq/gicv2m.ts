// GICv2m MSI frame, as QEMU's `virt` machine has it at 0x08020000 with 64 SPIs from intid 80:
// a device's MSI write of an SPI number to MSI_SETSPI_NS makes that interrupt pending
// (edge semantics). Linux's irq-gic-v2m driver reads MSI_TYPER to learn the SPI range.

import type { AccessSize, MmioHandler } from '../../emulator/bus/bus';
import type { GicV2 } from './gicv2';

const MSI_TYPER = 0x008, MSI_SETSPI_NS = 0x040, MSI_IIDR = 0xfcc;
export const V2M_SPI_BASE = 80;
export const V2M_SPI_COUNT = 64;

export class GicV2m implements MmioHandler {
  constructor(private readonly gic: GicV2) {}

  read(offset: number, _size: AccessSize): number {
    if (offset === MSI_TYPER) return ((V2M_SPI_BASE << 16) | V2M_SPI_COUNT) >>> 0;
    if (offset === MSI_IIDR) return 0;
    return 0;
  }

  write(offset: number, _size: AccessSize, value: number): void {
    if (offset !== MSI_SETSPI_NS) return;
    const intid = value & 0x3ff;
    // A write outside the frame's range is dropped, as the hardware does.
    if (intid >= V2M_SPI_BASE && intid < V2M_SPI_BASE + V2M_SPI_COUNT) this.gic.raiseEdge(intid);
  }
}
