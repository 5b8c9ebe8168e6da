// A tiny machine for virtio device tests and benches: guest RAM, a bus, one virtio-mmio
// window at QEMU virt's first slot, an interrupt line that records its level, and the mock driver.

import { Bus } from '../../../emulator/bus/bus';
import type { IrqLine } from '../../../emulator/bus/irq';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import type { VirtioDevice } from '../device';
import { MMIO_WINDOW_BYTES, VirtioMmioTransport } from '../mmio';
import { MockVirtioDriver } from './mock-driver';

export const RAM_BASE = 0x4000_0000;
export const MMIO_BASE = 0x0a00_0000;

export class RecordingIrq implements IrqLine {
  level = false;
  raises = 0;
  set(level: boolean): void {
    if (level && !this.level) this.raises++;
    this.level = level;
  }
}

export interface VirtioRig<S> {
  ram: GuestRam;
  bus: Bus;
  irq: RecordingIrq;
  transport: VirtioMmioTransport<S>;
  driver: MockVirtioDriver;
}

export function virtioRig<S>(device: VirtioDevice<S>, ramBytes = 64 << 20): VirtioRig<S> {
  const ram = new GuestRam(RAM_BASE, ramBytes);
  const bus = new Bus(ram);
  const irq = new RecordingIrq();
  const transport = new VirtioMmioTransport(device, ram, irq);
  bus.mapMmio('virtio-mmio0', MMIO_BASE, MMIO_WINDOW_BYTES, transport);
  const driver = MockVirtioDriver.mmio(bus, MMIO_BASE, RAM_BASE, ramBytes);
  return { ram, bus, irq, transport, driver };
}
