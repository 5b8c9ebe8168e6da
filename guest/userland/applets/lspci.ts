// lspci as pciutils 3.9 prints it, from sysfs (/sys/bus/pci/devices): the terse line
// ("00:02.0 VGA compatible controller: Device 1234:1111 (rev 02)"), -n / -nn numeric IDs,
// -k (Subsystem, "Kernel driver in use" and "Kernel modules" — the modules whose
// modules.alias patterns match the device's modalias, as libkmod's lookup finds them; none
// without /lib/modules/RELEASE/modules.alias), -s slot filters, -D domains.

import { describeDevice, vendorName } from '../../../devices/pci/names';
import { fnmatch } from '../../drivers/modprobe/modalias';
import { strerror } from '../libc/errno';
import { O_DIRECTORY, O_RDONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { options, readInput, readInputText } from './common';
import { CLASS_NAMES, EXTRA_VENDORS, SUBSYSTEM_NAMES } from './lspci-names';
import { progIfText, verboseBody } from './lspci-verbose';

const SYS_PCI = '/sys/bus/pci/devices';

interface PciInfo {
  domain: number; bus: number; slot: number; fn: number;
  classCode: number; vendorId: number; deviceId: number; revision: number;
  subVendorId: number; subDeviceId: number; driver: string | undefined;
  /** Modules whose aliases match the device (filled for -k). */
  modules?: string[];
}

const hex = (v: number, digits: number) => v.toString(16).padStart(digits, '0');

export interface SlotFilter { domain?: number; bus?: number; slot?: number; fn?: number }

/** -s [[[[<domain>]:]<bus>]:][<slot>][.[<func>]], hex fields, empty or "*" meaning any. */
export function parseSlotFilter(text: string): SlotFilter | undefined {
  const field = (s: string | undefined, max: number): number | undefined | null => {
    if (s === undefined || s === '' || s === '*') return undefined;
    if (!/^[0-9a-fA-F]+$/.test(s)) return null;
    const v = parseInt(s, 16);
    return v > max ? null : v;
  };
  const [left, func] = text.split('.', 2) as [string, string | undefined];
  const parts = left.split(':');
  if (parts.length > 3) return undefined;
  const slot = field(parts[parts.length - 1], 0x1f);
  const bus = parts.length >= 2 ? field(parts[parts.length - 2], 0xff) : undefined;
  const domain = parts.length === 3 ? field(parts[0], 0xffff) : undefined;
  const fn = field(func, 7);
  if (slot === null || bus === null || domain === null || fn === null) return undefined;
  return { domain, bus, slot, fn };
}

function matchesFilter(f: SlotFilter, d: PciInfo): boolean {
  return (f.domain === undefined || f.domain === d.domain) && (f.bus === undefined || f.bus === d.bus) &&
    (f.slot === undefined || f.slot === d.slot) && (f.fn === undefined || f.fn === d.fn);
}

/** pci_lookup_name with PCI_LOOKUP_CLASS: subclass name, else class name, else "Class xxxx". */
export function className(classCode: number, numeric: number): string {
  const cc = hex(classCode >>> 16, 2), sub = hex((classCode >>> 8) & 0xff, 2);
  if (numeric === 1) return cc + sub;
  const name = CLASS_NAMES[cc + sub] ?? CLASS_NAMES[cc];
  if (!name) return numeric === 2 ? `Class [${cc}${sub}]` : `Class ${cc}${sub}`;
  return numeric === 2 ? `${name} [${cc}${sub}]` : name;
}

export function deviceText(vendorId: number, deviceId: number, numeric: number): string {
  const ids = `${hex(vendorId, 4)}:${hex(deviceId, 4)}`;
  if (numeric === 1) return ids;
  const named = describeDevice(vendorId, deviceId);
  if (numeric !== 2) return named;
  // "-nn": the name without its numeric fallback, then the IDs in brackets.
  const base = named.startsWith('Device ') ? 'Device' : named.replace(/ Device [0-9a-f]{4}$/, ' Device');
  return `${base} [${ids}]`;
}

export function subsystemText(d: Pick<PciInfo, 'vendorId' | 'deviceId' | 'subVendorId' | 'subDeviceId'>, numeric: number): string {
  const ids = `${hex(d.subVendorId, 4)}:${hex(d.subDeviceId, 4)}`;
  if (numeric === 1) return ids;
  const own = SUBSYSTEM_NAMES[`${hex(d.vendorId, 4)}:${hex(d.deviceId, 4)}:${ids}`];
  const vendor = vendorName(d.subVendorId) ?? EXTRA_VENDORS[d.subVendorId];
  let text: string;
  if (vendor && own) text = `${vendor} ${own}`;
  else if (vendor) text = numeric === 2 ? `${vendor} Device` : `${vendor} Device ${hex(d.subDeviceId, 4)}`;
  else text = numeric === 2 ? 'Device' : `Device ${ids}`;
  return numeric === 2 ? `${text} [${ids}]` : text;
}

export function formatDevice(d: PciInfo, o: { numeric: number; kernel: boolean; domains: boolean }): string {
  const slot = `${o.domains ? hex(d.domain, 4) + ':' : ''}${hex(d.bus, 2)}:${hex(d.slot, 2)}.${d.fn}`;
  let out = `${slot} ${className(d.classCode, o.numeric)}: ${deviceText(d.vendorId, d.deviceId, o.numeric)}`;
  if (d.revision) out += ` (rev ${hex(d.revision, 2)})`;
  out += '\n';
  if (o.kernel) {
    if (d.subVendorId && d.subVendorId !== 0xffff) out += `\tSubsystem: ${subsystemText(d, o.numeric)}\n`;
    if (d.driver) out += `\tKernel driver in use: ${d.driver}\n`;
    // pciutils drops a module repeated right after itself (next_module_filtered).
    const mods = (d.modules ?? []).filter((m, i, a) => i === 0 || a[i - 1] !== m);
    if (mods.length) out += `\tKernel modules: ${mods.join(', ')}\n`;
  }
  return out;
}

function* readDevice(rt: Runtime, name: string): Sc<PciInfo | undefined> {
  const m = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(name);
  if (!m) return undefined;
  const num = function* (f: string): Sc<number> {
    const t = yield* readInputText(rt, `${SYS_PCI}/${name}/${f}`);
    const v = t === undefined ? NaN : parseInt(t.trim(), 16);
    return Number.isNaN(v) ? 0 : v;
  };
  const link = yield* rt.sys.readlink(`${SYS_PCI}/${name}/driver`);
  return {
    domain: parseInt(m[1], 16), bus: parseInt(m[2], 16), slot: parseInt(m[3], 16), fn: Number(m[4]),
    classCode: yield* num('class'), vendorId: yield* num('vendor'), deviceId: yield* num('device'), revision: yield* num('revision'),
    subVendorId: yield* num('subsystem_vendor'), subDeviceId: yield* num('subsystem_device'),
    driver: typeof link === 'string' ? link.slice(link.lastIndexOf('/') + 1) : undefined,
  };
}

export function* lspci(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'nkDs:v');
  if (!o) return 2;
  const filterText = o.values.get('s');
  const filter = filterText === undefined ? {} : parseSlotFilter(filterText);
  if (!filter) {
    yield* rt.error(`-s: Invalid slot number`);
    return 2;
  }
  const fd = yield* rt.sys.open(SYS_PCI, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    yield* rt.error(`Cannot open ${SYS_PCI}: ${strerror(fd)}`);
    return 1;
  }
  const ents = yield* rt.sys.getdents(fd);
  yield* rt.sys.close(fd);
  if (typeof ents === 'number') return 1;
  const devs: PciInfo[] = [];
  for (const e of ents) {
    const d = yield* readDevice(rt, e.name);
    if (d) devs.push(d);
  }
  devs.sort((a, b) => a.domain - b.domain || a.bus - b.bus || a.slot - b.slot || a.fn - b.fn);
  const verbose = o.flags.has('v');
  if (o.flags.has('k') || verbose) yield* addModules(rt, devs);
  const shown = { numeric: Math.min(o.flags.get('n') ?? 0, 2), kernel: o.flags.has('k'), domains: o.flags.has('D') || devs.some((d) => d.domain !== 0) };
  for (const d of devs) {
    if (!matchesFilter(filter, d)) continue;
    rt.out.put(verbose ? yield* formatVerbose(rt, d, shown) : formatDevice(d, shown));
  }
  return 0;
}

