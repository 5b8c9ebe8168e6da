// Linux's device-specific ACS answers (drivers/pci/quirks.c pci_dev_acs_enabled and
// pci_dev_acs_ops), as data. Linux walks the table in order; the first entry that has an
// opinion (isolated or not) wins, otherwise the standard ACS capability decides. Entries:
//   isolated      — the device documents isolation it does not advertise (multifunction NICs,
//                   some vendors' root ports);
//   rciep         — any Intel root complex integrated endpoint;
//   intel-pch     — Intel PCH root ports without a usable ACS capability: isolated once Linux's
//                   enable quirk ran (it does when an IOMMU requests ACS);
//   intel-spt-pch — Sunrise Point-era root ports whose ACS control register is a dword at +8;
//   amd-sb        — AMD/ATI southbridge multifunction devices on the root bus with an IVRS table;
//   ranged        — vendor-wide entries that answer only for listed device ranges and say "not
//                   isolated" for the rest of the vendor's devices (Zhaoxin, Wangxun).

import type { ConfigAccess } from './enumerate';
import type { LinuxPciDev } from './linux-scan';
import { ACS_CR, ACS_DT, ACS_EC, ACS_RR, ACS_SV, ACS_TB, ACS_UF } from './regs';

const ANY = -1;
const STD = ACS_SV | ACS_RR | ACS_CR | ACS_UF;
type Range = [number, number];

type QuirkKind =
  | { kind: 'isolated'; provides: number; rootPortOnly?: boolean }
  | { kind: 'rciep' }
  | { kind: 'intel-pch' }
  | { kind: 'intel-spt-pch' }
  | { kind: 'amd-sb' }
  | { kind: 'ranged'; ranges: Range[]; portsOnly: boolean; outside: 'not-isolated' | 'no-opinion' };

interface Quirk { vendorId: number; deviceId: number; q: QuirkKind }

const MF = { kind: 'isolated', provides: ACS_SV | ACS_TB | ACS_RR | ACS_CR | ACS_UF | ACS_DT } as const;
const RP = { kind: 'isolated', provides: STD } as const;
const each = (vendorId: number, ids: number[], q: QuirkKind): Quirk[] => ids.map((deviceId) => ({ vendorId, deviceId, q }));

const INTEL_PCH_ROOT_PORTS: Range[] = [
  [0x3b42, 0x3b51], [0x1c10, 0x1c1f], [0x1e10, 0x1e1f], [0x8c10, 0x8c1f], [0x9c10, 0x9c1b], [0x9c90, 0x9c9b],
  [0x8d10, 0x8d1e],
];
const INTEL_PCH_EVEN: Range[] = [[0x1d10, 0x1d1e], [0x8c90, 0x8c9e]]; // every other ID in these ranges
const INTEL_SPT_ROOT_PORTS: Range[] = [[0xa110, 0xa11f], [0xa167, 0xa16a], [0xa290, 0xa29f], [0xa2e7, 0xa2ee], [0x9d10, 0x9d1b]];

export const ACS_QUIRKS: readonly Quirk[] = [
  ...each(0x1002, [0x4385, 0x439c, 0x4383, 0x439d, 0x4384, 0x4399], { kind: 'amd-sb' }),
  ...each(0x1022, [0x780f, 0x7809], { kind: 'amd-sb' }),
  ...each(0x1924, [0x0903, 0x0923, 0x0a03], MF),
  ...each(0x8086, [
    0x10c6, 0x10db, 0x10dd, 0x10e1, 0x10f1, 0x10f7, 0x10f8, 0x10f9, 0x10fa, 0x10fb, 0x10fc, 0x1507, 0x1514, 0x151c,
    0x1529, 0x152a, 0x154d, 0x154f, 0x1551, 0x1558, 0x1509, 0x150e, 0x150f, 0x1510, 0x1511, 0x1516, 0x1527, 0x10c9,
    0x10e6, 0x10e7, 0x10e8, 0x150a, 0x150d, 0x1518, 0x1526, 0x10a7, 0x10a9, 0x10d6, 0x1521, 0x1522, 0x1523, 0x1524,
    0x105e, 0x105f, 0x1060, 0x10d9, 0x15b7, 0x15b8,
  ], MF),
  { vendorId: 0x8086, deviceId: ANY, q: { kind: 'rciep' } },
  ...each(0x17cb, [0x0400, 0x0401], RP),
  { vendorId: 0x1dbf, deviceId: 0x0401, q: RP },
  { vendorId: 0x8086, deviceId: ANY, q: { kind: 'intel-pch' } },
  { vendorId: 0x8086, deviceId: ANY, q: { kind: 'intel-spt-pch' } },
  { vendorId: 0x19a2, deviceId: 0x0710, q: MF },
  { vendorId: 0x10df, deviceId: 0x0720, q: MF },
  { vendorId: 0x177d, deviceId: ANY, q: { kind: 'ranged', ranges: [[0xa000, 0xa7ff], [0xaf84, 0xaf84], [0xb884, 0xb884]], portsOnly: true, outside: 'no-opinion' } },
  ...each(0x177d, [0xa026, 0xa059, 0xa060], MF),
  { vendorId: 0x10e8, deviceId: 0xe004, q: RP },
  ...each(0x1def, [0xe005, 0xe006, 0xe007, 0xe008, 0xe009, 0xe00a, 0xe00b, 0xe00c], RP),
  ...each(0x14e4, [0x16d7, 0x1750, 0x1751, 0x1752], MF),
  { vendorId: 0x14e4, deviceId: 0xd714, q: RP },
  { vendorId: 0x1c36, deviceId: 0x0031, q: { ...RP, rootPortOnly: true } },
  ...each(0x1d17, [0x3038, 0x3104, 0x9083], MF),
  ...each(0x1957, [
    0x8d81, 0x8da1, 0x8d83, 0x8d80, 0x8da0, 0x8d82, 0x8d90, 0x8db0, 0x8d92, 0x8d91, 0x8db1, 0x8d93, 0x8d89, 0x8da9,
    0x8d8b, 0x8d88, 0x8da8, 0x8d8a, 0x8d98, 0x8db8, 0x8d9a, 0x8d99, 0x8db9, 0x8d9b,
  ], RP),
  { vendorId: 0x1d17, deviceId: ANY, q: { kind: 'ranged', ranges: [[0x0710, 0x071e], [0x0721, 0x0721], [0x0723, 0x0752]], portsOnly: true, outside: 'not-isolated' } },
  { vendorId: 0x8088, deviceId: ANY, q: { kind: 'ranged', ranges: [[0x0100, 0x010f], [0x1001, 0x1001], [0x2001, 0x2001]], portsOnly: false, outside: 'not-isolated' } },
];

