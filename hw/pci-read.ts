// Reading PCI functions and IOMMU groups out of a sysfs tree, the way the seed's scanner does
// (class, vendor, device, boot_vga, the iommu_group and driver links), tolerating any missing
// or malformed attribute: a bad tree gives fewer facts, never an exception.

import { baseName, type SysfsView } from './sysfs-view';

export interface PciFn {
  /** DDDD:BB:DD.F */
  bdf: string;
  classCode: number;
  vendorId: number;
  deviceId: number;
  subVendorId: number;
  subDeviceId: number;
  revision: number;
  /** boot_vga exists only for VGA-class devices; undefined when absent. */
  bootVga: boolean | undefined;
  group: number | undefined;
  driver: string | undefined;
}

export const PCI_DEVICES = '/bus/pci/devices';
export const IOMMU_GROUPS = '/kernel/iommu_groups';
const BDF_RE = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;

export const hex = (v: number, digits: number): string => v.toString(16).padStart(digits, '0');

export function isBdf(text: string): boolean {
  return BDF_RE.test(text);
}

/** "01:00.0" or "0000:01:00.0" to the full form, undefined when malformed. */
export function fullBdf(text: string): string | undefined {
  const t = text.toLowerCase();
  const full = /^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(t) ? `0000:${t}` : t;
  return isBdf(full) ? full : undefined;
}

/** Slot of a BDF (everything but the function), to find a GPU's sibling functions. */
export function slotOf(bdf: string): string {
  return bdf.slice(0, bdf.lastIndexOf('.'));
}

/** Sorts BDFs by domain, bus, device, function (all fixed-width hex, so text order works). */
export function compareBdf(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hexAttr(view: SysfsView, path: string): number | undefined {
  const t = view.read(path)?.trim();
  if (t === undefined || !/^(0x)?[0-9a-fA-F]+$/.test(t)) return undefined;
  const v = parseInt(t, 16);
  return Number.isFinite(v) ? v : undefined;
}

function linkBase(view: SysfsView, path: string): string | undefined {
  const t = view.readlink(path);
  return t === undefined ? undefined : baseName(t);
}

export function readPciFn(view: SysfsView, bdf: string): PciFn | undefined {
  const dir = `${PCI_DEVICES}/${bdf}`;
  const classCode = hexAttr(view, `${dir}/class`);
  const vendorId = hexAttr(view, `${dir}/vendor`);
  const deviceId = hexAttr(view, `${dir}/device`);
  if (classCode === undefined || vendorId === undefined || deviceId === undefined) return undefined;
  const groupText = linkBase(view, `${dir}/iommu_group`);
  const group = groupText !== undefined && /^\d+$/.test(groupText) ? Number(groupText) : undefined;
  const bootText = view.read(`${dir}/boot_vga`)?.trim();
  return {
    bdf, classCode, vendorId, deviceId,
    subVendorId: hexAttr(view, `${dir}/subsystem_vendor`) ?? 0,
    subDeviceId: hexAttr(view, `${dir}/subsystem_device`) ?? 0,
    revision: hexAttr(view, `${dir}/revision`) ?? 0,
    bootVga: bootText === undefined ? undefined : bootText === '1',
    group, driver: linkBase(view, `${dir}/driver`),
  };
}

/** Every readable function under /bus/pci/devices, in BDF order. */
export function readPciFns(view: SysfsView): PciFn[] {
  const out: PciFn[] = [];
  for (const name of (view.list(PCI_DEVICES) ?? []).filter(isBdf).sort(compareBdf)) {
    const fn = readPciFn(view, name);
    if (fn) out.push(fn);
  }
  return out;
}

export interface IommuGroup {
  id: number;
  members: string[];
}

/** /kernel/iommu_groups/N/devices, by group number; empty when the IOMMU is off. */
export function readGroups(view: SysfsView): IommuGroup[] {
  const out: IommuGroup[] = [];
  for (const name of view.list(IOMMU_GROUPS) ?? []) {
    if (!/^\d+$/.test(name)) continue;
    const members = (view.list(`${IOMMU_GROUPS}/${name}/devices`) ?? []).filter(isBdf).sort(compareBdf);
    out.push({ id: Number(name), members });
  }
  return out.sort((a, b) => a.id - b.id);
}

export const isGpuClass = (classCode: number): boolean => classCode >>> 16 === 0x03;
export const isAudioClass = (classCode: number): boolean => classCode >>> 8 === 0x0403;
export const isBridgeClass = (classCode: number): boolean => classCode >>> 8 === 0x0604;
