// Plugging virtio devices into a machine as QEMU's `virt` does for `-device virtio-*-device`:
// the n-th device takes the n-th virtio-mmio slot (0x200 bytes each from 0x0a000000) and
// interrupt irqBase + n. The machine builder calls this with its layout and interrupt controller.

import type { Bus } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';
import type { VirtioDevice } from './device';
import { MMIO_WINDOW_BYTES, VirtioMmioTransport } from './mmio';

export interface VirtioMmioSlots {
  base: number;
  count: number;
  strideBytes: number;
  irqBase: number;
}

export interface AttachedMmio<S> {
  transport: VirtioMmioTransport<S>;
  base: number;
  intid: number;
}

/** Maps `device` at slot `slot`; `irqLine(intid)` gives the controller's line for an interrupt id. */
export function attachVirtioMmio<S>(bus: Bus, slots: VirtioMmioSlots, slot: number, device: VirtioDevice<S>, irqLine: (intid: number) => IrqLine): AttachedMmio<S> {
  if (!Number.isInteger(slot) || slot < 0 || slot >= slots.count) throw new Error(`virtio-mmio: slot ${slot} outside 0..${slots.count - 1}`);
  const base = slots.base + slot * slots.strideBytes;
  const intid = slots.irqBase + slot;
  const transport = new VirtioMmioTransport(device, bus.ram, irqLine(intid));
  bus.mapMmio(`virtio-mmio@${base.toString(16)}`, base, MMIO_WINDOW_BYTES, transport);
  return { transport, base, intid };
}
