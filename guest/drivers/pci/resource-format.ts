// Text formats of PCI sysfs attributes (drivers/pci/pci-sysfs.c), as pure functions.

import { decodeBar, type BarKind } from '../../../emulator/pci/bars';
import type { ConfigAccess } from '../../../emulator/pci/enumerate';
import { decodeBridgeWindows } from '../../../emulator/pci/header';
import type { ConfigRead } from '../../../emulator/pci/capabilities';

export const IORESOURCE_IO = 0x100, IORESOURCE_MEM = 0x200, IORESOURCE_PREFETCH = 0x2000;
export const IORESOURCE_SIZEALIGN = 0x40000, IORESOURCE_MEM_64 = 0x100000;
/** Standard BARs, ROM, six SR-IOV BARs (CONFIG_PCI_IOV), then four bridge windows. */
const ENDPOINT_RESOURCES = 13, BRIDGE_RESOURCES = 17;

export interface ResourceLine { start: bigint; end: bigint; flags: number }

const hex16 = (v: bigint | number): string => '0x' + BigInt(v).toString(16).padStart(16, '0');

/** The `resource` file: one "start end flags" line per resource, zeros for unused ones. */
export function formatResourceFile(lines: readonly ResourceLine[], isBridge: boolean): string {
  const n = isBridge ? BRIDGE_RESOURCES : ENDPOINT_RESOURCES;
  let out = '';
  for (let i = 0; i < n; i++) {
    const r = lines[i];
    out += r && r.flags !== 0 ? `${hex16(r.start)} ${hex16(r.end)} ${hex16(r.flags)}\n` : `${hex16(0)} ${hex16(0)} ${hex16(0)}\n`;
  }
  return out;
}

/**
 * Resources of BARs 0-5 (0-1 on bridges) as Linux's __pci_read_base finds them: with decoding
 * off, write all ones, read the size mask back, restore the BAR and the command register.
 */
export function sizeBars(access: ConfigAccess, bus: number, df: number, isBridge: boolean): ResourceLine[] {
  const out: ResourceLine[] = [];
  const read: ConfigRead = (off, size) => access.read(bus, df, off, size);
  const cmd = read(0x04, 2);
  access.write(bus, df, 0x04, 2, cmd & ~0x3);
  const count = isBridge ? 2 : 6;
  for (let i = 0; i < count; i++) {
    const reg = 0x10 + 4 * i;
    const bar = decodeBar(read, i);
    const low = read(reg, 4);
    access.write(bus, df, reg, 4, 0xffff_ffff);
    const maskLow = read(reg, 4);
    access.write(bus, df, reg, 4, low);
    let mask = bar.kind === 'io' ? (maskLow & 0xffff_fffc) >>> 0 : (maskLow & 0xffff_fff0) >>> 0;
    let size = 0;
    if (bar.kind === 'mem64') {
      const high = read(reg + 4, 4);
      access.write(bus, df, reg + 4, 4, 0xffff_ffff);
      const maskHigh = read(reg + 4, 4);
      access.write(bus, df, reg + 4, 4, high);
      const full = (BigInt(maskHigh >>> 0) << 32n) | BigInt(mask);
      size = full === 0n ? 0 : Number((~full + 1n) & 0xffff_ffff_ffff_ffffn);
    } else {
      if (bar.kind === 'io') mask |= 0xffff_0000;
      size = mask === 0 ? 0 : ((~mask + 1) >>> 0);
    }
    if (size === 0 || low === 0xffff_ffff) out.push({ start: 0n, end: 0n, flags: 0 });
    else out.push({ start: BigInt(bar.address), end: BigInt(bar.address) + BigInt(size) - 1n, flags: barFlags(bar.kind, bar.prefetchable, low) });
    if (bar.kind === 'mem64') {
      out.push({ start: 0n, end: 0n, flags: 0 });
      i++;
    }
  }
  access.write(bus, df, 0x04, 2, cmd);
  return out;
}

function barFlags(kind: BarKind, prefetchable: boolean, low: number): number {
  if (kind === 'io') return IORESOURCE_SIZEALIGN | IORESOURCE_IO | (low & 0x3);
  return IORESOURCE_SIZEALIGN | IORESOURCE_MEM | (low & 0xf) | (kind === 'mem64' ? IORESOURCE_MEM_64 : 0) | (prefetchable ? IORESOURCE_PREFETCH : 0);
}

/**
 * A bridge's windows as pci_read_bridge_windows records them (resources 13-16): the range-type
 * bits of the base register plus IO/MEM (PREFETCH, MEM_64); a window whose base is above its
 * limit is disabled and stays all zeros.
 */
export function bridgeWindowResources(read: ConfigRead): ResourceLine[] {
  const w = decodeBridgeWindows(read);
  const ioType = read(0x1c, 1) & 0x0f, memType = read(0x20, 2) & 0x0f, prefType = read(0x24, 2) & 0x0f;
  const line = (base: number, limit: number, flags: number): ResourceLine =>
    base <= limit ? { start: BigInt(base), end: BigInt(limit), flags } : { start: 0n, end: 0n, flags: 0 };
  return [
    line(w.io.base, w.io.limit, IORESOURCE_IO | ioType),
    line(w.memory.base, w.memory.limit, IORESOURCE_MEM | memType),
    line(w.prefetchable.base, w.prefetchable.limit, IORESOURCE_MEM | IORESOURCE_PREFETCH | prefType | (prefType & 1 ? IORESOURCE_MEM_64 : 0)),
    { start: 0n, end: 0n, flags: 0 },
  ];
}

/** The resource list of a function: BARs, then (bridges) the windows at index 13. */
export function functionResources(access: ConfigAccess, bus: number, df: number, isBridge: boolean): ResourceLine[] {
  const bars = sizeBars(access, bus, df, isBridge);
  if (!isBridge) return bars;
  const out = [...bars];
  while (out.length < ENDPOINT_RESOURCES) out.push({ start: 0n, end: 0n, flags: 0 });
  return [...out, ...bridgeWindowResources((off, size) => access.read(bus, df, off, size))];
}

/** "0x030000" style attributes (class is six digits, vendor/device four, revision two). */
export function hexAttr(value: number, digits: number): string {
  return '0x' + value.toString(16).padStart(digits, '0') + '\n';
}
