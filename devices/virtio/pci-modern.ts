// The virtio-pci modern transport (virtio 1.1 §4.1). Two parts:
//  - the capability layout, pure: vendor-specific capabilities (cap_vndr 0x09) that point the
//    driver at the common config, ISR, device config and notify windows inside BAR 4, laid out
//    as QEMU 7.2 lays them out (common 0x0000, ISR 0x1000, device 0x2000, notify 0x3000 with a
//    notify_off_multiplier of 4, each window 0x1000 bytes) plus the PCI-config-access capability;
//  - the BAR 4 register logic (VirtioPciModernRegs), an MmioHandler over TransportCore, with
//    per-queue and config MSI-X vectors.

import type { AccessSize, MmioHandler } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';
import type { GuestRam } from '../../emulator/memory/guest-ram';
import type { VirtioDevice } from './device';
import { TransportCore, type QueueConfig, type TransportState } from './transport-core';

export const VIRTIO_PCI_VENDOR = 0x1af4;
export const VIRTIO_PCI_MODERN_DEVICE_BASE = 0x1040;
export const PCI_CAP_ID_VNDR = 0x09;
export const VIRTIO_PCI_CAP_COMMON_CFG = 1;
export const VIRTIO_PCI_CAP_NOTIFY_CFG = 2;
export const VIRTIO_PCI_CAP_ISR_CFG = 3;
export const VIRTIO_PCI_CAP_DEVICE_CFG = 4;
export const VIRTIO_PCI_CAP_PCI_CFG = 5;
export const VIRTIO_MSI_NO_VECTOR = 0xffff;

export const MODERN_BAR = 4;
export const MODERN_BAR_BYTES = 0x4000;
export const COMMON_OFFSET = 0x0000;
export const ISR_OFFSET = 0x1000;
export const DEVICE_OFFSET = 0x2000;
export const NOTIFY_OFFSET = 0x3000;
export const WINDOW_BYTES = 0x1000;
export const NOTIFY_OFF_MULTIPLIER = 4;

export interface VirtioPciCap {
  cfgType: number;
  bar: number;
  offset: number;
  length: number;
  /** Only for the notify capability. */
  notifyOffMultiplier?: number;
}

/** The capabilities in the order QEMU adds them (each new one goes to the head of the list). */
export function virtioPciCaps(): VirtioPciCap[] {
  return [
    { cfgType: VIRTIO_PCI_CAP_COMMON_CFG, bar: MODERN_BAR, offset: COMMON_OFFSET, length: WINDOW_BYTES },
    { cfgType: VIRTIO_PCI_CAP_ISR_CFG, bar: MODERN_BAR, offset: ISR_OFFSET, length: WINDOW_BYTES },
    { cfgType: VIRTIO_PCI_CAP_DEVICE_CFG, bar: MODERN_BAR, offset: DEVICE_OFFSET, length: WINDOW_BYTES },
    { cfgType: VIRTIO_PCI_CAP_NOTIFY_CFG, bar: MODERN_BAR, offset: NOTIFY_OFFSET, length: WINDOW_BYTES, notifyOffMultiplier: NOTIFY_OFF_MULTIPLIER },
    { cfgType: VIRTIO_PCI_CAP_PCI_CFG, bar: 0, offset: 0, length: 0 },
  ];
}

/** Capability length: 16 bytes, 20 for notify (multiplier) and pci-cfg (the data window). */
export function capLength(c: VirtioPciCap): number {
  return c.cfgType === VIRTIO_PCI_CAP_NOTIFY_CFG || c.cfgType === VIRTIO_PCI_CAP_PCI_CFG ? 20 : 16;
}

/** The capability bytes after cap_vndr and cap_next (which the config space links itself). */
export function emitVirtioPciCap(c: VirtioPciCap): Uint8Array {
  const b = new Uint8Array(capLength(c));
  const v = new DataView(b.buffer);
  b[0] = PCI_CAP_ID_VNDR;
  b[2] = b.length;
  b[3] = c.cfgType;
  b[4] = c.bar;
  v.setUint32(8, c.offset, true);
  v.setUint32(12, c.length, true);
  if (c.notifyOffMultiplier !== undefined) v.setUint32(16, c.notifyOffMultiplier, true);
  return b;
}

