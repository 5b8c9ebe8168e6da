// The PCI device list as Linux builds it (drivers/pci/probe.c), read through configuration
// cycles only: each bus scanned slot by slot (functions 1-7 only when function 0 has the
// multifunction bit; below a root or downstream port only device 0), every device of a bus
// added before the buses behind its bridges. That list order is the order the IOMMU core
// probes devices in, and so the order IOMMU group numbers are handed out.
// With an IOMMU that requests ACS (intel_iommu=on, amd_iommu), Linux also switches on the
// ACS controls each port advertises (pci_std_enable_acs: SV, RR, CR, UF) as it adds it.

import { isIntelPchRootPort, isIntelSptRootPort } from './acs-quirks';
import { findCapability, findExtCapability, parsePcieCap } from './capabilities';
import type { ConfigAccess } from './enumerate';
import {
  ACS_CR, ACS_RR, ACS_SV, ACS_UF, CAP_ID_EXP, EXT_CAP_ID_ACS, HEADER_TYPE_BRIDGE, REG_DEVICE_ID, REG_HEADER_TYPE,
  REG_REVISION, REG_SECONDARY_BUS, REG_VENDOR_ID, devfn, formatBdf, type PcieTypeName,
} from './regs';

export interface LinuxPciDev {
  /** Position in Linux's device list. */
  readonly index: number;
  readonly bus: number;
  readonly devfn: number;
  readonly bdf: string;
  readonly vendorId: number;
  readonly deviceId: number;
  readonly classCode: number;
  readonly revision: number;
  readonly isBridge: boolean;
  /** Header bit of function 0, or any function > 0 (Linux sets it for those, pci_scan_slot). */
  readonly multifunction: boolean;
  readonly pcieType: PcieTypeName | undefined;
  /** Offset of the ACS extended capability, if any. */
  readonly acsOffset: number | undefined;
  /** The bridge whose secondary bus this device sits on (`bus->self`); undefined on the root bus. */
  readonly upstream: LinuxPciDev | undefined;
  /** Bus number behind a bridge. */
  readonly secondaryBus: number | undefined;
  /** Linux's Intel PCH ACS enable quirk ran for this root port (PCI_DEV_FLAGS_ACS_ENABLED_QUIRK). */
  readonly acsQuirkEnabled: boolean;
}

export interface LinuxScanOptions {
  /** An IOMMU asked for ACS (pci_request_acs): enable the advertised ACS controls while scanning. */
  enableAcs: boolean;
}

const STD_ACS_ENABLE = ACS_SV | ACS_RR | ACS_CR | ACS_UF;
const MAX_DEVICES = 256 * 256;

export function linuxScan(access: ConfigAccess, options: LinuxScanOptions): LinuxPciDev[] {
  const list: LinuxPciDev[] = [];
  const visitedBuses = new Set<number>();
  const scanBus = (bus: number, upstream: LinuxPciDev | undefined) => {
    if (visitedBuses.has(bus) || list.length >= MAX_DEVICES) return;
    visitedBuses.add(bus);
    const onlyOneChild = upstream?.pcieType === 'rootPort' || upstream?.pcieType === 'downstreamPort';
    const added: LinuxPciDev[] = [];
    for (let slot = 0; slot < (onlyOneChild ? 1 : 32); slot++) {
      for (let fn = 0; fn < 8; fn++) {
        const dev = probeFunction(access, bus, devfn(slot, fn), upstream, list.length, options);
        if (!dev) {
          if (fn === 0) break;
          continue;
        }
        list.push(dev);
        added.push(dev);
        if (fn === 0 && !dev.multifunction) break;
      }
    }
    for (const dev of added) if (dev.secondaryBus !== undefined && dev.secondaryBus > bus) scanBus(dev.secondaryBus, dev);
  };
  scanBus(0, undefined);
  return list;
}

function probeFunction(
  access: ConfigAccess, bus: number, df: number, upstream: LinuxPciDev | undefined, index: number, options: LinuxScanOptions,
): LinuxPciDev | undefined {
  const read = (off: number, size: 1 | 2 | 4) => access.read(bus, df, off, size);
  const vendorId = read(REG_VENDOR_ID, 2);
  if (vendorId === 0xffff || vendorId === 0) return undefined;
  const headerType = read(REG_HEADER_TYPE, 1);
  const isBridge = (headerType & 0x7f) === HEADER_TYPE_BRIDGE;
  const expAt = findCapability(read, CAP_ID_EXP);
  const pcieType = expAt === undefined ? undefined : parsePcieCap(read, expAt).type;
  const acsOffset = pcieType === undefined ? undefined : findExtCapability(read, EXT_CAP_ID_ACS);
  const dev: LinuxPciDev = {
    index, bus, devfn: df, bdf: formatBdf(bus, df),
    vendorId, deviceId: read(REG_DEVICE_ID, 2), classCode: read(REG_REVISION, 4) >>> 8, revision: read(REG_REVISION, 1),
    isBridge, multifunction: (df & 7) !== 0 || (headerType & 0x80) !== 0,
    pcieType, acsOffset, upstream,
    secondaryBus: isBridge ? read(REG_SECONDARY_BUS, 1) : undefined,
    acsQuirkEnabled: false,
  };
  return options.enableAcs ? enableAcs(access, dev) : dev;
}

/**
 * pci_enable_acs: a device-specific enable quirk first (Intel PCH root ports get the flag,
 * Sunrise Point ones their dword control register at +8); otherwise the standard controls.
 */
function enableAcs(access: ConfigAccess, dev: LinuxPciDev): LinuxPciDev {
  if (isIntelPchRootPort(dev)) return { ...dev, acsQuirkEnabled: true };
  const at = dev.acsOffset;
  if (at === undefined) return dev;
  if (isIntelSptRootPort(dev)) {
    const cap = access.read(dev.bus, dev.devfn, at + 4, 4) & 0xffff;
    access.write(dev.bus, dev.devfn, at + 8, 4, access.read(dev.bus, dev.devfn, at + 8, 4) | (cap & STD_ACS_ENABLE));
    return dev;
  }
  const cap = access.read(dev.bus, dev.devfn, at + 4, 2);
  access.write(dev.bus, dev.devfn, at + 6, 2, access.read(dev.bus, dev.devfn, at + 6, 2) | (cap & STD_ACS_ENABLE));
  return dev;
}

/**
 * The device whose sysfs `boot_vga` reads 1: Linux's VGA arbiter takes the VGA-class device
 * the firmware left decoding (I/O and memory enabled) as the default, the first one in device
 * list order on machines like these where firmware enables one legacy VGA. Other VGA-class
 * devices read 0; non-VGA display controllers (class 0x0380) have no boot_vga file at all.
 */
export function bootVgaDevice(devs: readonly LinuxPciDev[], access: ConfigAccess): LinuxPciDev | undefined {
  return devs.find((d) => d.classCode >>> 8 === 0x0300 && (access.read(d.bus, d.devfn, 0x04, 2) & 0x3) === 0x3);
}
