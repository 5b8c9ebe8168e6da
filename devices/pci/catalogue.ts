// The PCI devices twinbox knows by name: QEMU's devices as QEMU 7.2 presents them (identity,
// header, capability layout and BARs read back from real QEMU: see fixtures/ and
// catalogue.oracle.test.ts) and profiles of real host devices for passthrough topologies.
// Capability templates are listed in the order the device adds them; QEMU puts each new
// capability at the head of the list, so a walk from 0x34 sees them in reverse.
// Virtio devices carry their virtio type: their identity depends on where they are plugged
// (transitional IDs on a root or conventional bus, modern-only IDs behind a PCIe port).

import type { BarKind } from '../../emulator/pci/bars';
import type { PciIdentity } from '../../emulator/pci/header';
import { ACS_CR, ACS_DT, ACS_RR, ACS_SV, ACS_TB, ACS_UF, type PcieTypeName } from '../../emulator/pci/regs';

export type CapTemplate =
  | { kind: 'pcie'; offset: number; version: 1 | 2; link?: { speed: number; width: number } }
  | { kind: 'msi'; offset: number; vectors: number; is64Bit: boolean; perVectorMask: boolean }
  | { kind: 'msix'; offset: number; vectors: number; bar: number; tableOffset: number; pbaOffset: number }
  | { kind: 'pm'; offset: number; pmc: number }
  | { kind: 'ssvid'; offset: number; vendorId: number; subsystemId: number }
  | { kind: 'slot-id'; offset: number }
  | { kind: 'shpc'; offset: number }
  | { kind: 'sata'; offset: number }
  | { kind: 'aer'; offset: number; sizeBytes?: number }
  | { kind: 'dsn'; offset: number }
  | { kind: 'acs'; offset: number; capability: number };

export interface BarTemplate {
  index: number;
  kind: BarKind;
  sizeBytes: number;
  prefetchable?: boolean;
}

/**
 * How a device presents PCI Express: a fixed port type; `auto-endpoint` (root complex
 * integrated endpoint on the root bus, endpoint elsewhere — QEMU's pcie_endpoint_cap_init);
 * `hybrid` (an endpoint only behind a PCIe port, conventional on the root bus, as virtio-pci);
 * undefined for conventional PCI.
 */
export type PcieRole = PcieTypeName | 'auto-endpoint' | 'hybrid';

/** What is behind a bridge: a PCIe link (device 0 only), a switch's internal bus, or conventional PCI. */
export type SecondaryBus = 'pcie-link' | 'pcie-switch' | 'pci';

export interface CatalogueEntry {
  driver: string;
  description: string;
  identity: PciIdentity;
  bridge?: SecondaryBus;
  pcie?: PcieRole;
  interruptPin: number;
  /** The header's multifunction bit is set by the device itself (ICH9 functions, host GPUs). */
  multifunction?: boolean;
  statusBits?: number;
  bars: BarTemplate[];
  caps: CapTemplate[];
  /** Capabilities when plugged behind a PCIe port, if they differ (hybrid devices). */
  capsOnPciePort?: CapTemplate[];
  /** Virtio device type and, if it has one, its transitional device ID. */
  virtio?: { type: number; transitionalDeviceId?: number };
  /** A real host device profile, not something QEMU's -device creates. */
  host?: boolean;
  /** I/O window decoding of a bridge: QEMU's bridges decode 16-bit I/O. */
  bridgeIo32?: boolean;
}

const QEMU_SUBSYSTEM = { subsystemVendorId: 0x1af4, subsystemId: 0x1100 };
const REDHAT = 0x1b36;
const INTEL = 0x8086;
const VIRTIO_VENDOR = 0x1af4;
const STATUS_66MHZ_FASTB2B = 0x00a0;
/** QEMU's downstream ports advertise SV, TB, RR, CR, UF and DT (pcie_acs_init). */
export const QEMU_PORT_ACS = ACS_SV | ACS_TB | ACS_RR | ACS_CR | ACS_UF | ACS_DT;

const MiB = 1024 * 1024;

function id(vendorId: number, deviceId: number, classCode: number, revision: number, subsystem = QEMU_SUBSYSTEM): PciIdentity {
  return { vendorId, deviceId, classCode, revision, ...subsystem };
}

const BRIDGE_ID = (vendorId: number, deviceId: number, revision: number) =>
  id(vendorId, deviceId, 0x060400, revision, { subsystemVendorId: 0, subsystemId: 0 });

