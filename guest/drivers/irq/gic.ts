// GICv2 driver (as Linux's drivers/irqchip/irq-gic.c programs it): distributor and CPU
// interface registers through MMIO. Interrupt numbers are GIC INTIDs (SPI n = 32 + n).

import type { Bus } from '../../../emulator/bus/bus';
import type { IrqChip } from './chip';

const GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180;
const GICD_IPRIORITYR = 0x400, GICD_ITARGETSR = 0x800;
const GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_IAR = 0x0c, GICC_EOIR = 0x10;
const SPURIOUS = 1023;
const DEFAULT_PRIORITY = 0xa0;

export class GicDriver implements IrqChip {
  readonly name = 'GICv2';
  readonly numIrqs: number;

  constructor(
    private readonly bus: Bus,
    private readonly gicd: number,
    private readonly gicc: number,
  ) {
    this.numIrqs = Math.min(1020, 32 * ((this.bus.read(gicd + GICD_TYPER, 4) & 0x1f) + 1));
    this.bus.write(gicd + GICD_CTLR, 4, 0);
    for (let i = 32; i < this.numIrqs; i += 32) this.bus.write(gicd + GICD_ICENABLER + i / 8, 4, 0xffff_ffff);
    for (let i = 0; i < this.numIrqs; i += 4) {
      const prio = DEFAULT_PRIORITY * 0x0101_0101;
      this.bus.write(gicd + GICD_IPRIORITYR + i, 4, prio >>> 0);
      if (i >= 32) this.bus.write(gicd + GICD_ITARGETSR + i, 4, 0x0101_0101);
    }
    this.bus.write(gicd + GICD_CTLR, 4, 1);
    this.bus.write(gicc + GICC_PMR, 4, 0xf0);
    this.bus.write(gicc + GICC_CTLR, 4, 1);
  }

  enable(hwirq: number): void {
    this.bus.write(this.gicd + GICD_ISENABLER + 4 * Math.floor(hwirq / 32), 4, (1 << hwirq % 32) >>> 0);
  }

  ack(): number | undefined {
    const id = this.bus.read(this.gicc + GICC_IAR, 4) & 0x3ff;
    return id === SPURIOUS ? undefined : id;
  }

  eoi(hwirq: number): void {
    this.bus.write(this.gicc + GICC_EOIR, 4, hwirq);
  }
}
