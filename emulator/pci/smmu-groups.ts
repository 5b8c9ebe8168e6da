// IOMMU groups on a DT platform with an SMMUv3 (QEMU's -M virt,iommu=smmuv3), as Linux 6.12
// forms them. There a PCI device reaches iommu_probe_device only through a driver probe
// (really_probe → pci_dma_configure → of_iommu_configure), so a device no driver tries (the
// host bridge, a NIC whose module is not loaded) has no group. The probes run from the deferred
// list once the SMMU itself has probed, which keeps driver registration order, then device
// order; a driver whose probe later refuses the device (pcieport on a PCIe-to-PCI bridge) has
// already configured DMA. Linux asks for ACS (pci_request_acs) only after the host bridge has
// been enumerated, so ports are not isolated: scan with enableAcs false.
// The SMMU driver identifies a master by its stream IDs, one per DMA alias
// (pci_for_each_dma_alias); arm_smmu_insert_master refuses (-EBUSY) a device whose stream ID
// another master already owns, so that device fails dma_configure: no group, no driver. This
// is what happens to a device behind a conventional bridge behind a PCIe-to-PCI bridge, or to
// the second device behind one PCIe-to-PCI bridge.

import { hasPcieBridgeAliasQuirk, IommuGroupBuilder, type IommuGroup, type IommuGroupOptions } from './iommu-groups';
import type { ConfigAccess } from './enumerate';
import type { LinuxPciDev } from './linux-scan';

/** Whether a driver's ID table matches a device (pci_match_device), in registration order. */
export type DriverMatch = (dev: LinuxPciDev) => boolean;

/** Devices in the order their first matching driver probes them; unmatched devices are left out. */
export function smmuProbeOrder(devs: readonly LinuxPciDev[], drivers: readonly DriverMatch[]): LinuxPciDev[] {
  const keyed: Array<{ dev: LinuxPciDev; driver: number; index: number }> = [];
  devs.forEach((dev, index) => {
    const driver = drivers.findIndex((m) => m(dev));
    if (driver >= 0) keyed.push({ dev, driver, index });
  });
  keyed.sort((a, b) => a.driver - b.driver || a.index - b.index);
  return keyed.map((k) => k.dev);
}

/** The built-in PCI drivers of Debian's 6.12 arm64 kernels that match QEMU devices, in link order. */
export const DEBIAN_ARM64_BUILTIN_MATCHES: readonly DriverMatch[] = [
  // pcieport: PCI-to-PCI bridge classes (normal, subtractive); the port type is checked in probe.
  (d) => d.classCode === 0x060400 || d.classCode === 0x060401,
  // shpchp (CONFIG_HOTPLUG_PCI_SHPC=y) matches the same class after pcieport, whose attempt has
  // already configured DMA; its probe leaves QEMU's pcie-pci-bridge unbound (captured on virt and q35).
  // virtio-pci: every Red Hat/Qumranet device ID; the probe checks the range.
  (d) => d.vendorId === 0x1af4,
];

const rid = (bus: number, devfn: number): number => ((bus & 0xff) << 8) | (devfn & 0xff);

/** The requester IDs the device's DMA can carry (pci_for_each_dma_alias), each a stream ID of the SMMU. */
export function streamIds(dev: LinuxPciDev): number[] {
  const ids = [rid(dev.bus, dev.devfn)];
  for (let b = dev.upstream, depth = 0; b && depth < 256; b = b.upstream, depth++) {
    const t = b.pcieType;
    if (t === 'rootPort' || t === 'upstreamPort' || t === 'downstreamPort') continue;
    // A PCIe-to-PCI bridge (or a quirked one) forwards as (secondary bus, devfn 0); a conventional one as itself.
    const aliasesAsBus = t === 'pcieToPciBridge' || (t === undefined && hasPcieBridgeAliasQuirk(b));
    ids.push(aliasesAsBus ? rid(b.secondaryBus ?? 0, 0) : rid(b.bus, b.devfn));
  }
  return [...new Set(ids)];
}

/** iommu_probe_device through the SMMUv3 driver: stream IDs must be the device's own. */
export class SmmuGroups {
  private readonly builder: IommuGroupBuilder;
  private readonly owner = new Map<number, LinuxPciDev>();
  private readonly groupOf = new Map<LinuxPciDev, number>();

  constructor(devs: readonly LinuxPciDev[], access: ConfigAccess, options: IommuGroupOptions = {}) {
    this.builder = new IommuGroupBuilder(devs, access, options);
  }

  /** The device's group, or undefined when a stream ID is taken (the probe fails with -EBUSY). */
  probe(dev: LinuxPciDev): number | undefined {
    const had = this.groupOf.get(dev);
    if (had !== undefined) return had;
    const ids = streamIds(dev);
    if (ids.some((id) => this.owner.has(id))) return undefined;
    for (const id of ids) this.owner.set(id, dev);
    const g = this.builder.add(dev);
    this.groupOf.set(dev, g);
    return g;
  }

  get groups(): readonly IommuGroup[] {
    return this.builder.groups;
  }
}

/** Groups as virt+SMMUv3 Linux numbers them for the given driver set. */
export function smmuIommuGroups(
  devs: readonly LinuxPciDev[], access: ConfigAccess, drivers: readonly DriverMatch[], options: IommuGroupOptions = {},
): IommuGroup[] {
  const smmu = new SmmuGroups(devs, access, options);
  for (const dev of smmuProbeOrder(devs, drivers)) smmu.probe(dev);
  return [...smmu.groups];
}
