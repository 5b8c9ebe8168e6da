// Bringing PCI up at boot, as Linux's pci_subsys_init and the IOMMU init do: decide the
// IOMMU from the platform and command line, scan through ECAM, form groups, bind drivers,
// and register the VFIO character devices. The kernel keeps the result as `k.pci`.

import type { FsNode } from '../../fs/node';
import { makeDev } from '../../fs/tmpfs';
import { devtmpfsRoot } from '../../kernel/filesystems';
import type { Kernel } from '../../kernel/kernel';
import { ecamAccess } from './config-access';
import { decideIommu } from './iommu';
import { PciSubsystem } from './pci-core';
import { PciSysfs } from './sysfs-pci';
import { VFIO_GROUP_MAJOR, VFIO_MISC_MINOR, Vfio } from './vfio';

export interface KernelPci {
  readonly subsystem: PciSubsystem;
  readonly vfio: Vfio;
  /** Adds the PCI directories to a freshly mounted sysfs. */
  populateSysfs(root: FsNode): void;
}

export function probePci(k: Kernel): KernelPci {
  const m = k.machine;
  const iommu = decideIommu(m.description, k.cmdline);
  for (const line of iommu.log) k.klog.printk(line);
  let vfio: Vfio | undefined;
  const sync = () => vfio?.syncNodes(devtmpfsRoot(k), k.now);
  const subsystem = new PciSubsystem(ecamAccess(m.bus, m.layout.ecam.base, m.layout.ecam.sizeBytes), iommu, {
    log: (line) => k.klog.printk(line),
    bindingChanged: sync,
  });
  vfio = new Vfio(subsystem);
  // x86 probes the 0xCF8 mechanism before MMCONFIG takes over; arm64 only has ECAM.
  if (m.description.machine === 'q35') k.klog.printk('PCI: Using configuration type 1 for base access');
  subsystem.probe(k.cmdline);
  k.klog.printk('VFIO - User Level meta-driver version: 0.3');
  const v = vfio;
  k.devices.set(makeDev(10, VFIO_MISC_MINOR), (_t, flags, path) => v.openContainer(flags, path));
  for (const g of subsystem.groupIds()) k.devices.set(makeDev(VFIO_GROUP_MAJOR, g), (_t, flags, path) => v.openGroup(g, flags, path));
  sync();
  return { subsystem, vfio: v, populateSysfs: (root) => new PciSysfs(k.vfs, subsystem).populate(root) };
}
