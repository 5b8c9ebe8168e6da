// Modern virtio-pci (virtio 1.1 §4.1), driver side: find functions with vendor 0x1af4 and
// device 0x1040+type by walking PCI configuration space through ECAM (bus 0 and the buses
// behind bridges), enable memory decoding and bus mastering, locate the common, notify and
// device windows through the vendor capabilities, and drive the device through them.

import type { Bus } from '../../../emulator/bus/bus';
import type { MsiMessage, QueueAddrs, VirtioTransport } from './transport';

const VENDOR_VIRTIO = 0x1af4, MODERN_BASE = 0x1040;
const CAP_VENDOR = 0x09;
const CFG_COMMON = 1, CFG_NOTIFY = 2, CFG_ISR = 3, CFG_DEVICE = 4;
/** PCI command: memory space and bus master on; INTx enabled unless MSI-X is (enableMsix). */
const CMD_ENABLE = 0x2 | 0x4;
const CMD_INTX_DISABLE = 0x400;
const C = {
  dfSelect: 0x00, df: 0x04, gfSelect: 0x08, gf: 0x0c, msixConfig: 0x10, status: 0x14,
  queueSelect: 0x16, queueSize: 0x18, queueMsix: 0x1a, queueEnable: 0x1c, queueNotifyOff: 0x1e,
  queueDesc: 0x20, queueDriver: 0x28, queueDevice: 0x30,
} as const;
const NO_VECTOR = 0xffff;
const CAP_MSIX = 0x11;
const MSIX_ENABLE = 0x8000, MSIX_FUNCTION_MASK = 0x4000;

export interface PciLocation {
  bus: number;
  dev: number;
  fn: number;
}

/** Configuration space of one function through the ECAM window. */
export class EcamConfig {
  constructor(
    private readonly bus: Bus,
    private readonly ecamBase: number,
    readonly at: PciLocation,
  ) {}

  private addr(reg: number): number {
    return this.ecamBase + this.at.bus * 0x10_0000 + this.at.dev * 0x8000 + this.at.fn * 0x1000 + reg;
  }

  read(reg: number, size: 1 | 2 | 4): number {
    return this.bus.read(this.addr(reg), size) >>> 0;
  }

  write(reg: number, size: 1 | 2 | 4, v: number): void {
    this.bus.write(this.addr(reg), size, v);
  }
}

export function pciName(a: PciLocation): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `0000:${h(a.bus, 2)}:${h(a.dev, 2)}.${a.fn}`;
}

/** Every function on `busNr` and below (bridges' secondary buses), depth-first as Linux scans. */
export function scanPci(bus: Bus, ecamBase: number, busNr = 0, depth = 0): EcamConfig[] {
  const out: EcamConfig[] = [];
  if (depth > 8) return out;
  for (let dev = 0; dev < 32; dev++) {
    for (let fn = 0; fn < 8; fn++) {
      const cfg = new EcamConfig(bus, ecamBase, { bus: busNr, dev, fn });
      const vendor = cfg.read(0, 2);
      if (vendor === 0xffff || vendor === 0) {
        if (fn === 0) break;
        continue;
      }
      out.push(cfg);
      const headerType = cfg.read(0x0e, 1);
      if ((headerType & 0x7f) === 1) {
        const secondary = cfg.read(0x19, 1);
        if (secondary > busNr) out.push(...scanPci(bus, ecamBase, secondary, depth + 1));
      }
      if (fn === 0 && !(headerType & 0x80)) break;
    }
  }
  return out;
}

interface Window {
  addr: number;
  length: number;
}

export class VirtioPciDriverTransport implements VirtioTransport {
  readonly where: string;
  msixEnabled = false;

  private constructor(
    private readonly bus: Bus,
    readonly cfg: EcamConfig,
    readonly deviceType: number,
    private readonly common: number,
    private readonly notifyBase: number,
    private readonly notifyMultiplier: number,
    private readonly device: Window,
    private readonly isr: number,
    readonly irq: number | undefined,
  ) {
    this.where = pciName(cfg.at);
  }

