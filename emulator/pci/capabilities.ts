// Capability structures: pure walkers over any configuration reader (a ConfigSpace, captured
// bytes, or the guest's view through ECAM), and emit/parse pairs for the structures device
// models carry — PCI Express, MSI, MSI-X, power management, ACS, bridge subsystem IDs, slot
// identification, SHPC and SATA placeholders, AER and DSN headers. `emit*` writes values and
// write masks into a ConfigSpace; `parse*` reads a plain value back from a reader.

import type { AccessSize } from '../bus/bus';
import type { ConfigSpace } from './config-space';
import {
  CAP_ID_EXP, CAP_ID_MSI, CAP_ID_MSIX, CAP_ID_PM, CAP_ID_SATA, CAP_ID_SHPC, CAP_ID_SLOT_ID, CAP_ID_SSVID,
  EXT_CAP_ID_ACS, EXT_CAP_ID_AER, EXT_CAP_ID_DSN, EXT_CAP_START, PcieType, REG_CAP_PTR, REG_STATUS,
  STATUS_CAP_LIST, type PcieTypeName,
} from './regs';

/** Reads `size` bytes of configuration space at `offset`. */
export type ConfigRead = (offset: number, size: AccessSize) => number;

export function readerOf(cs: ConfigSpace): ConfigRead {
  return (off, size) => cs.read(off, size);
}

export function bytesReader(bytes: Uint8Array): ConfigRead {
  return (off, size) => {
    if (off < 0 || off + size > bytes.length) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[off + i];
    return v;
  };
}

export interface CapRef { id: number; offset: number }
export interface ExtCapRef { id: number; version: number; offset: number }

/** Linux bounds the walk (PCI_FIND_CAP_TTL) so a looping list cannot hang the kernel; so do we. */
const CAP_TTL = 48;
const EXT_CAP_TTL = (4096 - 256) / 8;

export function listCapabilities(read: ConfigRead): CapRef[] {
  const out: CapRef[] = [];
  if (!(read(REG_STATUS, 2) & STATUS_CAP_LIST)) return out;
  let p = read(REG_CAP_PTR, 1) & 0xfc;
  for (let n = 0; n < CAP_TTL && p >= 0x40; n++) {
    const id = read(p, 1);
    if (id === 0xff) break;
    out.push({ id, offset: p });
    p = read(p + 1, 1) & 0xfc;
  }
  return out;
}

export function listExtCapabilities(read: ConfigRead): ExtCapRef[] {
  const out: ExtCapRef[] = [];
  let p = EXT_CAP_START;
  for (let n = 0; n < EXT_CAP_TTL && p >= EXT_CAP_START; n++) {
    const header = read(p, 4);
    if (header === 0 || header === 0xffffffff) break;
    out.push({ id: header & 0xffff, version: (header >>> 16) & 0xf, offset: p });
    p = (header >>> 20) & 0xffc;
  }
  return out;
}

export function findCapability(read: ConfigRead, id: number): number | undefined {
  return listCapabilities(read).find((c) => c.id === id)?.offset;
}

export function findExtCapability(read: ConfigRead, id: number): number | undefined {
  return listExtCapabilities(read).find((c) => c.id === id)?.offset;
}

// ---------------------------------------------------------------- PCI Express (0x10)

export interface PcieCap {
  type: PcieTypeName;
  /** Capability version: 1 (QEMU's e1000e) or 2. */
  version: 1 | 2;
  /** Downstream ports with a slot: the physical slot number (`slot=` in QEMU). */
  slot?: { physicalSlot: number; hotplug: boolean };
  /** Port number in the Link Capabilities register (`port=` in QEMU). */
  portNumber: number;
  /** Link speed code (1 = 2.5 GT/s ... 4 = 16 GT/s) and width in lanes. */
  linkSpeed: number;
  linkWidth: number;
}

const PCIE_V1_SIZE = 0x14;
const PCIE_V2_SIZE = 0x3c;
const TYPE_BY_CODE = new Map<number, PcieTypeName>(Object.entries(PcieType).map(([k, v]) => [v, k as PcieTypeName]));

