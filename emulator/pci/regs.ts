// Register offsets, bit fields and identifiers of PCI/PCIe configuration space, as the PCI
// Local Bus 3.0, PCI-to-PCI Bridge 1.2 and PCI Express Base specifications number them
// (Linux names the same constants in include/uapi/linux/pci_regs.h).

/** Conventional PCI functions decode 256 bytes; PCIe functions 4 KiB (ECAM only). */
export const CONFIG_SIZE_PCI = 256;
export const CONFIG_SIZE_PCIE = 4096;

// Common header (both types).
export const REG_VENDOR_ID = 0x00;
export const REG_DEVICE_ID = 0x02;
export const REG_COMMAND = 0x04;
export const REG_STATUS = 0x06;
export const REG_REVISION = 0x08;
/** Programming interface, subclass, base class: the 24-bit class code at 0x09..0x0b. */
export const REG_CLASS_PROG = 0x09;
export const REG_CACHE_LINE = 0x0c;
export const REG_LATENCY = 0x0d;
export const REG_HEADER_TYPE = 0x0e;
export const REG_BIST = 0x0f;
export const REG_BAR0 = 0x10;
export const REG_CAP_PTR = 0x34;
export const REG_INTERRUPT_LINE = 0x3c;
export const REG_INTERRUPT_PIN = 0x3d;

// Type 0 (endpoint) header.
export const REG_SUBSYSTEM_VENDOR_ID = 0x2c;
export const REG_SUBSYSTEM_ID = 0x2e;
export const REG_ROM_ADDRESS = 0x30;

// Type 1 (bridge) header.
export const REG_PRIMARY_BUS = 0x18;
export const REG_SECONDARY_BUS = 0x19;
export const REG_SUBORDINATE_BUS = 0x1a;
export const REG_SEC_LATENCY = 0x1b;
export const REG_IO_BASE = 0x1c;
export const REG_IO_LIMIT = 0x1d;
export const REG_SEC_STATUS = 0x1e;
export const REG_MEMORY_BASE = 0x20;
export const REG_MEMORY_LIMIT = 0x22;
export const REG_PREF_MEMORY_BASE = 0x24;
export const REG_PREF_MEMORY_LIMIT = 0x26;
export const REG_PREF_BASE_UPPER32 = 0x28;
export const REG_PREF_LIMIT_UPPER32 = 0x2c;
export const REG_IO_BASE_UPPER16 = 0x30;
export const REG_IO_LIMIT_UPPER16 = 0x32;
export const REG_ROM_ADDRESS1 = 0x38;
export const REG_BRIDGE_CONTROL = 0x3e;

export const HEADER_TYPE_ENDPOINT = 0;
export const HEADER_TYPE_BRIDGE = 1;
export const HEADER_TYPE_MULTIFUNCTION = 0x80;

export const COMMAND_IO = 0x0001;
export const COMMAND_MEMORY = 0x0002;
export const COMMAND_MASTER = 0x0004;
export const COMMAND_PARITY = 0x0040;
export const COMMAND_SERR = 0x0100;
export const COMMAND_INTX_DISABLE = 0x0400;

export const STATUS_INTERRUPT = 0x0008;
export const STATUS_CAP_LIST = 0x0010;
export const STATUS_66MHZ = 0x0020;
export const STATUS_FAST_BACK = 0x0080;
/** Error bits software clears by writing 1 (RW1C). */
export const STATUS_RW1C = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

export const BAR_IO = 0x1;
export const BAR_MEM_TYPE_64 = 0x4;
export const BAR_MEM_PREFETCH = 0x8;

// Capability IDs (the list at 0x34).
export const CAP_ID_PM = 0x01;
export const CAP_ID_MSI = 0x05;
export const CAP_ID_VENDOR = 0x09;
export const CAP_ID_SLOT_ID = 0x04;
export const CAP_ID_SHPC = 0x0c;
export const CAP_ID_SSVID = 0x0d;
export const CAP_ID_EXP = 0x10;
export const CAP_ID_MSIX = 0x11;
export const CAP_ID_SATA = 0x12;

// Extended capability IDs (the list at 0x100, PCIe only).
export const EXT_CAP_ID_AER = 0x0001;
export const EXT_CAP_ID_DSN = 0x0003;
export const EXT_CAP_ID_ACS = 0x000d;
export const EXT_CAP_START = 0x100;

// ACS capability/control bits (PCIe 6.0 §7.7.8).
export const ACS_SV = 0x0001;
export const ACS_TB = 0x0002;
export const ACS_RR = 0x0004;
export const ACS_CR = 0x0008;
export const ACS_UF = 0x0010;
export const ACS_EC = 0x0020;
export const ACS_DT = 0x0040;

/** PCIe Capabilities register, bits 7:4: the device/port type. */
export const PcieType = {
  endpoint: 0x0,
  legacyEndpoint: 0x1,
  rootPort: 0x4,
  upstreamPort: 0x5,
  downstreamPort: 0x6,
  pcieToPciBridge: 0x7,
  pciToPcieBridge: 0x8,
  rcIntegratedEndpoint: 0x9,
  rcEventCollector: 0xa,
} as const;
export type PcieTypeName = keyof typeof PcieType;

/** Bus/device/function packed as Linux's `devfn` (dev << 3 | fn). */
export function devfn(slot: number, fn: number): number {
  return ((slot & 0x1f) << 3) | (fn & 7);
}

/** `0000:01:00.1`, the form sysfs and lspci -D print. */
export function formatBdf(bus: number, devfnValue: number, domain = 0): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(domain, 4)}:${h(bus, 2)}:${h(devfnValue >> 3, 2)}.${devfnValue & 7}`;
}