  /** Reading the ISR byte acknowledges it and lowers INTx (§4.1.4.5). */
  ackInterrupt(): number {
    return this.bus.read(this.isr, 1) & 3;
  }

  /** A modern virtio function, set up for use; undefined if `cfg` is not one or lacks a window. */
  static probe(bus: Bus, cfg: EcamConfig, intxIrqs: readonly number[] = []): VirtioPciDriverTransport | undefined {
    const deviceId = cfg.read(2, 2);
    if (cfg.read(0, 2) !== VENDOR_VIRTIO || deviceId < MODERN_BASE || deviceId > MODERN_BASE + 0x3f) return undefined;
    const irq = intxIrq(cfg, intxIrqs);
    const cmd = cfg.read(0x04, 2) | CMD_ENABLE;
    cfg.write(0x04, 2, irq === undefined ? cmd | CMD_INTX_DISABLE : cmd & ~CMD_INTX_DISABLE);
    let common: number | undefined, notify: number | undefined, device: Window | undefined, isr: number | undefined;
    let multiplier = 0;
    let p = cfg.read(0x06, 2) & 0x10 ? cfg.read(0x34, 1) & 0xfc : 0;
    for (let n = 0; p !== 0 && n < 48; n++, p = cfg.read(p + 1, 1) & 0xfc) {
      if (cfg.read(p, 1) !== CAP_VENDOR) continue;
      const type = cfg.read(p + 3, 1);
      const bar = barAddress(cfg, cfg.read(p + 4, 1));
      if (bar === undefined) continue;
      const addr = bar + cfg.read(p + 8, 4);
      if (type === CFG_COMMON) common ??= addr;
      else if (type === CFG_NOTIFY && notify === undefined) {
        notify = addr;
        multiplier = cfg.read(p + 16, 4);
      } else if (type === CFG_DEVICE) device ??= { addr, length: cfg.read(p + 12, 4) };
      else if (type === CFG_ISR) isr ??= addr;
    }
    if (common === undefined || notify === undefined || device === undefined || isr === undefined) return undefined;
    return new VirtioPciDriverTransport(bus, cfg, deviceId - MODERN_BASE, common, notify, multiplier, device, isr, irq);
  }

  deviceFeatures(): bigint {
    this.bus.write(this.common + C.dfSelect, 4, 0);
    const lo = BigInt(this.bus.read(this.common + C.df, 4) >>> 0);
    this.bus.write(this.common + C.dfSelect, 4, 1);
    const hi = BigInt(this.bus.read(this.common + C.df, 4) >>> 0);
    return (hi << 32n) | lo;
  }

  setDriverFeatures(f: bigint): void {
    this.bus.write(this.common + C.gfSelect, 4, 0);
    this.bus.write(this.common + C.gf, 4, Number(f & 0xffff_ffffn));
    this.bus.write(this.common + C.gfSelect, 4, 1);
    this.bus.write(this.common + C.gf, 4, Number((f >> 32n) & 0xffff_ffffn));
  }

  getStatus(): number {
    return this.bus.read(this.common + C.status, 1);
  }

  setStatus(s: number): void {
    this.bus.write(this.common + C.status, 1, s);
    if (s === 0) return;
    this.bus.write(this.common + C.msixConfig, 2, this.msixEnabled ? 0 : NO_VECTOR);
  }