export function emitPcieCap(cs: ConfigSpace, offset: number, cap: PcieCap): number {
  const size = cap.version === 1 ? PCIE_V1_SIZE : PCIE_V2_SIZE;
  cs.addCapability(CAP_ID_EXP, offset, size);
  const isPort = cap.type === 'rootPort' || cap.type === 'downstreamPort';
  cs.set16(offset + 2, cap.version | (PcieType[cap.type] << 4) | (cap.slot ? 0x100 : 0));
  cs.set32(offset + 4, 0x8000); // role-based error reporting; 128-byte max payload
  cs.setWmask(offset + 8, 2, 0x7cff); // error reporting enables, payload/read sizes, no snoop
  cs.setW1cmask(offset + 0xa, 2, 0x000f);
  const dllActiveReporting = isPort ? 0x0010_0000 : 0;
  cs.set32(offset + 0xc, (cap.linkSpeed & 0xf) | ((cap.linkWidth & 0x3f) << 4) | dllActiveReporting | ((cap.portNumber & 0xff) << 24));
  cs.setWmask(offset + 0x10, 2, 0x01c3);
  cs.set16(offset + 0x12, 1 | (1 << 4) | (isPort ? 0x2000 : 0)); // trained at 2.5 GT/s x1; data link active
  if (cap.version === 1) return offset;
  if (cap.slot) {
    const hp = cap.slot.hotplug ? 0x2007b : 0; // attention button, power controller, indicators, interlock, hot-plug capable
    cs.set32(offset + 0x14, hp | ((cap.slot.physicalSlot & 0x1fff) << 19));
    cs.setWmask(offset + 0x18, 2, 0x17ff);
    cs.setW1cmask(offset + 0x1a, 2, 0x011f);
    cs.set16(offset + 0x1a, 0x0040); // presence detect state: a device is plugged
  }
  if (cap.type === 'rootPort') {
    cs.setWmask(offset + 0x1c, 2, 0x001f);
    cs.setW1cmask(offset + 0x20, 4, 0x0001_0000);
  }
  cs.setWmask(offset + 0x28, 2, 0x0000);
  cs.set32(offset + 0x2c, 0x2); // supported link speeds vector: 2.5 GT/s
  return offset;
}

export function parsePcieCap(read: ConfigRead, offset: number): PcieCap {
  const flags = read(offset + 2, 2);
  const version = (flags & 0xf) === 1 ? 1 : 2;
  const type = TYPE_BY_CODE.get((flags >> 4) & 0xf) ?? 'endpoint';
  const lnkcap = read(offset + 0xc, 4);
  const cap: PcieCap = { type, version, portNumber: lnkcap >>> 24, linkSpeed: lnkcap & 0xf, linkWidth: (lnkcap >> 4) & 0x3f };
  if (flags & 0x100 && version === 2) {
    const sltcap = read(offset + 0x14, 4);
    cap.slot = { physicalSlot: sltcap >>> 19, hotplug: (sltcap & 0x40) !== 0 };
  }
  return cap;
}

// ---------------------------------------------------------------- MSI (0x05)

export interface MsiCap {
  /** Vectors requestable: 1, 2, 4 ... 32. */
  vectors: number;
  is64Bit: boolean;
  perVectorMask: boolean;
}

export function msiCapSize(cap: MsiCap): number {
  return 10 + (cap.is64Bit ? 4 : 0) + (cap.perVectorMask ? 10 : 0);
}

export function emitMsiCap(cs: ConfigSpace, offset: number, cap: MsiCap): number {
  cs.addCapability(CAP_ID_MSI, offset, msiCapSize(cap));
  const mmc = Math.log2(cap.vectors);
  if (!Number.isInteger(mmc) || mmc < 0 || mmc > 5) throw new Error(`pci msi: ${cap.vectors} vectors is not a power of two up to 32`);
  cs.set16(offset + 2, (mmc << 1) | (cap.is64Bit ? 0x80 : 0) | (cap.perVectorMask ? 0x100 : 0));
  cs.setWmask(offset + 2, 2, 0x0001 | (mmc > 0 ? 0x0070 : 0));
  cs.setWmask(offset + 4, 4, 0xfffffffc);
  const dataOff = cap.is64Bit ? 0xc : 0x8;
  if (cap.is64Bit) cs.setWmask(offset + 8, 4, 0xffffffff);
  cs.setWmask(offset + dataOff, 2, 0xffff);
  if (cap.perVectorMask) cs.setWmask(offset + dataOff + 4, 4, cap.vectors === 32 ? 0xffffffff : (1 << cap.vectors) - 1);
  return offset;
}

export interface MsiState { enabled: boolean; address: number; data: number; vectorsEnabled: number; maskBits: number }

export function parseMsiState(read: ConfigRead, offset: number): MsiState {
  const ctrl = read(offset + 2, 2);
  const is64 = (ctrl & 0x80) !== 0;
  const lo = read(offset + 4, 4);
  const hi = is64 ? read(offset + 8, 4) : 0;
  const dataOff = is64 ? 0xc : 0x8;
  return {
    enabled: (ctrl & 1) !== 0,
    address: hi * 0x1_0000_0000 + lo,
    data: read(offset + dataOff, 2),
    vectorsEnabled: 1 << ((ctrl >> 4) & 7),
    maskBits: ctrl & 0x100 ? read(offset + dataOff + 4, 4) : 0,
  };
}

// ---------------------------------------------------------------- MSI-X (0x11)

export interface MsixCap {
  vectors: number;
  tableBar: number;
  tableOffset: number;
  pbaBar: number;
  pbaOffset: number;
}