// ------------------------------------------------------------------ board devices

const BOARD: CatalogueEntry[] = [
  { driver: 'mch', description: 'q35 host bridge (MCH)', identity: id(INTEL, 0x29c0, 0x060000, 0), interruptPin: 0, bars: [], caps: [] },
  {
    driver: 'ICH9-LPC', description: 'ICH9 LPC bridge', identity: id(INTEL, 0x2918, 0x060100, 2),
    interruptPin: 0, multifunction: true, bars: [], caps: [],
  },
  {
    driver: 'ich9-ahci', description: 'ICH9 SATA AHCI controller', identity: id(INTEL, 0x2922, 0x010601, 2),
    interruptPin: 1, multifunction: true,
    bars: [{ index: 4, kind: 'io', sizeBytes: 32 }, { index: 5, kind: 'mem32', sizeBytes: 4096 }],
    caps: [{ kind: 'sata', offset: 0xa8 }, { kind: 'msi', offset: 0x80, vectors: 1, is64Bit: true, perVectorMask: false }],
  },
  {
    driver: 'ICH9-SMB', description: 'ICH9 SMBus controller', identity: id(INTEL, 0x2930, 0x0c0500, 2),
    interruptPin: 1, multifunction: true, bars: [{ index: 4, kind: 'io', sizeBytes: 64 }], caps: [],
  },
  { driver: 'gpex-root', description: 'virt PCIe host bridge (GPEX)', identity: id(REDHAT, 0x0008, 0x060000, 0), interruptPin: 0, bars: [], caps: [] },
];

// ------------------------------------------------------------------ bridges and ports

const BRIDGES: CatalogueEntry[] = [
  {
    driver: 'pcie-root-port', description: 'PCI Express root port', identity: BRIDGE_ID(REDHAT, 0x000c, 0),
    bridge: 'pcie-link', pcie: 'rootPort', interruptPin: 1,
    bars: [{ index: 0, kind: 'mem32', sizeBytes: 4096 }],
    caps: [
      { kind: 'ssvid', offset: 0x40, vendorId: REDHAT, subsystemId: 0 },
      { kind: 'msix', offset: 0x48, vectors: 1, bar: 0, tableOffset: 0, pbaOffset: 0x800 },
      { kind: 'pcie', offset: 0x54, version: 2, link: { speed: 4, width: 32 } },
      { kind: 'aer', offset: 0x100 },
      { kind: 'acs', offset: 0x148, capability: QEMU_PORT_ACS },
    ],
  },
  {
    driver: 'x3130-upstream', description: 'TI XIO3130 switch upstream port', identity: BRIDGE_ID(0x104c, 0x8232, 2),
    bridge: 'pcie-switch', pcie: 'upstreamPort', interruptPin: 0, bars: [],
    caps: [
      { kind: 'msi', offset: 0x70, vectors: 1, is64Bit: true, perVectorMask: false },
      { kind: 'ssvid', offset: 0x80, vendorId: 0, subsystemId: 0 },
      { kind: 'pcie', offset: 0x90, version: 2 },
      { kind: 'aer', offset: 0x100 },
    ],
  },
  {
    // QEMU 7.2's downstream port has no ACS capability (added in 8.0).
    driver: 'xio3130-downstream', description: 'TI XIO3130 switch downstream port', identity: BRIDGE_ID(0x104c, 0x8233, 1),
    bridge: 'pcie-link', pcie: 'downstreamPort', interruptPin: 0, bars: [],
    caps: [
      { kind: 'msi', offset: 0x70, vectors: 1, is64Bit: true, perVectorMask: false },
      { kind: 'ssvid', offset: 0x80, vendorId: 0, subsystemId: 0 },
      { kind: 'pcie', offset: 0x90, version: 2, link: { speed: 0, width: 0 } }, // 7.2 leaves its link capabilities empty
      { kind: 'aer', offset: 0x100 },
    ],
  },
  {
    driver: 'pcie-pci-bridge', description: 'PCIe-to-PCI bridge', identity: BRIDGE_ID(REDHAT, 0x000e, 0),
    bridge: 'pci', pcie: 'pcieToPciBridge', interruptPin: 1, statusBits: STATUS_66MHZ_FASTB2B,
    bars: [{ index: 0, kind: 'mem64', sizeBytes: 256 }],
    caps: [
      { kind: 'shpc', offset: 0x40 },
      { kind: 'pcie', offset: 0x48, version: 2 },
      { kind: 'pm', offset: 0x84, pmc: 0x0003 },
      { kind: 'msi', offset: 0x8c, vectors: 1, is64Bit: true, perVectorMask: true },
      { kind: 'aer', offset: 0x100 },
    ],
  },
  {
    driver: 'pci-bridge', description: 'PCI-to-PCI bridge', identity: BRIDGE_ID(REDHAT, 0x0001, 0),
    bridge: 'pci', interruptPin: 1, statusBits: STATUS_66MHZ_FASTB2B,
    bars: [{ index: 0, kind: 'mem64', sizeBytes: 256 }],
    caps: [
      { kind: 'shpc', offset: 0x40 },
      { kind: 'slot-id', offset: 0x48 },
      { kind: 'msi', offset: 0x4c, vectors: 1, is64Bit: true, perVectorMask: true },
    ],
  },
];

