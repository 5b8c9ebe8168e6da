// IOMMU groups as Linux forms them for PCI (drivers/iommu/iommu.c pci_device_group, with
// drivers/pci/pci.c pci_acs_enabled / pci_acs_path_enabled and drivers/pci/search.c
// pci_for_each_dma_alias). Devices are probed in Linux's device-list order and each either
// joins an existing group or gets the next number:
//   1. follow DMA aliases upstream — a PCIe-to-PCI bridge (or a conventional bridge) takes
//      the requester ID of everything behind it, so those devices group with it;
//   2. climb bridge by bridge until the path to the root is ACS-isolated (SV, RR, CR, UF);
//      a non-isolated bridge's group swallows the device;
//   3. join devices on the same bus that are DMA aliases (quirks), and, for a multifunction
//      device without ACS, the other functions of its slot that lack ACS too.
// The ACS registers are read through configuration cycles, so what the guest (or Linux's own
// ACS enabling) wrote is what counts; device-specific answers come from acs-quirks.ts.

import { quirkAcsEnabled } from './acs-quirks';
import type { ConfigAccess } from './enumerate';
import type { LinuxPciDev } from './linux-scan';
import { ACS_CR, ACS_EC, ACS_RR, ACS_SV, ACS_UF } from './regs';

/** The flags pci_device_group requires (REQ_ACS_FLAGS). */
export const REQ_ACS_FLAGS = ACS_SV | ACS_RR | ACS_CR | ACS_UF;
const MAX_DEPTH = 256;

/** `pcie_acs_override=` of the out-of-tree ACS override patch (linux-zen, many distro kernels; not Debian's). */
export interface AcsOverride {
  downstream: boolean;
  multifunction: boolean;
  ids: Array<{ vendorId: number; deviceId: number }>;
}