  /** Programs the MSI-X table (vector i = messages[i]) and turns MSI-X on, INTx off (§4.1.4.3, PCI 6.8.2). */
  enableMsix(messages: readonly MsiMessage[]): boolean {
    const cfg = this.cfg;
    let p = cfg.read(0x06, 2) & 0x10 ? cfg.read(0x34, 1) & 0xfc : 0;
    for (let n = 0; p !== 0 && n < 48 && cfg.read(p, 1) !== CAP_MSIX; n++) p = cfg.read(p + 1, 1) & 0xfc;
    if (p === 0 || cfg.read(p, 1) !== CAP_MSIX || messages.length === 0) return false;
    const control = cfg.read(p + 2, 2);
    const tableSize = (control & 0x7ff) + 1;
    const tableReg = cfg.read(p + 4, 4);
    const bar = barAddress(cfg, tableReg & 7);
    if (bar === undefined || tableSize < messages.length) return false;
    const table = bar + (tableReg & ~7);
    // Masked while the entries are written, then enabled (as pci_msix_enable does).
    cfg.write(p + 2, 2, control | MSIX_ENABLE | MSIX_FUNCTION_MASK);
    messages.forEach((m, i) => {
      const e = table + i * 16;
      this.bus.write(e, 4, m.address % 0x1_0000_0000);
      this.bus.write(e + 4, 4, Math.floor(m.address / 0x1_0000_0000));
      this.bus.write(e + 8, 4, m.data);
      this.bus.write(e + 12, 4, 0);
    });
    cfg.write(p + 2, 2, (control | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK);
    cfg.write(0x04, 2, cfg.read(0x04, 2) | CMD_INTX_DISABLE);
    this.msixEnabled = true;
    return true;
  }

  queueMaxSize(index: number): number {
    this.bus.write(this.common + C.queueSelect, 2, index);
    return this.bus.read(this.common + C.queueSize, 2);
  }

  enableQueue(index: number, sizeEntries: number, a: QueueAddrs): void {
    const c = this.common;
    this.bus.write(c + C.queueSelect, 2, index);
    this.bus.write(c + C.queueSize, 2, sizeEntries);
    this.bus.write(c + C.queueMsix, 2, this.msixEnabled ? 1 + index : NO_VECTOR);
    const pairs: Array<[number, number]> = [[C.queueDesc, a.descAddr], [C.queueDriver, a.availAddr], [C.queueDevice, a.usedAddr]];
    for (const [reg, addr] of pairs) {
      this.bus.write(c + reg, 4, addr % 0x1_0000_0000);
      this.bus.write(c + reg + 4, 4, Math.floor(addr / 0x1_0000_0000));
    }
    this.bus.write(c + C.queueEnable, 2, 1);
  }

  notify(index: number): void {
    this.bus.write(this.common + C.queueSelect, 2, index);
    const off = this.bus.read(this.common + C.queueNotifyOff, 2);
    this.bus.write(this.notifyBase + off * this.notifyMultiplier, 2, index);
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    if (offset + size > this.device.length) return 0;
    return this.bus.read(this.device.addr + offset, size) >>> 0;
  }
}

/** The CPU address a memory BAR decodes at (32- or 64-bit), or undefined for I/O or unassigned BARs. */
function barAddress(cfg: EcamConfig, index: number): number | undefined {
  if (index > 5) return undefined;
  const lo = cfg.read(0x10 + index * 4, 4);
  if (lo & 1) return undefined;
  let addr = lo & ~0xf;
  addr = addr >>> 0;
  if (((lo >> 1) & 3) === 2 && index < 5) addr += cfg.read(0x14 + index * 4, 4) * 0x1_0000_0000;
  return addr === 0 ? undefined : addr;
}

/**
 * The controller input INTx of a function on the root bus reaches, from the firmware's routing
 * table (the device tree's interrupt-map on virt, ACPI _PRT on q35): the four PCI interrupts
 * swizzled by slot. Functions behind bridges, or without a pin, are left to polling.
 */
function intxIrq(cfg: EcamConfig, irqs: readonly number[]): number | undefined {
  const pin = cfg.read(0x3d, 1);
  if (cfg.at.bus !== 0 || pin < 1 || pin > 4 || irqs.length !== 4) return undefined;
  return irqs[(pin - 1 + cfg.at.dev) % 4];
}