function inRanges(id: number, ranges: Range[]): boolean {
  return ranges.some(([lo, hi]) => id >= lo && id <= hi);
}

export function isIntelPchRootPort(dev: LinuxPciDev): boolean {
  if (dev.vendorId !== 0x8086 || dev.pcieType !== 'rootPort') return false;
  return inRanges(dev.deviceId, INTEL_PCH_ROOT_PORTS) || INTEL_PCH_EVEN.some(([lo, hi]) => dev.deviceId >= lo && dev.deviceId <= hi && dev.deviceId % 2 === 0);
}

export function isIntelSptRootPort(dev: LinuxPciDev): boolean {
  return dev.vendorId === 0x8086 && dev.pcieType === 'rootPort' && inRanges(dev.deviceId, INTEL_SPT_ROOT_PORTS);
}

export interface QuirkEnv {
  access: ConfigAccess;
  /** An ACPI IVRS table exists (AMD IOMMU present). */
  acpiIvrs: boolean;
}

/** One entry's answer: true/false, or undefined when it has no opinion (-ENOTTY). */
function answer(q: QuirkKind, dev: LinuxPciDev, flags: number, env: QuirkEnv): boolean | undefined {
  const enabled = (provided: number) => (flags & provided) === flags;
  switch (q.kind) {
    case 'isolated':
      return q.rootPortOnly && dev.pcieType !== 'rootPort' ? undefined : enabled(q.provides);
    case 'rciep':
      return dev.pcieType === 'rcIntegratedEndpoint' ? enabled(STD) : undefined;
    case 'intel-pch':
      return isIntelPchRootPort(dev) ? enabled(dev.acsQuirkEnabled ? STD : 0) : undefined;
    case 'intel-spt-pch': {
      if (!isIntelSptRootPort(dev) || dev.acsOffset === undefined) return undefined;
      const cap = env.access.read(dev.bus, dev.devfn, dev.acsOffset + 4, 4) & 0xffff;
      const ctrl = env.access.read(dev.bus, dev.devfn, dev.acsOffset + 8, 4);
      const wanted = flags & (cap | ACS_EC);
      return (wanted & ctrl) === wanted;
    }
    case 'amd-sb': {
      if (!dev.multifunction || dev.upstream !== undefined || !env.acpiIvrs) return undefined;
      const f = flags & (ACS_RR | ACS_CR | ACS_EC | ACS_DT);
      return (f & (ACS_RR | ACS_CR)) === f;
    }
    case 'ranged': {
      if (q.portsOnly && dev.pcieType !== 'rootPort' && dev.pcieType !== 'downstreamPort') return undefined;
      if (inRanges(dev.deviceId, q.ranges)) return enabled(STD);
      return q.outside === 'not-isolated' ? false : undefined;
    }
  }
}

/** pci_dev_specific_acs_enabled. */
export function quirkAcsEnabled(dev: LinuxPciDev, flags: number, env: QuirkEnv): boolean | undefined {
  for (const e of ACS_QUIRKS) {
    if ((e.vendorId !== ANY && e.vendorId !== dev.vendorId) || (e.deviceId !== ANY && e.deviceId !== dev.deviceId)) continue;
    const a = answer(e.q, dev, flags, env);
    if (a !== undefined) return a;
  }
  return undefined;
}