export function parseAcsOverride(text: string): AcsOverride | { error: string } {
  const o: AcsOverride = { downstream: false, multifunction: false, ids: [] };
  for (const part of text.split(',').filter((p) => p.length > 0)) {
    if (part === 'downstream') o.downstream = true;
    else if (part === 'multifunction') o.multifunction = true;
    else {
      const m = /^id:([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/.exec(part);
      if (!m) return { error: `pcie_acs_override: unrecognised option '${part}'` };
      o.ids.push({ vendorId: parseInt(m[1], 16), deviceId: parseInt(m[2], 16) });
    }
  }
  return o;
}

/** DMA alias quirks from drivers/pci/quirks.c: devices that also issue DMA as another function, or bridges aliasing like PCIe-to-PCI. */
export interface DmaAliasQuirk { vendorId: number; deviceId: number; alias: 'func0' | 'func1' | 'pcie-bridge' }

export const DMA_ALIAS_QUIRKS: readonly DmaAliasQuirk[] = [
  ...[0x9120, 0x9123, 0x9125, 0x9128, 0x9130, 0x9172, 0x917a, 0x91a0, 0x9230].map(
    (deviceId): DmaAliasQuirk => ({ vendorId: 0x1b4b, deviceId, alias: 'func1' }), // Marvell SATA controllers
  ),
  { vendorId: 0x1180, deviceId: 0xe832, alias: 'func0' }, // Ricoh R5C832 card readers
  { vendorId: 0x1180, deviceId: 0xe476, alias: 'func0' },
  { vendorId: 0x1b21, deviceId: 0x1080, alias: 'pcie-bridge' }, // ASMedia ASM1083/1085 PCIe-to-PCI bridge
  { vendorId: 0x10e3, deviceId: 0x8113, alias: 'pcie-bridge' }, // Tundra Tsi381
  { vendorId: 0x1283, deviceId: 0x8892, alias: 'pcie-bridge' }, // ITE 8892
  { vendorId: 0x1283, deviceId: 0x8893, alias: 'pcie-bridge' },
];

export interface IommuGroupOptions {
  acsOverride?: AcsOverride;
  /** The platform has an ACPI IVRS table (AMD IOMMU): enables the AMD southbridge ACS quirk. */
  acpiIvrs?: boolean;
  /** Extra alias quirks (tests, host profiles); DMA_ALIAS_QUIRKS always apply. */
  dmaAliasQuirks?: readonly DmaAliasQuirk[];
}

export interface IommuGroup {
  /** The number Linux gives it: /sys/kernel/iommu_groups/N. */
  id: number;
  /** Members in probe order. */
  devices: LinuxPciDev[];
}

class Grouper {
  private readonly groupOf = new Map<LinuxPciDev, number>();
  readonly groups: IommuGroup[] = [];
  private readonly quirks: readonly DmaAliasQuirk[];

  constructor(private readonly devs: readonly LinuxPciDev[], private readonly access: ConfigAccess, private readonly options: IommuGroupOptions) {
    this.quirks = [...DMA_ALIAS_QUIRKS, ...(options.dmaAliasQuirks ?? [])];
  }

  run(): IommuGroup[] {
    for (const dev of this.devs) this.add(dev);
    return this.groups;
  }

  /** iommu_probe_device for one device: its group (joined or new); a device already added keeps its own. */
  add(dev: LinuxPciDev): number {
    const had = this.groupOf.get(dev);
    if (had !== undefined) return had;
    let id = this.deviceGroup(dev);
    if (id === undefined) {
      id = this.groups.length;
      this.groups.push({ id, devices: [] });
    }
    this.groupOf.set(dev, id);
    this.groups[id].devices.push(dev);
    return id;
  }

  /** pci_device_group: an existing group to join, or undefined for a new one. */
  private deviceGroup(start: LinuxPciDev): number | undefined {
    let pdev = start;
    const viaAlias = this.forEachDmaAlias(start, (d) => {
      pdev = d;
      return this.groupOf.get(d);
    });
    if (viaAlias !== undefined) return viaAlias;
    let depth = 0;
    for (let bridge = pdev.upstream; bridge && depth < MAX_DEPTH; bridge = bridge.upstream, depth++) {
      if (this.acsPathEnabled(bridge)) break;
      pdev = bridge;
      const g = this.groupOf.get(pdev);
      if (g !== undefined) return g;
    }
    const seen = new Set<number>();
    return this.aliasGroup(pdev, seen) ?? this.functionAliasGroup(pdev, seen);
  }

  /** pci_for_each_dma_alias: the device, then each bridge upstream that takes over its requester ID. */
  private forEachDmaAlias(dev: LinuxPciDev, fn: (d: LinuxPciDev) => number | undefined): number | undefined {
    const own = fn(dev);
    if (own !== undefined) return own;
    let depth = 0;
    for (let b = dev.upstream; b && depth < MAX_DEPTH; b = b.upstream, depth++) {
      const t = b.pcieType;
      if (t === 'rootPort' || t === 'upstreamPort' || t === 'downstreamPort') continue;
      if (t === 'pcieToPciBridge' || t === 'pciToPcieBridge' || t === undefined) {
        const g = fn(b);
        if (g !== undefined) return g;
      }
    }
    return undefined;
  }

  private aliasGroup(pdev: LinuxPciDev, seen: Set<number>): number | undefined {
    if (seen.has(pdev.devfn)) return undefined;
    seen.add(pdev.devfn);
    const g = this.groupOf.get(pdev);
    if (g !== undefined) return g;
    for (const tmp of this.devs) {
      if (tmp === pdev || tmp.bus !== pdev.bus || !this.areDmaAliases(pdev, tmp)) continue;
      const found = this.aliasGroup(tmp, seen) ?? this.functionAliasGroup(tmp, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private functionAliasGroup(pdev: LinuxPciDev, seen: Set<number>): number | undefined {
    if (!pdev.multifunction || this.acsEnabled(pdev, REQ_ACS_FLAGS)) return undefined;
    for (const tmp of this.devs) {
      if (tmp === pdev || tmp.bus !== pdev.bus || tmp.devfn >> 3 !== pdev.devfn >> 3) continue;
      if (this.acsEnabled(tmp, REQ_ACS_FLAGS)) continue;
      const found = this.aliasGroup(tmp, seen);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private aliasFns(dev: LinuxPciDev): number[] {
    const out: number[] = [];
    for (const q of this.quirks) {
      if (q.vendorId !== dev.vendorId || q.deviceId !== dev.deviceId) continue;
      if (q.alias === 'func0') out.push(dev.devfn & ~7);
      if (q.alias === 'func1') out.push((dev.devfn & ~7) | 1);
    }
    return out;
  }

  private areDmaAliases(a: LinuxPciDev, b: LinuxPciDev): boolean {
    return this.aliasFns(a).includes(b.devfn) || this.aliasFns(b).includes(a.devfn);
  }

  /** pci_acs_path_enabled(start, NULL): every device from `start` up to the root bus isolates. */
  acsPathEnabled(start: LinuxPciDev): boolean {
    let depth = 0;
    for (let d: LinuxPciDev | undefined = start; d && depth < MAX_DEPTH; d = d.upstream, depth++) {
      if (!this.acsEnabled(d, REQ_ACS_FLAGS)) return false;
    }
    return true;
  }

  /** pci_acs_enabled. */
  acsEnabled(dev: LinuxPciDev, flags: number): boolean {
    const quirk = this.acsQuirk(dev, flags);
    if (quirk !== undefined) return quirk;
    switch (dev.pcieType) {
      case undefined: // conventional PCI/PCI-X: a shared bus, never isolated
      case 'pcieToPciBridge':
      case 'pciToPcieBridge':
      case 'rcEventCollector':
        return false;
      case 'downstreamPort':
      case 'rootPort':
        return this.acsFlagsEnabled(dev, flags);
      case 'endpoint':
      case 'upstreamPort':
      case 'legacyEndpoint':
      case 'rcIntegratedEndpoint':
        return dev.multifunction ? this.acsFlagsEnabled(dev, flags) : true;
    }
  }

  /** Capabilities a device does not advertise count as hard-wired on (except egress control). */
  private acsFlagsEnabled(dev: LinuxPciDev, flags: number): boolean {
    if (dev.acsOffset === undefined) return false;
    const cap = this.access.read(dev.bus, dev.devfn, dev.acsOffset + 4, 2);
    const ctrl = this.access.read(dev.bus, dev.devfn, dev.acsOffset + 6, 2);
    const required = flags & (cap | ACS_EC);
    return (ctrl & required) === required;
  }

  /** pci_dev_specific_acs_enabled: Linux's table, then (last, as the patch adds it) the override. */
  private acsQuirk(dev: LinuxPciDev, flags: number): boolean | undefined {
    const inTree = quirkAcsEnabled(dev, flags, { access: this.access, acpiIvrs: this.options.acpiIvrs === true });
    if (inTree !== undefined) return inTree;
    const o = this.options.acsOverride;
    if (!o || dev.pcieType === undefined || dev.acsOffset !== undefined) return undefined;
    if (o.ids.some((i) => i.vendorId === dev.vendorId && i.deviceId === dev.deviceId)) return true;
    const t = dev.pcieType;
    if ((t === 'downstreamPort' || t === 'rootPort') && o.downstream) return true;
    const endpointLike = t === 'endpoint' || t === 'upstreamPort' || t === 'legacyEndpoint' || t === 'rcIntegratedEndpoint';
    if (endpointLike && o.multifunction && dev.multifunction) return true;
    return undefined;
  }
}

/**
 * Groups formed one device at a time, in the order the caller probes them: on DT platforms
 * (virt with SMMUv3) Linux calls iommu_probe_device from a driver probe's dma_configure, so
 * only devices a driver tried get a group, numbered in that order. `devs` is the whole
 * device list (aliases and slot functions are looked up in it).
 */
export class IommuGroupBuilder {
  private readonly grouper: Grouper;
  constructor(devs: readonly LinuxPciDev[], access: ConfigAccess, options: IommuGroupOptions = {}) {
    this.grouper = new Grouper(devs, access, options);
  }
  add(dev: LinuxPciDev): number {
    return this.grouper.add(dev);
  }
  get groups(): readonly IommuGroup[] {
    return this.grouper.groups;
  }
}

/** Groups in the order Linux numbers them. `devs` must be in Linux's device-list order (linuxScan). */
export function computeIommuGroups(devs: readonly LinuxPciDev[], access: ConfigAccess, options: IommuGroupOptions = {}): IommuGroup[] {
  return new Grouper(devs, access, options).run();
}

/** The `pcie-bridge` alias quirk: a conventional bridge that aliases like a PCIe-to-PCI bridge (to its secondary bus). */
export function hasPcieBridgeAliasQuirk(dev: LinuxPciDev): boolean {
  return DMA_ALIAS_QUIRKS.some((q) => q.alias === 'pcie-bridge' && q.vendorId === dev.vendorId && q.deviceId === dev.deviceId);
}
