// Module aliases for PCI devices as Linux writes them. A device's modalias
// (drivers/pci/pci-sysfs.c, the MODALIAS= of its uevent) names every field; a driver's
// ID table becomes one pattern per entry in modules.alias (scripts/mod/file2alias.c's
// do_pci_entry: `*` for wildcard fields and class bytes whose mask byte is not 0xff, and a
// trailing `*`). udev and modprobe match the two with fnmatch().

import { ANY_ID, type PciId } from '../pci/driver-table';

const HEX = (v: number, digits: number) => (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');

export interface ModaliasDevice {
  vendorId: number;
  deviceId: number;
  subVendorId: number;
  subDeviceId: number;
  classCode: number;
}

/** `pci:v000010DEd00002484sv000010DEsd0000146Bbc03sc00i00` */
export function pciModalias(d: ModaliasDevice): string {
  return `pci:v${HEX(d.vendorId, 8)}d${HEX(d.deviceId, 8)}sv${HEX(d.subVendorId, 8)}sd${HEX(d.subDeviceId, 8)}` +
    `bc${HEX(d.classCode >>> 16, 2)}sc${HEX((d.classCode >>> 8) & 0xff, 2)}i${HEX(d.classCode & 0xff, 2)}`;
}

/** do_pci_entry: the modules.alias pattern of one ID table entry. */
export function pciAliasPattern(id: PciId, prefix = 'pci'): string {
  const field = (tag: string, v: number | undefined, digits: number) =>
    v === undefined || v === ANY_ID ? `${tag}*` : `${tag}${HEX(v, digits)}`;
  const mask = id.classMask ?? 0, cls = id.classCode ?? 0;
  const byte = (tag: string, shift: number) =>
    ((mask >>> shift) & 0xff) === 0xff ? `${tag}${HEX((cls >>> shift) & 0xff, 2)}` : `${tag}*`;
  const alias = `${prefix}:${field('v', id.vendorId, 8)}${field('d', id.deviceId, 8)}${field('sv', id.subVendorId, 8)}` +
    `${field('sd', id.subDeviceId, 8)}${byte('bc', 16)}${byte('sc', 8)}${byte('i', 0)}`;
  return alias.endsWith('*') ? alias : `${alias}*`;
}

/** fnmatch(3) without flags: `*`, `?`, bracket expressions with ranges and `!`/`^`, `\` escapes. */
export function fnmatch(pattern: string, text: string): boolean {
  let p = 0, t = 0, starP = -1, starT = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
      continue;
    }
    const step = p < pattern.length ? matchOne(pattern, p, text[t]!) : -1;
    if (step > 0) {
      p += step;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** How many pattern characters matched `c` at `p` (0 when it did not match). */
function matchOne(pattern: string, p: number, c: string): number {
  const ch = pattern[p]!;
  if (ch === '?') return 1;
  if (ch === '\\' && p + 1 < pattern.length) return pattern[p + 1] === c ? 2 : 0;
  if (ch !== '[') return ch === c ? 1 : 0;
  let i = p + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  let hit = false, first = true;
  while (i < pattern.length && (first || pattern[i] !== ']')) {
    first = false;
    const lo = pattern[i]!;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      if (c >= lo && c <= pattern[i + 2]!) hit = true;
      i += 3;
    } else {
      if (c === lo) hit = true;
      i++;
    }
  }
  // An unterminated bracket is an ordinary character, as in glibc.
  if (i >= pattern.length) return c === '[' ? 1 : 0;
  return hit !== negate ? i + 1 - p : 0;
}