// ------------------------------------------------------------------ QEMU endpoints

const MSI1 = { kind: 'msi', vectors: 1, is64Bit: true, perVectorMask: false } as const;

const ENDPOINTS: CatalogueEntry[] = [
  {
    driver: 'VGA', description: 'standard VGA (Bochs)', identity: id(0x1234, 0x1111, 0x030000, 2), interruptPin: 0,
    bars: [{ index: 0, kind: 'mem32', sizeBytes: 16 * MiB, prefetchable: true }, { index: 2, kind: 'mem32', sizeBytes: 4096 }], caps: [],
  },
  {
    driver: 'qxl-vga', description: 'QXL paravirtual VGA', identity: id(REDHAT, 0x0100, 0x030000, 5), interruptPin: 1,
    bars: [
      { index: 0, kind: 'mem32', sizeBytes: 64 * MiB }, { index: 1, kind: 'mem32', sizeBytes: 64 * MiB },
      { index: 2, kind: 'mem32', sizeBytes: 8192 }, { index: 3, kind: 'io', sizeBytes: 32 },
    ],
    caps: [],
  },
  {
    driver: 'e1000', description: 'Intel 82540EM Gigabit Ethernet', identity: id(INTEL, 0x100e, 0x020000, 3), interruptPin: 1,
    bars: [{ index: 0, kind: 'mem32', sizeBytes: 128 * 1024 }, { index: 1, kind: 'io', sizeBytes: 64 }], caps: [],
  },
  {
    driver: 'e1000e', description: 'Intel 82574L Gigabit Ethernet',
    identity: id(INTEL, 0x10d3, 0x020000, 0, { subsystemVendorId: INTEL, subsystemId: 0 }), interruptPin: 1, pcie: 'auto-endpoint',
    bars: [
      { index: 0, kind: 'mem32', sizeBytes: 128 * 1024 }, { index: 1, kind: 'mem32', sizeBytes: 128 * 1024 },
      { index: 2, kind: 'io', sizeBytes: 32 }, { index: 3, kind: 'mem32', sizeBytes: 16 * 1024 },
    ],
    caps: [
      { kind: 'msix', offset: 0xa0, vectors: 5, bar: 3, tableOffset: 0, pbaOffset: 0x2000 },
      { kind: 'pcie', offset: 0xe0, version: 1 },
      { ...MSI1, offset: 0xd0 },
      { kind: 'pm', offset: 0xc8, pmc: 0x0022 },
      { kind: 'aer', offset: 0x100, sizeBytes: 0x40 }, // QEMU's e1000e puts its DSN over AER's unused tail
      { kind: 'dsn', offset: 0x140 },
    ],
  },
  {
    driver: 'ich9-intel-hda', description: 'ICH9 HD Audio controller', identity: id(INTEL, 0x293e, 0x040300, 3), interruptPin: 1,
    bars: [{ index: 0, kind: 'mem32', sizeBytes: 16 * 1024 }], caps: [{ ...MSI1, offset: 0x60 }],
  },
  {
    driver: 'nvme', description: 'QEMU NVM Express controller', identity: id(REDHAT, 0x0010, 0x010802, 2), interruptPin: 1,
    pcie: 'auto-endpoint', bars: [{ index: 0, kind: 'mem64', sizeBytes: 16 * 1024 }],
    caps: [
      { kind: 'pm', offset: 0x60, pmc: 0x0003 },
      { kind: 'pcie', offset: 0x80, version: 2 },
      { kind: 'msix', offset: 0x40, vectors: 65, bar: 0, tableOffset: 0x2000, pbaOffset: 0x3000 },
    ],
  },
  {
    driver: 'qemu-xhci', description: 'QEMU xHCI USB controller', identity: id(REDHAT, 0x000d, 0x0c0330, 1), interruptPin: 1,
    pcie: 'auto-endpoint', bars: [{ index: 0, kind: 'mem64', sizeBytes: 16 * 1024 }],
    caps: [
      { kind: 'pcie', offset: 0xa0, version: 2 },
      { kind: 'msix', offset: 0x90, vectors: 16, bar: 0, tableOffset: 0x3000, pbaOffset: 0x3800 },
    ],
  },
  {
    // BAR 2 is the shared memory; its size comes from the memory backend (64 MiB here unless `size=` is given).
    driver: 'ivshmem-plain', description: 'Inter-VM shared memory', identity: id(VIRTIO_VENDOR, 0x1110, 0x050000, 1), interruptPin: 0,
    bars: [{ index: 0, kind: 'mem32', sizeBytes: 256 }, { index: 2, kind: 'mem64', sizeBytes: 64 * MiB, prefetchable: true }], caps: [],
  },
  ...virtioEntries(),
];

