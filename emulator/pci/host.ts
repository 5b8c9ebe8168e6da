// The PCI host: what a Machine owns to have PCI. It builds the tree from the machine's device
// list, maps the ECAM window (and on q35 the 0xCF8/0xCFC ports) onto the Bus, runs the
// firmware's part (bus numbering, BAR and window assignment), keeps BAR decoding in step with
// the guest's configuration writes, routes INTx through the bridge swizzle to the interrupt
// controller, delivers MSI/MSI-X as memory writes, and answers what Linux would see: the
// device list and the IOMMU groups.

import type { Bus } from '../bus/bus';
import type { IrqLine } from '../bus/irq';
import type { DeviceSpec, MachineType } from '../machine/description/types';
import type { MemoryLayout } from '../machine/layout';
import { BarDecoder, type LiveBar } from './decode';
import { EcamWindow, LegacyConfigPorts } from './ecam';
import { assignBusNumbers, treeAccess, type ConfigAccess } from './enumerate';
import { computeIommuGroups, type IommuGroup, type IommuGroupOptions } from './iommu-groups';
import { linuxScan, type LinuxPciDev } from './linux-scan';
import type { MsiMessage, MsixSnapshot } from './msix';
import { assignResources } from './resources';
import { buildTopology, type FunctionFactory } from './topology';
import type { PciDeviceNode, PciTree } from './tree';

export interface PciHostOptions {
  machine: MachineType;
  layout: MemoryLayout;
  bus: Bus;
  devices: readonly DeviceSpec[];
  /** The interrupt controller input for a GSI (q35) or GIC interrupt ID (virt). */
  irqLine?: (n: number) => IrqLine;
  factory?: FunctionFactory;
  /** Delivers an MSI (the Machine's signalMsi: LAPIC on q35, a bus write otherwise); default: a bus write if it decodes. */
  msi?: (address: number, data: number) => void;
  /** Run the firmware's bus numbering and resource assignment (default true). */
  firmware?: boolean;
}

export type PciHostResult = { ok: true; host: PciHost } | { ok: false; error: string };

/** A level-triggered line shared by several functions: high while any of them asserts. */
class SharedLine {
  private readonly asserted = new Set<number>();
  constructor(private readonly out: IrqLine) {}
  source(uid: number): IrqLine {
    return {
      set: (level) => {
        if (level) this.asserted.add(uid);
        else this.asserted.delete(uid);
        this.out.set(this.asserted.size > 0);
      },
    };
  }
}

const LEGACY_CONFIG_PORT = 0xcf8;

export class PciHost {
  readonly ecam: EcamWindow;
  readonly legacyPorts: LegacyConfigPorts | undefined;
  readonly access: ConfigAccess;
  private readonly decoder: BarDecoder;
  readonly firmwareProblems: string[] = [];

  private constructor(readonly tree: PciTree, private readonly options: PciHostOptions) {
    const { bus, layout } = options;
    this.access = treeAccess(tree);
    this.ecam = new EcamWindow(tree, layout.ecam.sizeBytes);
    bus.mapMmio('pci-ecam', layout.ecam.base, layout.ecam.sizeBytes, this.ecam);
    if (options.machine === 'q35') {
      this.legacyPorts = new LegacyConfigPorts(tree);
      bus.mapIo('pci-config', LEGACY_CONFIG_PORT, 8, this.legacyPorts);
    }
    const io = options.machine === 'q35' ? { kind: 'ports' as const } : { kind: 'mmio' as const, cpuBase: layout.pciIo.base };
    this.decoder = new BarDecoder(bus, tree, io);
    this.wireInterrupts();
    if (options.firmware !== false) this.runFirmware();
    tree.onDecodeChange = () => this.decoder.refresh();
    this.decoder.refresh();
  }

  /** Build and attach; a description the tree cannot hold comes back as an error, nothing is mapped. */
  static create(options: PciHostOptions): PciHostResult {
    const topo = buildTopology(options.machine, options.devices, options.factory);
    if (!topo.ok) return topo;
    return { ok: true, host: new PciHost(topo.tree, options) };
  }

