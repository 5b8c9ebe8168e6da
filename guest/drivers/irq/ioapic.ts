// IOAPIC + local APIC driver for q35 (arch/x86/kernel/apic/io_apic.c, much reduced): each
// ISA pin gets a redirection entry to vector 0x20 + pin, edge-triggered, fixed delivery
// to APIC 0. Acknowledge is the CPU's interrupt cycle; completion writes the LAPIC EOI.

import type { Bus } from '../../../emulator/bus/bus';
import type { IoApic } from '../../../devices/irq/ioapic';
import type { IrqChip } from './chip';

const IOREGSEL = 0x00, IOWIN = 0x10;
const LAPIC_EOI = 0xb0, LAPIC_SVR = 0xf0;
const RTE_MASKED = 1 << 16;
export const IRQ_VECTOR_BASE = 0x20;

export class IoApicDriver implements IrqChip {
  readonly name = 'IO-APIC';

  constructor(
    private readonly bus: Bus,
    private readonly ioapicBase: number,
    private readonly lapicBase: number,
    /** The CPU's interrupt-acknowledge cycle (INTA), which only the processor can perform. */
    private readonly cpu: Pick<IoApic, 'acknowledge'>,
  ) {
    this.bus.write(lapicBase + LAPIC_SVR, 4, 0x100 | 0xff);
    const pins = ((this.readReg(1) >>> 16) & 0xff) + 1;
    for (let pin = 0; pin < pins; pin++) this.writeRte(pin, RTE_MASKED | (IRQ_VECTOR_BASE + pin), 0);
  }

  enable(hwirq: number): void {
    this.writeRte(hwirq, IRQ_VECTOR_BASE + hwirq, 0);
  }

  ack(): number | undefined {
    const vector = this.cpu.acknowledge();
    return vector === undefined ? undefined : vector - IRQ_VECTOR_BASE;
  }

  eoi(_hwirq: number): void {
    this.bus.write(this.lapicBase + LAPIC_EOI, 4, 0);
  }

  private readReg(reg: number): number {
    this.bus.write(this.ioapicBase + IOREGSEL, 4, reg);
    return this.bus.read(this.ioapicBase + IOWIN, 4);
  }

  private writeRte(pin: number, low: number, high: number): void {
    this.bus.write(this.ioapicBase + IOREGSEL, 4, 0x11 + 2 * pin);
    this.bus.write(this.ioapicBase + IOWIN, 4, high);
    this.bus.write(this.ioapicBase + IOREGSEL, 4, 0x10 + 2 * pin);
    this.bus.write(this.ioapicBase + IOWIN, 4, low);
  }
}