/** Virtio devices QEMU users name, with their type, class and MSI-X vector count as QEMU 7.2 sets them. */
function virtioEntries(): CatalogueEntry[] {
  const list: Array<[string, string, number, number, number | undefined, number, number]> = [
    // driver, description, virtio type, class, transitional id, MSI-X vectors, legacy I/O BAR size
    ['virtio-net-pci', 'virtio network', 1, 0x020000, 0x1000, 4, 32],
    ['virtio-blk-pci', 'virtio block', 2, 0x010000, 0x1001, 2, 64],
    ['virtio-serial-pci', 'virtio console', 3, 0x078000, 0x1003, 2, 64],
    ['virtio-rng-pci', 'virtio entropy', 4, 0x00ff00, 0x1005, 2, 32],
    ['virtio-balloon-pci', 'virtio memory balloon', 5, 0x00ff00, 0x1002, 0, 64],
    ['virtio-scsi-pci', 'virtio SCSI', 8, 0x010000, 0x1004, 4, 64],
    ['virtio-gpu-pci', 'virtio GPU', 16, 0x038000, undefined, 3, 0],
    ['virtio-keyboard-pci', 'virtio keyboard', 18, 0x090000, undefined, 2, 0],
    ['virtio-mouse-pci', 'virtio mouse', 18, 0x090200, undefined, 2, 0],
    ['virtio-tablet-pci', 'virtio tablet', 18, 0x090200, undefined, 2, 0],
  ];
  const entries = list.map(([driver, description, type, classCode, transitional, vectors, ioSize]): CatalogueEntry => {
    const msixBar = vectors > 0 ? [{ index: 1, kind: 'mem32' as const, sizeBytes: 4096 }] : [];
    const msix = (offset: number): CapTemplate[] =>
      vectors > 0 ? [{ kind: 'msix', offset, vectors, bar: 1, tableOffset: 0, pbaOffset: 0x800 }] : [];
    return {
      driver, description, interruptPin: 1, pcie: 'hybrid',
      identity: id(VIRTIO_VENDOR, 0x1040 + type, classCode, 1),
      virtio: transitional === undefined ? { type } : { type, transitionalDeviceId: transitional },
      bars: [
        ...(transitional !== undefined ? [{ index: 0, kind: 'io' as const, sizeBytes: ioSize }] : []),
        ...msixBar,
        { index: 4, kind: 'mem64', sizeBytes: 16 * 1024, prefetchable: true },
      ],
      caps: msix(0x98),
      capsOnPciePort: [{ kind: 'pcie', offset: 0x40, version: 2 }, { kind: 'pm', offset: 0x7c, pmc: 0x0003 }, ...msix(0xdc)],
    };
  });
  entries.push({
    driver: 'virtio-vga', description: 'virtio GPU with VGA compatibility', interruptPin: 1, pcie: 'hybrid',
    identity: id(VIRTIO_VENDOR, 0x1050, 0x030000, 1), virtio: { type: 16 },
    bars: [
      { index: 0, kind: 'mem32', sizeBytes: 8 * MiB, prefetchable: true },
      { index: 2, kind: 'mem64', sizeBytes: 16 * 1024, prefetchable: true },
      { index: 4, kind: 'mem32', sizeBytes: 4096 },
    ],
    caps: [{ kind: 'msix', offset: 0x98, vectors: 3, bar: 4, tableOffset: 0, pbaOffset: 0x800 }],
    capsOnPciePort: [
      { kind: 'pcie', offset: 0x40, version: 2 }, { kind: 'pm', offset: 0x7c, pmc: 0x0003 },
      { kind: 'msix', offset: 0xdc, vectors: 3, bar: 4, tableOffset: 0, pbaOffset: 0x800 },
    ],
  });
  return entries;
}