  private runFirmware(): void {
    assignBusNumbers(this.access);
    const res = assignResources(this.tree, {
      io: { base: 0x1000, sizeBytes: Math.min(this.options.layout.pciIo.sizeBytes, 0x1_0000) - 0x1000 },
      mem: this.options.layout.pciMmio,
    });
    this.firmwareProblems.push(...res.unplaced);
  }

  /** INTx: swizzle (pin - 1 + slot) mod 4 at every bridge up to the root, then the machine's four PCI interrupts. */
  private wireInterrupts(): void {
    const lines = this.options.layout.pciIntx.map((n) => new SharedLine(this.options.irqLine?.(n) ?? { set: () => {} }));
    for (const node of this.tree.allDevices()) {
      node.fn.msiSink = (m) => this.deliverMsi(m);
      const pin = node.fn.interruptPin;
      if (pin >= 1 && pin <= 4 && lines.length === 4) node.fn.intx = lines[rootPinIndex(node, pin - 1)].source(node.uid);
    }
  }

  /** MSIs the bus dropped: the message address decoded nowhere (a master abort for the device, not a CPU fault). */
  droppedMsis = 0;

  /** An MSI is a DWORD memory write by the function (to the LAPIC window on x86, GICv2m/ITS on Arm). */
  private deliverMsi(m: MsiMessage): void {
    if (this.options.msi) {
      this.options.msi(m.address, m.data);
      return;
    }
    const bus = this.options.bus;
    const hits = bus.ram.contains(m.address, 4) || bus.mmioRegions().some((r) => m.address >= r.base && m.address + 4 <= r.base + r.sizeBytes);
    if (hits) bus.write(m.address, 4, m.data);
    else this.droppedMsis++;
  }

  devices(): PciDeviceNode[] {
    return this.tree.allDevices();
  }

  find(qdevId: string): PciDeviceNode | undefined {
    return this.tree.allDevices().find((d) => d.qdevId === qdevId);
  }

  liveBars(): LiveBar[] {
    return this.decoder.current();
  }

  barConflicts(): string[] {
    return this.decoder.conflicts;
  }

  /** Linux's device list, scanned through configuration cycles; `enableAcs` as an IOMMU would request. */
  linuxDevices(enableAcs: boolean): LinuxPciDev[] {
    return linuxScan(this.access, { enableAcs });
  }

  /** IOMMU groups as Linux forms them with an IOMMU on (intel_iommu=on / SMMU / AMD-Vi). */
  iommuGroups(options: IommuGroupOptions = {}): IommuGroup[] {
    return computeIommuGroups(this.linuxDevices(true), this.access, options);
  }

  /** The Machine's Stateful interface. */
  save(): PciHostSnapshot {
    return this.snapshot();
  }

  snapshot(): PciHostSnapshot {
    return {
      functions: this.tree.allDevices().map((d) => ({
        uid: d.uid, config: d.fn.config.bytes.slice(), ...(d.fn.msix ? { msix: d.fn.msix.snapshot() } : {}),
      })),
    };
  }

  restore(s: PciHostSnapshot): void {
    const byUid = new Map(this.tree.allDevices().map((d) => [d.uid, d]));
    for (const f of s.functions) {
      const fn = byUid.get(f.uid)?.fn;
      if (!fn) continue;
      fn.config.bytes.set(f.config.subarray(0, fn.config.sizeBytes));
      if (f.msix) fn.msix?.restore(f.msix);
    }
    this.tree.invalidateRouting();
    this.decoder.refresh();
  }
}

/** Configuration space and MSI-X tables by function; device models snapshot their own registers. */
export interface PciHostSnapshot {
  functions: Array<{ uid: number; config: Uint8Array; msix?: MsixSnapshot }>;
}

/** Interrupt pin index (0 = INTA) at the root after the standard bridge swizzle. */
export function rootPinIndex(node: PciDeviceNode, pinIndex: number): number {
  let pin = pinIndex;
  let at: PciDeviceNode | undefined = node;
  for (let depth = 0; at && depth < 256; depth++) {
    pin = (pin + (at.devfn >> 3)) % 4;
    at = at.parent.bridge;
  }
  return pin;
}

/** The one call a Machine makes. */
export function createPciHost(options: PciHostOptions): PciHostResult {
  return PciHost.create(options);
}
