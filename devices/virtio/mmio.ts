// The virtio-mmio transport, version 2 (virtio 1.1 §4.2.2), as an MmioHandler with one
// interrupt line: QEMU's `virt` places 32 of these 0x200-byte windows at 0x0a000000.

import type { AccessSize, MmioHandler } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';
import type { GuestRam } from '../../emulator/memory/guest-ram';
import type { VirtioDevice } from './device';
import { TransportCore, type QueueConfig, type TransportState } from './transport-core';

export const MMIO_MAGIC = 0x74726976; // "virt"
export const MMIO_VERSION = 2;
export const MMIO_VENDOR_ID = 0x554d4551; // "QEMU", as QEMU's transport answers
export const MMIO_WINDOW_BYTES = 0x200;

export const REG = {
  MagicValue: 0x000,
  Version: 0x004,
  DeviceID: 0x008,
  VendorID: 0x00c,
  DeviceFeatures: 0x010,
  DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020,
  DriverFeaturesSel: 0x024,
  QueueSel: 0x030,
  QueueNumMax: 0x034,
  QueueNum: 0x038,
  QueueReady: 0x044,
  QueueNotify: 0x050,
  InterruptStatus: 0x060,
  InterruptACK: 0x064,
  Status: 0x070,
  QueueDescLow: 0x080,
  QueueDescHigh: 0x084,
  QueueDriverLow: 0x090,
  QueueDriverHigh: 0x094,
  QueueDeviceLow: 0x0a0,
  QueueDeviceHigh: 0x0a4,
  ConfigGeneration: 0x0fc,
  Config: 0x100,
} as const;

type AddrField = 'descAddr' | 'availAddr' | 'usedAddr';
const ADDR_REGS: ReadonlyArray<[number, AddrField, boolean]> = [
  [REG.QueueDescLow, 'descAddr', false],
  [REG.QueueDescHigh, 'descAddr', true],
  [REG.QueueDriverLow, 'availAddr', false],
  [REG.QueueDriverHigh, 'availAddr', true],
  [REG.QueueDeviceLow, 'usedAddr', false],
  [REG.QueueDeviceHigh, 'usedAddr', true],
];

export class VirtioMmioTransport<S = unknown> implements MmioHandler {
  readonly core: TransportCore<S>;

  constructor(device: VirtioDevice<S>, ram: GuestRam, irq: IrqLine) {
    this.core = new TransportCore(device, ram, irq);
  }

  read(offset: number, size: AccessSize): number {
    const c = this.core;
    if (offset >= REG.Config) return c.device.readConfig(offset - REG.Config, size);
    if (size !== 4) return 0; // §4.2.2.2: the register block is accessed with 32-bit reads only
    const q = c.selected();
    switch (offset) {
      case REG.MagicValue: return MMIO_MAGIC;
      case REG.Version: return MMIO_VERSION;
      case REG.DeviceID: return c.device.deviceType;
      case REG.VendorID: return MMIO_VENDOR_ID;
      case REG.DeviceFeatures: return c.readDeviceFeatures();
      case REG.QueueNumMax: return c.selectedMax();
      case REG.QueueReady: return q?.ready ? 1 : 0;
      case REG.InterruptStatus: return c.isr;
      case REG.Status: return c.status;
      case REG.ConfigGeneration: return c.configGeneration;
      default: return 0;
    }
  }

  write(offset: number, size: AccessSize, value: number): void {
    const c = this.core;
    if (offset >= REG.Config) return c.device.writeConfig(offset - REG.Config, size, value);
    if (size !== 4) return;
    switch (offset) {
      case REG.DeviceFeaturesSel: c.deviceFeatureSel = value; return;
      case REG.DriverFeatures: return c.writeDriverFeatures(value);
      case REG.DriverFeaturesSel: c.driverFeatureSel = value; return;
      case REG.QueueSel: c.queueSel = value; return;
      case REG.QueueNum: return this.withIdleQueue((q) => { q.size = value; });
      case REG.QueueReady: return this.setReady(value === 1);
      case REG.QueueNotify: return c.notify(value);
      case REG.InterruptACK: return c.ack(value);
      case REG.Status: return c.writeStatus(value);
    }
    const addr = ADDR_REGS.find(([reg]) => reg === offset);
    if (addr) this.withIdleQueue((q) => setHalf(q, addr[1], addr[2], value));
  }

  save(): TransportState<S> {
    return this.core.save();
  }

  restore(state: TransportState<S>): void {
    this.core.restore(state);
  }

  private withIdleQueue(fn: (q: QueueConfig) => void): void {
    const q = this.core.selected();
    // The driver must not change a queue it has enabled; such writes are dropped.
    if (q && !q.ready) fn(q);
  }

  private setReady(ready: boolean): void {
    const q = this.core.selected();
    if (q) q.ready = ready;
  }
}

function setHalf(q: QueueConfig, field: AddrField, high: boolean, value: number): void {
  const lo = q[field] % 0x1_0000_0000;
  const hi = Math.floor(q[field] / 0x1_0000_0000);
  q[field] = high ? (value >>> 0) * 0x1_0000_0000 + lo : hi * 0x1_0000_0000 + (value >>> 0);
}