export function parseVirtioPciCap(b: Uint8Array): VirtioPciCap | null {
  if (b.length < 16 || b[0] !== PCI_CAP_ID_VNDR || b[2] < 16) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const c: VirtioPciCap = { cfgType: b[3], bar: b[4], offset: v.getUint32(8, true), length: v.getUint32(12, true) };
  if (c.cfgType === VIRTIO_PCI_CAP_NOTIFY_CFG && b.length >= 20) c.notifyOffMultiplier = v.getUint32(16, true);
  return c;
}

/** Common configuration structure offsets (virtio 1.1 §4.1.4.3). */
export const COMMON = {
  deviceFeatureSelect: 0x00, deviceFeature: 0x04, driverFeatureSelect: 0x08, driverFeature: 0x0c,
  msixConfig: 0x10, numQueues: 0x12, deviceStatus: 0x14, configGeneration: 0x15, queueSelect: 0x16,
  queueSize: 0x18, queueMsixVector: 0x1a, queueEnable: 0x1c, queueNotifyOff: 0x1e, queueDesc: 0x20,
  queueDriver: 0x28, queueDevice: 0x30,
} as const;

export interface PciRegsState<S> {
  core: TransportState<S>;
  msixConfig: number;
  queueVectors: number[];
}

export class VirtioPciModernRegs<S = unknown> implements MmioHandler {
  readonly core: TransportCore<S>;
  msixConfig = VIRTIO_MSI_NO_VECTOR;
  queueVectors: number[];

  /** `msixVectors` bounds the vectors the driver may pick; `sendMsi` delivers one (false when MSI-X is off). */
  constructor(
    device: VirtioDevice<S>,
    ram: GuestRam,
    intx: IrqLine,
    private readonly msixVectors: number,
    sendMsi: (vector: number) => boolean,
  ) {
    this.core = new TransportCore(device, ram, intx);
    this.queueVectors = device.queueMaxSizes.map(() => VIRTIO_MSI_NO_VECTOR);
    this.core.messageInterrupt = (_bits, queue) => {
      const vector = queue < 0 ? this.msixConfig : (this.queueVectors[queue] ?? VIRTIO_MSI_NO_VECTOR);
      // With MSI-X on but no vector chosen, the interrupt is simply not sent (§4.1.5.1.2.1).
      return vector === VIRTIO_MSI_NO_VECTOR ? this.msixEnabledHint() : sendMsi(vector);
    };
  }

  /** Set by the owner: whether the function's MSI-X capability is enabled. */
  msixEnabledHint: () => boolean = () => false;