// ------------------------------------------------------------------ real host devices (passthrough profiles)

const HOST_GPU_PCIE: CapTemplate[] = [
  { kind: 'pm', offset: 0x60, pmc: 0x0003 },
  { ...MSI1, offset: 0x68 },
  { kind: 'pcie', offset: 0x78, version: 2 },
];

const HOST: CatalogueEntry[] = [
  {
    driver: 'host-nvidia-rtx3070', description: 'NVIDIA GA104 [GeForce RTX 3070]', host: true,
    identity: id(0x10de, 0x2484, 0x030000, 0xa1, { subsystemVendorId: 0x10de, subsystemId: 0x146b }),
    pcie: 'endpoint', interruptPin: 1, multifunction: true,
    bars: [
      { index: 0, kind: 'mem32', sizeBytes: 16 * MiB }, { index: 1, kind: 'mem64', sizeBytes: 256 * MiB, prefetchable: true },
      { index: 3, kind: 'mem64', sizeBytes: 32 * MiB, prefetchable: true }, { index: 5, kind: 'io', sizeBytes: 128 },
    ],
    caps: HOST_GPU_PCIE,
  },
  {
    driver: 'host-nvidia-rtx3070-audio', description: 'NVIDIA GA104 HD Audio', host: true,
    identity: id(0x10de, 0x228b, 0x040300, 0xa1, { subsystemVendorId: 0x10de, subsystemId: 0x146b }),
    pcie: 'endpoint', interruptPin: 2, bars: [{ index: 0, kind: 'mem32', sizeBytes: 16 * 1024 }], caps: HOST_GPU_PCIE,
  },
  {
    driver: 'host-amd-rx6800', description: 'AMD Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]', host: true,
    identity: id(0x1002, 0x73bf, 0x030000, 0xc1, { subsystemVendorId: 0x1002, subsystemId: 0x0e3a }),
    pcie: 'endpoint', interruptPin: 1, multifunction: true,
    bars: [
      { index: 0, kind: 'mem64', sizeBytes: 256 * MiB, prefetchable: true }, { index: 2, kind: 'mem64', sizeBytes: 2 * MiB, prefetchable: true },
      { index: 4, kind: 'io', sizeBytes: 256 }, { index: 5, kind: 'mem32', sizeBytes: 1 * MiB },
    ],
    caps: HOST_GPU_PCIE,
  },
  {
    driver: 'host-amd-rx6800-audio', description: 'AMD Navi 21/23 HDMI/DP Audio', host: true,
    identity: id(0x1002, 0xab28, 0x040300, 0x00, { subsystemVendorId: 0x1002, subsystemId: 0xab28 }),
    pcie: 'endpoint', interruptPin: 2, bars: [{ index: 0, kind: 'mem32', sizeBytes: 16 * 1024 }], caps: HOST_GPU_PCIE,
  },
  {
    driver: 'host-intel-uhd630', description: 'Intel CometLake-S GT2 [UHD Graphics 630]', host: true,
    identity: id(INTEL, 0x9bc5, 0x030000, 0x05, { subsystemVendorId: 0x1043, subsystemId: 0x8694 }),
    pcie: 'rcIntegratedEndpoint', interruptPin: 1,
    bars: [{ index: 0, kind: 'mem64', sizeBytes: 16 * MiB }, { index: 2, kind: 'mem64', sizeBytes: 256 * MiB, prefetchable: true }, { index: 4, kind: 'io', sizeBytes: 64 }],
    caps: [{ kind: 'pcie', offset: 0x40, version: 2 }, { ...MSI1, offset: 0xac }, { kind: 'pm', offset: 0xd0, pmc: 0x0022 }],
  },
  {
    // Intel's CPU root ports have no ACS capability and no quirk: a GPU behind one shares its group.
    driver: 'host-intel-cpu-root-port', description: 'Intel 6th-10th Gen Core PCIe Controller (x16)', host: true,
    identity: BRIDGE_ID(INTEL, 0x1901, 0x07), bridge: 'pcie-link', pcie: 'rootPort', interruptPin: 1,
    bars: [], caps: [{ kind: 'ssvid', offset: 0x88, vendorId: 0x1043, subsystemId: 0x8694 }, { kind: 'pm', offset: 0x80, pmc: 0xc803 }, { ...MSI1, offset: 0x90 }, { kind: 'pcie', offset: 0xa0, version: 2 }, { kind: 'aer', offset: 0x100 }],
  },
  {
    // Lynx Point PCH root port: no ACS capability, but Linux's Intel PCH quirk isolates it.
    driver: 'host-intel-pch-root-port', description: 'Intel 8 Series/C220 PCH PCI Express Root Port #1', host: true,
    identity: BRIDGE_ID(INTEL, 0x8c10, 0xd5), bridge: 'pcie-link', pcie: 'rootPort', interruptPin: 1,
    bars: [], caps: [{ kind: 'pcie', offset: 0x40, version: 2 }, { ...MSI1, offset: 0x80 }, { kind: 'ssvid', offset: 0x90, vendorId: 0x1043, subsystemId: 0x8534 }, { kind: 'pm', offset: 0xa0, pmc: 0xc803 }],
  },
  {
    // A dual-port 82576 NIC: multifunction without ACS, which Linux's quirk table declares isolated.
    driver: 'host-intel-82576', description: 'Intel 82576 Gigabit Network Connection', host: true,
    identity: id(INTEL, 0x10c9, 0x020000, 0x01, { subsystemVendorId: INTEL, subsystemId: 0xa03c }),
    pcie: 'endpoint', interruptPin: 1, multifunction: true,
    bars: [{ index: 0, kind: 'mem32', sizeBytes: 128 * 1024 }, { index: 2, kind: 'io', sizeBytes: 32 }, { index: 3, kind: 'mem32', sizeBytes: 16 * 1024 }],
    caps: [{ kind: 'pm', offset: 0x40, pmc: 0xc823 }, { ...MSI1, offset: 0x50 }, { kind: 'msix', offset: 0x70, vectors: 10, bar: 3, tableOffset: 0, pbaOffset: 0x2000 }, { kind: 'pcie', offset: 0xa0, version: 2 }],
  },
  {
    driver: 'host-amd-gpp-bridge', description: 'AMD Starship/Matisse GPP Bridge', host: true,
    identity: BRIDGE_ID(0x1022, 0x1483, 0x00), bridge: 'pcie-link', pcie: 'rootPort', interruptPin: 1,
    bars: [], caps: [{ kind: 'pcie', offset: 0x58, version: 2 }, { kind: 'pm', offset: 0x50, pmc: 0xc803 }, { ...MSI1, offset: 0xa0 }, { kind: 'ssvid', offset: 0xc0, vendorId: 0x1022, subsystemId: 0x1453 }, { kind: 'aer', offset: 0x100 }, { kind: 'acs', offset: 0x2a0, capability: ACS_SV | ACS_TB | ACS_RR | ACS_CR | ACS_UF | ACS_DT }],
  },
];

