// The QEMU device drivers (`-device NAME`) twinbox knows: what kind of thing each is and which
// machine types take it. Availability follows qemu-system-{aarch64,x86_64} 7.2 (`-device help`):
// virtio-vga, qxl-vga and intel-iommu exist only in the x86 build; virtio-mmio (`*-device`)
// drivers need the virtio-mmio transports that only `virt` creates. The device models themselves
// (IDs, BARs, capabilities) live in emulator/pci and devices/; this table only names them.

import type { MachineType } from './types';

export type DriverKind =
  /** A PCI(e) function that sits on a bus and provides none. */
  | 'pci-endpoint'
  | 'pcie-root-port'
  | 'pcie-switch-upstream'
  | 'pcie-switch-downstream'
  /** A bridge whose secondary side is conventional PCI (pci-bridge, pcie-pci-bridge). */
  | 'pci-bridge'
  /** A virtio device on one of virt's virtio-mmio transports. */
  | 'virtio-mmio'
  /** A system-bus device with no PCI function of its own (intel-iommu). */
  | 'system'
  /** The host bridge function at 00:00.0, part of the machine itself. */
  | 'host-bridge';

export interface DriverInfo {
  name: string;
  kind: DriverKind;
  machines: readonly MachineType[];
  /** False for parts of the machine that QEMU refuses with -device ("expects a pluggable device type"). */
  userCreatable: boolean;
  /** A display that replaces QEMU's default VGA when given with -device (vl.c `default_list`). */
  replacesDefaultVga: boolean;
  summary: string;
}

const BOTH: readonly MachineType[] = ['virt', 'q35'];
const Q35: readonly MachineType[] = ['q35'];
const VIRT: readonly MachineType[] = ['virt'];

function driver(
  name: string,
  kind: DriverKind,
  machines: readonly MachineType[],
  summary: string,
  flags: { userCreatable?: boolean; replacesDefaultVga?: boolean } = {},
): DriverInfo {
  return {
    name,
    kind,
    machines,
    summary,
    userCreatable: flags.userCreatable ?? true,
    replacesDefaultVga: flags.replacesDefaultVga ?? false,
  };
}

