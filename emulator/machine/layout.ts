// Where things live in each machine type's physical address space, as QEMU places them
// (hw/arm/virt.c `base_memmap`/`a15irqmap`, hw/i386/pc.c and q35.c). Guest drivers find
// devices at these addresses, so they must match QEMU's.

import type { MachineType } from './description/types';

export interface MemoryLayout {
  ramBase: number;
  /** RAM below the first hole; q35 caps it at the PCI hole. */
  lowRamLimitBytes: number;
  uart: { kind: 'pl011'; base: number; irq: number } | { kind: '16550'; port: number; irq: number };
  /** GICv2 on virt; IOAPIC + local APIC on q35. */
  interruptController:
    | { kind: 'gicv2'; distributor: number; cpuInterface: number }
    | { kind: 'ioapic'; ioapic: number; lapic: number };
  /** Where devices write MSIs: the GICv2m frame on virt, the local APIC's 0xFEE00000 window on q35. */
  msi: { kind: 'gicv2m'; base: number } | { kind: 'lapic'; base: number };
  /** PCIe ECAM window (256 buses × 1 MiB). */
  ecam: { base: number; sizeBytes: number };
  /** 32-bit PCI MMIO window for BARs. */
  pciMmio: { base: number; sizeBytes: number };
  /** 64-bit PCI MMIO window. */
  pciMmioHigh: { base: number; sizeBytes: number };
  /** PCI I/O window: CPU address on virt (memory-mapped), port range on q35. */
  pciIo: { base: number; sizeBytes: number };
  /** INTA..INTD interrupt numbers (GIC intid on virt, IOAPIC pin on q35 for slot 0's swizzle). */
  pciIntx: number[];
  /** virtio-mmio transports: `count` slots of 0x200 bytes from `base`, interrupt irqBase + n. */
  virtioMmio?: { base: number; count: number; strideBytes: number; irqBase: number };
  /** Power control: PSCI on virt (SMC/HVC calls), ACPI PM on q35 (port 0x604 write 0x2000). */
  powerOff: { kind: 'psci' } | { kind: 'acpi-pm'; port: number; value: number };
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const VIRT_LAYOUT: MemoryLayout = {
  ramBase: 0x4000_0000,
  lowRamLimitBytes: 255 * GiB,
  uart: { kind: 'pl011', base: 0x0900_0000, irq: 32 + 1 },
  interruptController: { kind: 'gicv2', distributor: 0x0800_0000, cpuInterface: 0x0801_0000 },
  msi: { kind: 'gicv2m', base: 0x0802_0000 },
  ecam: { base: 0x40_1000_0000, sizeBytes: 256 * MiB },
  pciMmio: { base: 0x1000_0000, sizeBytes: 0x2eff_0000 },
  pciMmioHigh: { base: 0x80_0000_0000, sizeBytes: 512 * GiB },
  pciIo: { base: 0x3eff_0000, sizeBytes: 0x1_0000 },
  pciIntx: [32 + 3, 32 + 4, 32 + 5, 32 + 6],
  virtioMmio: { base: 0x0a00_0000, count: 32, strideBytes: 0x200, irqBase: 32 + 16 },
  powerOff: { kind: 'psci' },
};

export const Q35_LAYOUT: MemoryLayout = {
  ramBase: 0,
  lowRamLimitBytes: 2 * GiB,
  uart: { kind: '16550', port: 0x3f8, irq: 4 },
  interruptController: { kind: 'ioapic', ioapic: 0xfec0_0000, lapic: 0xfee0_0000 },
  msi: { kind: 'lapic', base: 0xfee0_0000 },
  ecam: { base: 0xb000_0000, sizeBytes: 256 * MiB },
  pciMmio: { base: 0xc000_0000, sizeBytes: 0x3ec0_0000 },
  pciMmioHigh: { base: 0x80_0000_0000, sizeBytes: 512 * GiB },
  pciIo: { base: 0x1000, sizeBytes: 0xf000 },
  pciIntx: [16, 17, 18, 19],
  powerOff: { kind: 'acpi-pm', port: 0x604, value: 0x2000 },
};

export function layoutFor(type: MachineType): MemoryLayout {
  return type === 'virt' ? VIRT_LAYOUT : Q35_LAYOUT;
}