const ALL: CatalogueEntry[] = [...BOARD, ...BRIDGES, ...ENDPOINTS, ...HOST];
const BY_DRIVER = new Map(ALL.map((e) => [e.driver, e]));

export function catalogueEntry(driver: string): CatalogueEntry | undefined {
  return BY_DRIVER.get(driver);
}

export function catalogueDrivers(): string[] {
  return ALL.map((e) => e.driver);
}

/** Devices QEMU accepts that are not PCI functions (sysbus, ISA, USB, SCSI, virtio-mmio...). */
const NON_PCI = new Set(['intel-iommu', 'amd-iommu', 'isa-serial', 'isa-debugcon', 'usb-kbd', 'usb-mouse', 'usb-tablet', 'usb-storage', 'scsi-hd', 'scsi-cd', 'ide-hd', 'ide-cd', 'virtserialport', 'virtconsole', 'virtio-blk-device', 'virtio-net-device', 'virtio-rng-device', 'virtio-gpu-device', 'virtio-serial-device', 'virtio-keyboard-device', 'virtio-tablet-device', 'tpm-tis', 'tpm-crb', 'loader', 'pvpanic', 'hda-duplex', 'hda-output', 'hda-micro']);

export function isNonPciDevice(driver: string): boolean {
  return NON_PCI.has(driver);
}