export function emitMsixCap(cs: ConfigSpace, offset: number, cap: MsixCap): number {
  if (cap.vectors < 1 || cap.vectors > 2048) throw new Error(`pci msi-x: ${cap.vectors} vectors out of range`);
  cs.addCapability(CAP_ID_MSIX, offset, 12);
  cs.set16(offset + 2, cap.vectors - 1);
  cs.setWmask(offset + 2, 2, 0xc000); // enable, function mask
  cs.set32(offset + 4, (cap.tableOffset & ~7) | (cap.tableBar & 7));
  cs.set32(offset + 8, (cap.pbaOffset & ~7) | (cap.pbaBar & 7));
  return offset;
}

export function parseMsixCap(read: ConfigRead, offset: number): MsixCap & { enabled: boolean; functionMask: boolean } {
  const ctrl = read(offset + 2, 2);
  const table = read(offset + 4, 4);
  const pba = read(offset + 8, 4);
  return {
    vectors: (ctrl & 0x7ff) + 1,
    tableBar: table & 7,
    tableOffset: (table & ~7) >>> 0,
    pbaBar: pba & 7,
    pbaOffset: (pba & ~7) >>> 0,
    enabled: (ctrl & 0x8000) !== 0,
    functionMask: (ctrl & 0x4000) !== 0,
  };
}

// ---------------------------------------------------------------- Power management (0x01)

/** `pmc` is the PM Capabilities register: version in bits 2:0, D1/D2/PME support above. */
export function emitPmCap(cs: ConfigSpace, offset: number, pmc: number): number {
  cs.addCapability(CAP_ID_PM, offset, 8);
  cs.set16(offset + 2, pmc);
  cs.set16(offset + 4, 0x0008); // D0, no soft reset on D3hot->D0
  cs.setWmask(offset + 4, 2, 0x0003 | (pmc & 0xf800 ? 0x0100 : 0));
  cs.setW1cmask(offset + 4, 2, pmc & 0xf800 ? 0x8000 : 0);
  return offset;
}

export function parsePmPowerState(read: ConfigRead, offset: number): number {
  return read(offset + 4, 2) & 3;
}

// ---------------------------------------------------------------- ACS (extended 0x000d)

export interface AcsCap {
  /** Bits of the ACS Capability register (ACS_SV | ACS_TB ...). */
  capability: number;
}

export function emitAcsCap(cs: ConfigSpace, offset: number, cap: AcsCap): number {
  cs.addExtCapability(EXT_CAP_ID_ACS, 1, offset, 8);
  cs.set16(offset + 4, cap.capability);
  cs.setWmask(offset + 6, 2, cap.capability & 0x7f);
  return offset;
}

export function parseAcs(read: ConfigRead, offset: number): { capability: number; control: number } {
  return { capability: read(offset + 4, 2), control: read(offset + 6, 2) };
}

// ---------------------------------------------------------------- smaller structures

/** Bridge subsystem vendor/device (type 1 headers have no room for them in the header). */
export function emitSsvidCap(cs: ConfigSpace, offset: number, vendorId: number, subsystemId: number): number {
  cs.addCapability(CAP_ID_SSVID, offset, 8);
  cs.set16(offset + 4, vendorId);
  cs.set16(offset + 6, subsystemId);
  return offset;
}

/** Slot identification of a PCI-to-PCI bridge: expansion slots register and chassis number. */
export function emitSlotIdCap(cs: ConfigSpace, offset: number, expansionSlots: number, chassis: number): number {
  cs.addCapability(CAP_ID_SLOT_ID, offset, 4);
  cs.set8(offset + 2, expansionSlots);
  cs.set8(offset + 3, chassis);
  cs.setWmask(offset + 3, 1, 0xff);
  return offset;
}

/** SHPC and SATA capability headers: the registers behind them are not modelled (reads give 0). */
export function emitShpcCap(cs: ConfigSpace, offset: number): number {
  return cs.addCapability(CAP_ID_SHPC, offset, 8);
}
export function emitSataCap(cs: ConfigSpace, offset: number): number {
  return cs.addCapability(CAP_ID_SATA, offset, 8);
}

/** AER (v2, 0x48 bytes) and device serial number headers; error logging itself is not modelled. */
export function emitAerCap(cs: ConfigSpace, offset: number, sizeBytes = 0x48): number {
  return cs.addExtCapability(EXT_CAP_ID_AER, 2, offset, sizeBytes);
}
export function emitDsnCap(cs: ConfigSpace, offset: number, serial: bigint): number {
  cs.addExtCapability(EXT_CAP_ID_DSN, 1, offset, 12);
  cs.set32(offset + 4, Number(serial & 0xffffffffn));
  cs.set32(offset + 8, Number((serial >> 32n) & 0xffffffffn));
  return offset;
}