const DRIVER_LIST: readonly DriverInfo[] = [
  driver('virtio-blk-pci', 'pci-endpoint', BOTH, 'virtio block device (PCI transport)'),
  driver('virtio-net-pci', 'pci-endpoint', BOTH, 'virtio network device (PCI transport)'),
  driver('virtio-gpu-pci', 'pci-endpoint', BOTH, 'virtio GPU without VGA compatibility'),
  driver('virtio-rng-pci', 'pci-endpoint', BOTH, 'virtio entropy source (PCI transport)'),
  driver('virtio-balloon-pci', 'pci-endpoint', BOTH, 'virtio memory balloon (PCI transport)'),
  driver('virtio-keyboard-pci', 'pci-endpoint', BOTH, 'virtio keyboard (virtio-input, PCI transport)'),
  driver('virtio-serial-pci', 'pci-endpoint', BOTH, 'virtio console/serial controller (PCI transport)'),
  driver('virtio-scsi-pci', 'pci-endpoint', BOTH, 'virtio SCSI host adapter (PCI transport)'),
  driver('virtio-vga', 'pci-endpoint', Q35, 'virtio GPU with a VGA-compatible front end', { replacesDefaultVga: true }),
  driver('VGA', 'pci-endpoint', BOTH, 'standard VGA (Bochs display interface, 1234:1111)', { replacesDefaultVga: true }),
  driver('qxl-vga', 'pci-endpoint', Q35, 'QXL paravirtual display, VGA compatible', { replacesDefaultVga: true }),
  driver('e1000', 'pci-endpoint', BOTH, 'Intel 82540EM gigabit Ethernet (conventional PCI)'),
  driver('e1000e', 'pci-endpoint', BOTH, 'Intel 82574L gigabit Ethernet (PCIe)'),
  driver('ich9-intel-hda', 'pci-endpoint', BOTH, 'Intel ICH9 HD Audio controller'),
  driver('ich9-ahci', 'pci-endpoint', BOTH, 'Intel ICH9 AHCI SATA controller'),
  driver('nvme', 'pci-endpoint', BOTH, 'NVM Express controller'),
  driver('qemu-xhci', 'pci-endpoint', BOTH, 'USB 3 xHCI host controller'),
  driver('vfio-pci', 'pci-endpoint', BOTH, 'a host PCI device passed through with VFIO'),
  driver('pcie-root-port', 'pcie-root-port', BOTH, 'generic PCIe root port (1b36:000c)'),
  driver('x3130-upstream', 'pcie-switch-upstream', BOTH, 'TI X3130 PCIe switch upstream port'),
  driver('xio3130-downstream', 'pcie-switch-downstream', BOTH, 'TI XIO3130 PCIe switch downstream port'),
  driver('pcie-pci-bridge', 'pci-bridge', BOTH, 'PCIe-to-PCI bridge (1b36:000e)'),
  driver('pci-bridge', 'pci-bridge', BOTH, 'PCI-to-PCI bridge (1b36:0001)'),
  driver('intel-iommu', 'system', Q35, 'Intel VT-d IOMMU (DMAR)'),
  // QEMU's amd-iommu also shows a PCI function (1022:0020); twinbox models only the IVRS side.
  driver('amd-iommu', 'system', Q35, 'AMD IOMMU (AMD-Vi, IVRS table)'),
  driver('virtio-blk-device', 'virtio-mmio', VIRT, 'virtio block device (MMIO transport)'),
  driver('virtio-net-device', 'virtio-mmio', VIRT, 'virtio network device (MMIO transport)'),
  driver('virtio-gpu-device', 'virtio-mmio', VIRT, 'virtio GPU (MMIO transport)'),
  driver('virtio-rng-device', 'virtio-mmio', VIRT, 'virtio entropy source (MMIO transport)'),
  driver('virtio-serial-device', 'virtio-mmio', VIRT, 'virtio console/serial controller (MMIO transport)'),
  // Parts of the machines: listed so implicit devices have an entry, refused with -device.
  driver('mch', 'host-bridge', Q35, 'Q35 memory controller hub, host bridge at 00:00.0 (8086:29c0)', { userCreatable: false }),
  driver('gpex-root', 'host-bridge', VIRT, 'generic PCIe host bridge function at 00:00.0 (1b36:0008)', { userCreatable: false }),
  driver('ICH9-LPC', 'pci-endpoint', Q35, 'ICH9 LPC/ISA bridge at 00:1f.0 (8086:2918)', { userCreatable: false }),
  driver('ICH9-SMB', 'pci-endpoint', Q35, 'ICH9 SMBus controller at 00:1f.3 (8086:2930)', { userCreatable: false }),
];

export const DRIVERS: ReadonlyMap<string, DriverInfo> = new Map(DRIVER_LIST.map((d) => [d.name, d]));

/** QEMU's short aliases (`-device help` lists them), resolved to the driver they name. */
export const DRIVER_ALIASES: ReadonlyMap<string, string> = new Map([
  ['virtio-blk', 'virtio-blk-pci'],
  ['virtio-net', 'virtio-net-pci'],
  ['virtio-gpu', 'virtio-gpu-pci'],
  ['virtio-rng', 'virtio-rng-pci'],
  ['virtio-serial', 'virtio-serial-pci'],
  ['virtio-scsi', 'virtio-scsi-pci'],
  ['ahci', 'ich9-ahci'],
]);

export function lookupDriver(name: string): DriverInfo | undefined {
  return DRIVERS.get(DRIVER_ALIASES.get(name) ?? name);
}

export function providesBus(kind: DriverKind): boolean {
  return kind === 'pcie-root-port' || kind === 'pcie-switch-upstream' || kind === 'pcie-switch-downstream' || kind === 'pci-bridge';
}

export function isPciKind(kind: DriverKind): boolean {
  return kind !== 'virtio-mmio' && kind !== 'system';
}
