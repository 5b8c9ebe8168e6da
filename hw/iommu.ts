// `hw iommu`: every IOMMU group with its members, the candidate GPU's group judged clean or
// shared (with the ACS override hint when shared), and when there are no groups the advice to
// turn the IOMMU on with the kernel parameter of the CPU's vendor.

import { hex, readGroups, readPciFns, type PciFn } from './pci-read';
import { className, deviceText } from '../guest/userland/applets/lspci';
import { scan } from './scan';
import type { SysfsView } from './sysfs-view';

export type CpuVendor = 'intel' | 'amd';

/** The CPU vendor from /proc/cpuinfo's vendor_id (x86), undefined for others or no text. */
export function cpuVendorFromCpuinfo(cpuinfo: string | undefined): CpuVendor | undefined {
  const m = /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo ?? '');
  if (!m) return undefined;
  if (m[1] === 'GenuineIntel') return 'intel';
  if (m[1] === 'AuthenticAMD' || m[1] === 'HygonGenuine') return 'amd';
  return undefined;
}

/**
 * Which IOMMU the host has: the running one (/sys/class/iommu dmar* = VT-d, ivhd* = AMD-Vi), the
 * firmware's ACPI table (DMAR or IVRS), or the parameter already on the command line wins over
 * the CPU vendor, since a simulated or nested host may report one CPU vendor and emulate the
 * other vendor's IOMMU.
 */
export function iommuVendor(view: SysfsView, cpuinfo: string | undefined, cmdline: string | undefined): CpuVendor | undefined {
  const units = view.list('/class/iommu') ?? [];
  if (units.some((u) => u.startsWith('dmar'))) return 'intel';
  if (units.some((u) => u.startsWith('ivhd'))) return 'amd';
  // The firmware's ACPI table names the IOMMU even while the kernel leaves it off.
  const tables = view.list('/firmware/acpi/tables') ?? [];
  if (tables.includes('DMAR')) return 'intel';
  if (tables.includes('IVRS')) return 'amd';
  if (/(^|\s)intel_iommu=on(\s|$)/.test(cmdline ?? '')) return 'intel';
  if (/(^|\s)amd_iommu=on(\s|$)/.test(cmdline ?? '')) return 'amd';
  return cpuVendorFromCpuinfo(cpuinfo);
}

export const iommuParam = (v: CpuVendor): string => (v === 'intel' ? 'intel_iommu=on' : 'amd_iommu=on');

export interface GroupMember {
  bdf: string;
  text: string;
}

export interface IommuReport {
  enabled: boolean;
  groups: Array<{ id: number; members: GroupMember[] }>;
  candidate: string | null;
  candidateGroup: number | null;
  verdict: 'clean' | 'shared' | null;
  hint: string | null;
}

/** `lspci -nns BDF` text for a member: "01:00.0 VGA compatible controller [0300]: NVIDIA ... [10de:2484]". */
export function memberText(f: PciFn | undefined, bdf: string): string {
  if (!f) return `${bdf.slice(5)} (unreadable)`;
  const rev = f.revision ? ` (rev ${hex(f.revision, 2)})` : '';
  return `${bdf.slice(5)} ${className(f.classCode, 2)}: ${deviceText(f.vendorId, f.deviceId, 2)}${rev}`;
}

export const ACS_HINT = 'move the card to a slot with its own group, or boot a kernel with the ACS override patch and pcie_acs_override=downstream,multifunction (weakens isolation)';

export function iommuReport(view: SysfsView, cpuinfo: string | undefined, cmdline?: string): IommuReport {
  const fns = new Map(readPciFns(view).map((f) => [f.bdf, f]));
  const groups = readGroups(view).map((g) => ({ id: g.id, members: g.members.map((m) => ({ bdf: m, text: memberText(fns.get(m), m) })) }));
  const s = scan(view);
  const cand = s.gpus.find((g) => g.bdf === s.candidate);
  const verdict = cand?.groupClean === undefined || cand.groupClean === null ? null : cand.groupClean ? 'clean' : 'shared';
  let hint: string | null = verdict === 'shared' ? `the group is shared: ${ACS_HINT}` : null;
  if (groups.length === 0) {
    const v = iommuVendor(view, cpuinfo, cmdline);
    hint = v
      ? `IOMMU off: enable ${v === 'intel' ? 'VT-d' : 'AMD-Vi/IOMMU'} in the firmware and add '${iommuParam(v)} iommu=pt' to the kernel command line`
      : "IOMMU off: enable VT-d/AMD-Vi in the firmware and add 'intel_iommu=on iommu=pt' (Intel) or 'amd_iommu=on iommu=pt' (AMD) to the kernel command line";
  }
  return { enabled: groups.length > 0, groups, candidate: s.candidate, candidateGroup: cand?.iommuGroup ?? null, verdict, hint };
}

export function formatIommu(r: IommuReport): string {
  if (!r.enabled) return `IOMMU off: /sys/kernel/iommu_groups is empty\n${r.hint ?? ''}\n`;
  const lines: string[] = [];
  for (const g of r.groups) {
    const mark = g.id === r.candidateGroup ? ` (${r.verdict === 'clean' ? 'CLEAN' : 'SHARED'}, passthrough candidate ${r.candidate?.slice(5)})` : '';
    lines.push(`IOMMU Group ${g.id}${mark}:`);
    for (const m of g.members) lines.push(`\t${m.text}`);
  }
  if (r.candidate === null) lines.push('', 'No passthrough candidate GPU.');
  else if (r.candidateGroup === null) lines.push('', `Candidate ${r.candidate} has no IOMMU group.`);
  else lines.push('', `Candidate ${r.candidate}: group ${r.candidateGroup} is ${r.verdict}.`);
  if (r.hint) lines.push(`Hint: ${r.hint}`);
  return lines.join('\n') + '\n';
}
