// A PCI function as device models plug it in: its configuration space, its BARs (each an
// MmioHandler the host maps onto the Bus when the guest enables decoding), its interrupt
// pin, and its MSI / MSI-X state. Every PCI device model (bridges, virtio-pci, passthrough
// GPUs) is one or more of these. The host (PciHost) owns placement and decoding; a function
// only tells it when a configuration write may have changed what it decodes.

import type { AccessSize } from '../bus/bus';
import { NO_IRQ, type IrqLine } from '../bus/irq';
import { barRegister, type BarSpec } from './bars';
import { findCapability, parseMsiState, parseMsixCap, readerOf, type ConfigRead } from './capabilities';
import type { ConfigSpace } from './config-space';
import type { MsiMessage, MsixTable } from './msix';
import {
  CAP_ID_MSI, CAP_ID_MSIX, COMMAND_INTX_DISABLE, COMMAND_MASTER, HEADER_TYPE_BRIDGE, REG_BRIDGE_CONTROL,
  REG_COMMAND, REG_DEVICE_ID, REG_HEADER_TYPE, REG_INTERRUPT_PIN, REG_IO_BASE, REG_PRIMARY_BUS,
  REG_REVISION, REG_STATUS, REG_SUBORDINATE_BUS, REG_VENDOR_ID, STATUS_INTERRUPT,
} from './regs';

/** What a configuration write touched, so the host redoes only the work it must. */
export type ConfigChange = 'decode' | 'bus-numbers' | 'other';

export interface PciFunctionInit {
  config: ConfigSpace;
  bars?: BarSpec[];
  msix?: MsixTable;
  /** Device-model hook after every guest configuration write (e.g. a virtio reset on FLR). */
  onConfigWrite?: (offset: number, size: AccessSize) => void;
}

export class PciFunction {
  readonly config: ConfigSpace;
  readonly read: ConfigRead;
  private readonly barList: readonly BarSpec[];
  readonly msix: MsixTable | undefined;
  private readonly deviceHook: ((offset: number, size: AccessSize) => void) | undefined;
  /** Set by the host: told after writes that may change decoding or bus numbering. */
  onChange: ((change: ConfigChange) => void) | undefined;
  /** Set by the host: the INTx line after swizzling. */
  intx: IrqLine = NO_IRQ;
  /** Set by the host: performs an MSI write (a DMA write of `data` to `address`). */
  msiSink: ((message: MsiMessage) => void) | undefined;
  private intxLevel = false;

  constructor(init: PciFunctionInit) {
    this.config = init.config;
    this.read = readerOf(init.config);
    this.barList = init.bars ?? [];
    this.msix = init.msix;
    this.deviceHook = init.onConfigWrite;
    if (this.msix) this.msix.onUnmask = (v) => this.redeliverPending(v);
  }

  get vendorId(): number { return this.config.get16(REG_VENDOR_ID); }
  get deviceId(): number { return this.config.get16(REG_DEVICE_ID); }
  get revision(): number { return this.config.get8(REG_REVISION); }
  /** The 24-bit class code (base class, subclass, programming interface). */
  get classCode(): number { return this.config.get32(REG_REVISION) >>> 8; }
  get isBridge(): boolean { return (this.config.get8(REG_HEADER_TYPE) & 0x7f) === HEADER_TYPE_BRIDGE; }
  get multifunctionBit(): boolean { return (this.config.get8(REG_HEADER_TYPE) & 0x80) !== 0; }
  get interruptPin(): number { return this.config.get8(REG_INTERRUPT_PIN); }
  get bars(): readonly BarSpec[] { return this.barList; }

  readConfig(offset: number, size: AccessSize): number {
    return this.config.read(offset, size);
  }

  writeConfig(offset: number, size: AccessSize, value: number): void {
    this.config.write(offset, size, value);
    this.deviceHook?.(offset, size);
    if (overlaps(offset, size, REG_COMMAND, 2) && this.intxLevel) this.driveIntx();
    this.onChange?.(this.classify(offset, size));
  }

  private classify(offset: number, size: AccessSize): ConfigChange {
    if (overlaps(offset, size, REG_COMMAND, 2)) return 'decode';
    const barEnd = barRegister(this.isBridge ? 2 : 6);
    if (overlaps(offset, size, barRegister(0), barEnd - barRegister(0))) return 'decode';
    if (!this.isBridge) return 'other';
    if (overlaps(offset, size, REG_PRIMARY_BUS, REG_SUBORDINATE_BUS - REG_PRIMARY_BUS + 1)) return 'bus-numbers';
    if (overlaps(offset, size, REG_IO_BASE, 0x34 - REG_IO_BASE)) return 'decode';
    if (overlaps(offset, size, REG_BRIDGE_CONTROL, 2)) return 'decode';
    return 'other';
  }

  /** The device raises or lowers its INTx pin; INTx Disable in the command register gates it. */
  setIntx(level: boolean): void {
    this.intxLevel = level;
    const status = this.config.get16(REG_STATUS);
    this.config.set16(REG_STATUS, level ? status | STATUS_INTERRUPT : status & ~STATUS_INTERRUPT);
    this.driveIntx();
  }

  private driveIntx(): void {
    const disabled = (this.config.get16(REG_COMMAND) & COMMAND_INTX_DISABLE) !== 0;
    this.intx.set(this.intxLevel && !disabled);
  }

  /**
   * Signal interrupt `vector` the way the guest configured: MSI-X if enabled, else MSI, else
   * pulse nothing and report false so the model can fall back to INTx. Messages are memory
   * writes, so they need bus mastering enabled.
   */
  signalMsi(vector: number): boolean {
    const msixAt = findCapability(this.read, CAP_ID_MSIX);
    const master = (this.config.get16(REG_COMMAND) & COMMAND_MASTER) !== 0;
    if (msixAt !== undefined && this.msix) {
      const cap = parseMsixCap(this.read, msixAt);
      if (cap.enabled) {
        if (vector < 0 || vector >= this.msix.vectors) return true;
        const e = this.msix.entry(vector);
        if (e.masked || cap.functionMask || !master) this.msix.setPending(vector, true);
        else this.msiSink?.(e.message);
        return true;
      }
    }
    const msiAt = findCapability(this.read, CAP_ID_MSI);
    if (msiAt === undefined) return false;
    const msi = parseMsiState(this.read, msiAt);
    if (!msi.enabled) return false;
    if (!master || vector >= msi.vectorsEnabled || (msi.maskBits >>> vector) & 1) return true;
    this.msiSink?.({ address: msi.address, data: (msi.data & ~(msi.vectorsEnabled - 1)) | vector });
    return true;
  }

  private redeliverPending(vector: number): void {
    if (!this.msix?.isPending(vector)) return;
    const e = this.msix.entry(vector);
    const msixAt = findCapability(this.read, CAP_ID_MSIX);
    if (e.masked || msixAt === undefined || parseMsixCap(this.read, msixAt).functionMask) return;
    this.msix.setPending(vector, false);
    this.msiSink?.(e.message);
  }
}

function overlaps(off: number, size: number, start: number, len: number): boolean {
  return off < start + len && start < off + size;
}
