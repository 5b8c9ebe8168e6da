// MSI vectors for PCI functions, as the kernel's irq domains hand them out: on virt, SPIs of
// the GICv2m frame (its MSI_TYPER says which; the message writes the SPI number to
// MSI_SETSPI_NS), on q35 local-APIC vectors above the IOAPIC's (message address 0xfee00000,
// APIC 0, fixed delivery; data = vector). The hwirq is what the interrupt chip's ack returns.

import type { Machine } from '../../../emulator/machine/machine';
import type { MsiMessage } from './transport';

export interface MsiVector {
  hwirq: number;
  message: MsiMessage;
}

const MSI_TYPER = 0x008, MSI_SETSPI_NS = 0x040;
/** hwirqs 0..23 are the IOAPIC pins (vector 0x20 + pin); MSI vectors follow, up to 0xef. */
const LAPIC_FIRST_HWIRQ = 24, LAPIC_VECTOR_BASE = 0x20, LAPIC_LAST_VECTOR = 0xef;

const nextFree = new WeakMap<Machine, number>();

/** `count` fresh vectors, or undefined when the machine has run out (or has no MSI controller). */
export function allocMsiVectors(m: Machine, count: number): MsiVector[] | undefined {
  const msi = m.layout.msi;
  if (msi.kind === 'gicv2m') {
    const typer = m.bus.read(msi.base + MSI_TYPER, 4) >>> 0;
    const base = (typer >>> 16) & 0x3ff, num = typer & 0x3ff;
    const first = nextFree.get(m) ?? base;
    if (num === 0 || first + count > base + num) return undefined;
    nextFree.set(m, first + count);
    return Array.from({ length: count }, (_, i) => ({ hwirq: first + i, message: { address: msi.base + MSI_SETSPI_NS, data: first + i } }));
  }
  const first = nextFree.get(m) ?? LAPIC_FIRST_HWIRQ;
  if (LAPIC_VECTOR_BASE + first + count - 1 > LAPIC_LAST_VECTOR) return undefined;
  nextFree.set(m, first + count);
  return Array.from({ length: count }, (_, i) => ({ hwirq: first + i, message: { address: msi.base, data: LAPIC_VECTOR_BASE + first + i } }));
}