/** modules.alias lines ("alias PATTERN MODULE") of the running kernel, in file order. */
function* moduleAliases(rt: Runtime): Sc<{ pattern: string; module: string }[]> {
  const uts = yield* rt.sys.uname();
  if (typeof uts === 'number') return [];
  const fd = yield* rt.sys.open(`/lib/modules/${uts.release}/modules.alias`, O_RDONLY);
  if (fd < 0) return [];
  yield* rt.sys.close(fd);
  const text = (yield* readInputText(rt, `/lib/modules/${uts.release}/modules.alias`)) ?? '';
  const out: { pattern: string; module: string }[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'alias' && f.length === 3) out.push({ pattern: f[1]!, module: f[2]! });
  }
  return out;
}

function* addModules(rt: Runtime, devs: PciInfo[]): Sc<void> {
  const aliases = yield* moduleAliases(rt);
  if (aliases.length === 0) return;
  for (const d of devs) {
    const name = `${hex(d.domain, 4)}:${hex(d.bus, 2)}:${hex(d.slot, 2)}.${d.fn}`;
    const fd = yield* rt.sys.open(`${SYS_PCI}/${name}/modalias`, O_RDONLY);
    if (fd < 0) continue;
    yield* rt.sys.close(fd);
    const modalias = ((yield* readInputText(rt, `${SYS_PCI}/${name}/modalias`)) ?? '').trim();
    d.modules = aliases.filter((a) => fnmatch(a.pattern, modalias)).map((a) => a.module);
  }
}

