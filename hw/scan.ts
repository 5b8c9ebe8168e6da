// `hw scan`: the GPUs (class 0x03xx) with names, boot_vga, IOMMU group, driver and the other
// functions of their slot (HDMI audio, USB-C), and the passthrough candidate by the seed's rules
// made strict: never the boot VGA; a discrete GPU (behind a port, not on the root bus) before an
// integrated one; a clean group (only the GPU's own slot and bridges) before a shared one.

import { describeDevice, vendorName } from '../devices/pci/names';
import {
  compareBdf, hex, isAudioClass, isBridgeClass, isGpuClass, readGroups, readPciFns, slotOf,
  type IommuGroup, type PciFn,
} from './pci-read';
import type { SysfsView } from './sysfs-view';

export interface Companion {
  bdf: string;
  ids: string;
  classCode: string;
  name: string;
  audio: boolean;
  driver: string | null;
}

export interface Gpu {
  bdf: string;
  vendorId: string;
  deviceId: string;
  vendorName: string;
  name: string;
  bootVga: boolean;
  discrete: boolean;
  iommuGroup: number | null;
  groupClean: boolean | null;
  driver: string | null;
  companions: Companion[];
}

export interface ScanResult {
  gpus: Gpu[];
  iommuEnabled: boolean;
  candidate: string | null;
  /** Why the candidate was chosen, or why there is none. */
  reason: string;
}

export const idsOf = (f: Pick<PciFn, 'vendorId' | 'deviceId'>): string => `${hex(f.vendorId, 4)}:${hex(f.deviceId, 4)}`;

/** A group is clean for `bdf` when every member is a function of its slot or a PCI bridge. */
export function groupIsClean(group: IommuGroup, bdf: string, fns: ReadonlyMap<string, PciFn>): boolean {
  return group.members.every((m) => slotOf(m) === slotOf(bdf) || isBridgeClass(fns.get(m)?.classCode ?? 0));
}

function toGpu(f: PciFn, all: readonly PciFn[], groups: readonly IommuGroup[], byBdf: ReadonlyMap<string, PciFn>): Gpu {
  const group = groups.find((g) => g.members.includes(f.bdf));
  const companions = all.filter((o) => o.bdf !== f.bdf && slotOf(o.bdf) === slotOf(f.bdf) && !isGpuClass(o.classCode))
    .map((o) => ({
      bdf: o.bdf, ids: idsOf(o), classCode: hex(o.classCode >>> 8, 4), name: describeDevice(o.vendorId, o.deviceId),
      audio: isAudioClass(o.classCode), driver: o.driver ?? null,
    }));
  return {
    bdf: f.bdf, vendorId: hex(f.vendorId, 4), deviceId: hex(f.deviceId, 4),
    vendorName: vendorName(f.vendorId) ?? `Unknown (${hex(f.vendorId, 4)})`, name: describeDevice(f.vendorId, f.deviceId),
    bootVga: f.bootVga === true, discrete: f.bdf.slice(5, 7) !== '00',
    iommuGroup: f.group ?? null, groupClean: group ? groupIsClean(group, f.bdf, byBdf) : null,
    driver: f.driver ?? null, companions,
  };
}

/** Orders passthrough candidates: discrete first, then clean group, then address. */
function rank(a: Gpu, b: Gpu): number {
  return Number(b.discrete) - Number(a.discrete) || Number(b.groupClean === true) - Number(a.groupClean === true) || compareBdf(a.bdf, b.bdf);
}

export function chooseCandidate(gpus: readonly Gpu[]): { candidate: Gpu | undefined; reason: string } {
  if (gpus.length === 0) return { candidate: undefined, reason: 'no GPU (PCI class 0x03) found' };
  const free = gpus.filter((g) => !g.bootVga).sort(rank);
  const c = free[0];
  if (!c) return { candidate: undefined, reason: 'every GPU is the boot VGA: the host needs one to keep its display' };
  const why = [c.discrete ? 'discrete' : 'integrated (no discrete GPU is free)', 'not the boot VGA'];
  if (c.groupClean === true) why.push(`IOMMU group ${c.iommuGroup} is clean`);
  else if (c.groupClean === false) why.push(`IOMMU group ${c.iommuGroup} is shared`);
  else why.push('no IOMMU group (IOMMU off)');
  return { candidate: c, reason: why.join(', ') };
}

export function scan(view: SysfsView): ScanResult {
  const fns = readPciFns(view);
  const byBdf = new Map(fns.map((f) => [f.bdf, f]));
  const groups = readGroups(view);
  const gpus = fns.filter((f) => isGpuClass(f.classCode)).map((f) => toGpu(f, fns, groups, byBdf));
  const { candidate, reason } = chooseCandidate(gpus);
  return { gpus, iommuEnabled: groups.length > 0, candidate: candidate?.bdf ?? null, reason };
}

export function formatScan(r: ScanResult): string {
  const lines: string[] = [`GPUs: ${r.gpus.length}`];
  for (const g of r.gpus) {
    const role = g.bootVga ? 'boot VGA' : g.bdf === r.candidate ? 'passthrough candidate' : 'secondary';
    lines.push('', `${g.bdf} ${g.name} [${g.vendorId}:${g.deviceId}] (${role})`);
    lines.push(`  kind: ${g.discrete ? 'discrete' : 'integrated'}   boot_vga: ${g.bootVga ? 1 : 0}   driver: ${g.driver ?? '(none)'}`);
    const clean = g.groupClean === null ? '' : g.groupClean ? ' (clean)' : ' (shared)';
    lines.push(`  IOMMU group: ${g.iommuGroup ?? '(none)'}${clean}`);
    for (const c of g.companions) lines.push(`  ${c.audio ? 'audio' : 'function'}: ${c.bdf} ${c.name} [${c.ids}] driver: ${c.driver ?? '(none)'}`);
  }
  lines.push('');
  if (!r.iommuEnabled) lines.push('IOMMU: off (no /sys/kernel/iommu_groups entries)');
  lines.push(r.candidate ? `Recommended for passthrough: ${r.candidate} (${r.reason})` : `No GPU suitable for passthrough: ${r.reason}`);
  return lines.join('\n') + '\n';
}