  read(offset: number, size: AccessSize): number {
    if (offset < ISR_OFFSET) return this.readCommon(offset - COMMON_OFFSET, size);
    if (offset < DEVICE_OFFSET) return offset === ISR_OFFSET ? this.core.readAndClearIsr() : 0;
    if (offset < NOTIFY_OFFSET) return this.core.device.readConfig(offset - DEVICE_OFFSET, size);
    return 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset < ISR_OFFSET) return this.writeCommon(offset - COMMON_OFFSET, size, value);
    if (offset < DEVICE_OFFSET) return;
    if (offset < NOTIFY_OFFSET) return this.core.device.writeConfig(offset - DEVICE_OFFSET, size, value);
    if (offset < NOTIFY_OFFSET + WINDOW_BYTES) this.core.notify((offset - NOTIFY_OFFSET) / NOTIFY_OFF_MULTIPLIER);
  }

  save(): PciRegsState<S> {
    return { core: this.core.save(), msixConfig: this.msixConfig, queueVectors: [...this.queueVectors] };
  }

  restore(s: PciRegsState<S>): void {
    this.core.restore(s.core);
    this.msixConfig = s.msixConfig;
    this.queueVectors = [...s.queueVectors];
  }

  private readCommon(off: number, _size: AccessSize): number {
    const c = this.core;
    const q = c.selected();
    const qAddr = (field: 'descAddr' | 'availAddr' | 'usedAddr', base: number) => half(q?.[field] ?? 0, off - base);
    switch (off) {
      case COMMON.deviceFeatureSelect: return c.deviceFeatureSel;
      case COMMON.deviceFeature: return c.readDeviceFeatures();
      case COMMON.driverFeatureSelect: return c.driverFeatureSel;
      case COMMON.driverFeature: return Number((c.driverFeatures >> BigInt(32 * c.driverFeatureSel)) & 0xffffffffn);
      case COMMON.msixConfig: return this.msixConfig;
      case COMMON.numQueues: return c.device.queueMaxSizes.length;
      case COMMON.deviceStatus: return c.status;
      case COMMON.configGeneration: return c.configGeneration & 0xff;
      case COMMON.queueSelect: return c.queueSel;
      case COMMON.queueSize: return q ? q.size : 0;
      case COMMON.queueMsixVector: return q ? this.queueVectors[c.queueSel] : VIRTIO_MSI_NO_VECTOR;
      case COMMON.queueEnable: return q?.ready ? 1 : 0;
      case COMMON.queueNotifyOff: return q ? c.queueSel : 0;
      case COMMON.queueDesc: case COMMON.queueDesc + 4: return qAddr('descAddr', COMMON.queueDesc);
      case COMMON.queueDriver: case COMMON.queueDriver + 4: return qAddr('availAddr', COMMON.queueDriver);
      case COMMON.queueDevice: case COMMON.queueDevice + 4: return qAddr('usedAddr', COMMON.queueDevice);
      default: return 0;
    }
  }

  private writeCommon(off: number, _size: AccessSize, value: number): void {
    const c = this.core;
    const q = c.selected();
    const idle = q && !q.ready ? q : undefined;
    switch (off) {
      case COMMON.deviceFeatureSelect: c.deviceFeatureSel = value; return;
      case COMMON.driverFeatureSelect: c.driverFeatureSel = value; return;
      case COMMON.driverFeature: return c.writeDriverFeatures(value);
      case COMMON.msixConfig: this.msixConfig = value < this.msixVectors ? value : VIRTIO_MSI_NO_VECTOR; return;
      case COMMON.deviceStatus: {
        c.writeStatus(value & 0xff);
        if ((value & 0xff) === 0) this.resetVectors();
        return;
      }
      case COMMON.queueSelect: c.queueSel = value & 0xffff; return;
      case COMMON.queueSize: if (idle) idle.size = value & 0xffff; return;
      case COMMON.queueMsixVector: if (q) this.queueVectors[c.queueSel] = value < this.msixVectors ? value : VIRTIO_MSI_NO_VECTOR; return;
      case COMMON.queueEnable: if (q && value === 1) q.ready = true; return;
    }
    const addrRegs: Array<[number, keyof Pick<QueueConfig, 'descAddr' | 'availAddr' | 'usedAddr'>]> = [
      [COMMON.queueDesc, 'descAddr'], [COMMON.queueDriver, 'availAddr'], [COMMON.queueDevice, 'usedAddr'],
    ];
    for (const [base, field] of addrRegs) {
      if (idle && (off === base || off === base + 4)) idle[field] = setHalf(idle[field], off - base === 4, value);
    }
  }

  private resetVectors(): void {
    this.msixConfig = VIRTIO_MSI_NO_VECTOR;
    this.queueVectors = this.queueVectors.map(() => VIRTIO_MSI_NO_VECTOR);
  }
}

function half(v: number, which: number): number {
  return which === 4 ? Math.floor(v / 0x1_0000_0000) >>> 0 : v % 0x1_0000_0000;
}

function setHalf(old: number, high: boolean, value: number): number {
  const lo = old % 0x1_0000_0000;
  const hi = Math.floor(old / 0x1_0000_0000);
  return high ? (value >>> 0) * 0x1_0000_0000 + lo : hi * 0x1_0000_0000 + (value >>> 0);
}