/** lspci -v: the header with prog-if, the verbose body from sysfs config/resource/iommu_group, the kernel lines, a blank line. */
function* formatVerbose(rt: Runtime, d: PciInfo, o: { numeric: number; domains: boolean }): Sc<string> {
  const name = `${hex(d.domain, 4)}:${hex(d.bus, 2)}:${hex(d.slot, 2)}.${d.fn}`;
  const dir = `${SYS_PCI}/${name}`;
  const config = (yield* readInput(rt, `${dir}/config`)) ?? new Uint8Array(0);
  const sizes = ((yield* readInputText(rt, `${dir}/resource`)) ?? '').split('\n').map((l) => {
    const [start, end] = l.trim().split(/\s+/).map((x) => BigInt(/^0x[0-9a-f]+$/i.test(x ?? '') ? x! : '0'));
    return start !== undefined && end !== undefined && (start || end) ? end - start + 1n : 0n;
  });
  const group = yield* rt.sys.readlink(`${dir}/iommu_group`);
  const full = formatDevice(d, { ...o, kernel: true });
  const [head, ...rest] = full.split('\n');
  const kernelLines = rest.filter((l) => l.startsWith('\tKernel ')).map((l) => `${l}\n`).join('');
  const subsystem = d.subVendorId && d.subVendorId !== 0xffff ? subsystemText(d, o.numeric) : undefined;
  const body = verboseBody({
    config, barSizes: sizes, subsystem, iommuGroup: typeof group === 'string' ? group.slice(group.lastIndexOf('/') + 1) : undefined,
    subsystemName: (v, dev) => subsystemText({ vendorId: d.vendorId, deviceId: d.deviceId, subVendorId: v, subDeviceId: dev }, o.numeric),
  });
  return `${head}${progIfText(d.classCode)}\n${body}${kernelLines}\n`;
}
