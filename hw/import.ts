// `hw import FILE`: a capture.sh dump turned into a twinbox machine profile (q35) whose PCI
// functions are the catalogue's models with the same vendor:device:class, at the same
// addresses behind the same bridges, so the simulated IOMMU groups equal the captured ones.
// The q35 board's own functions (MCH, ICH9) are implied by the machine; a function with no
// model is an error naming it, never silently dropped or replaced.

import { parseDocument } from 'yaml';
import { catalogueDrivers, catalogueEntry, type CatalogueEntry } from '../devices/pci/catalogue';
import { compareBdf, isBdf } from './pci-read';

export interface CapturedFn {
  bdf: string;
  vendor: number;
  device: number;
  classCode: number;
  multifunction: boolean;
  secondaryBus: number | undefined;
  acs: boolean | undefined;
}

export interface Capture {
  iommu: boolean;
  devices: CapturedFn[];
  groups: Array<{ id: number; devices: string[] }>;
}

export type ImportResult = { ok: true; profile: string; capture: Capture } | { ok: false; error: string };

const BOARD_DRIVERS = new Set(['mch', 'ICH9-LPC', 'ich9-ahci', 'ICH9-SMB', 'gpex-root']);
const HEX_RE = /^(0x)?[0-9a-fA-F]+$/;

function hexField(o: Record<string, unknown>, key: string, where: string, max: number): number | string {
  const v = o[key];
  if (typeof v !== 'string' || !HEX_RE.test(v)) return `${where}: '${key}' must be a hex string (got ${JSON.stringify(v)})`;
  const n = parseInt(v, 16);
  return n > max ? `${where}: '${key}' out of range (${v})` : n;
}

function parseDevice(raw: unknown, i: number): CapturedFn | string {
  const where = `devices[${i}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${where}: expected a mapping`;
  const o = raw as Record<string, unknown>;
  if (typeof o['bdf'] !== 'string' || !isBdf(o['bdf'])) return `${where}: 'bdf' must be DDDD:BB:DD.F (got ${JSON.stringify(o['bdf'])})`;
  const vendor = hexField(o, 'vendor', where, 0xffff);
  const device = hexField(o, 'device', where, 0xffff);
  const cls = hexField(o, 'class', where, 0xffffff);
  for (const v of [vendor, device, cls]) if (typeof v === 'string') return v;
  let secondaryBus: number | undefined;
  if (o['secondary_bus'] !== undefined) {
    const s = hexField(o, 'secondary_bus', where, 0xff);
    if (typeof s === 'string') return s;
    secondaryBus = s;
  }
  const bool = (k: string) => (typeof o[k] === 'boolean' ? (o[k] as boolean) : undefined);
  return {
    bdf: o['bdf'], vendor: vendor as number, device: device as number, classCode: cls as number,
    multifunction: bool('multifunction') ?? false, secondaryBus, acs: bool('acs'),
  };
}

function parseGroups(raw: unknown): Capture['groups'] | string {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return "'groups' must be a list";
  const out: Capture['groups'] = [];
  for (const [i, g] of raw.entries()) {
    if (typeof g !== 'object' || g === null) return `groups[${i}]: expected a mapping`;
    const o = g as Record<string, unknown>;
    if (typeof o['id'] !== 'number' || !Number.isInteger(o['id']) || o['id'] < 0) return `groups[${i}]: 'id' must be a group number`;
    const devs = o['devices'];
    if (!Array.isArray(devs) || !devs.every((d): d is string => typeof d === 'string' && isBdf(d))) return `groups[${i}]: 'devices' must be a list of DDDD:BB:DD.F`;
    out.push({ id: o['id'], devices: [...devs].sort(compareBdf) });
  }
  return out;
}

/** Parses and checks a capture; every problem is a message naming where it is. */
export function parseCapture(text: string): Capture | string {
  let doc: unknown;
  try {
    // Errors come back as values; warnings (unknown tags) are not worth a message.
    const d = parseDocument(text, { logLevel: 'silent' });
    if (d.errors.length > 0) return `not valid YAML: ${d.errors[0].message.split('\n')[0]}`;
    doc = d.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return `not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'expected a capture mapping (capture-version, iommu, devices, groups)';
  const o = doc as Record<string, unknown>;
  if (o['capture-version'] !== 1) return `unsupported capture-version ${JSON.stringify(o['capture-version'])} (expected 1)`;
  if (o['iommu'] !== 'on' && o['iommu'] !== 'off' && typeof o['iommu'] !== 'boolean') return "'iommu' must be on or off";
  if (!Array.isArray(o['devices'])) return "'devices' must be a list";
  const devices: CapturedFn[] = [];
  for (const [i, d] of o['devices'].entries()) {
    const r = parseDevice(d, i);
    if (typeof r === 'string') return r;
    if (devices.some((x) => x.bdf === r.bdf)) return `devices[${i}]: duplicate bdf ${r.bdf}`;
    devices.push(r);
  }
  const groups = parseGroups(o['groups']);
  if (typeof groups === 'string') return groups;
  return { iommu: o['iommu'] === 'on' || o['iommu'] === true, devices: devices.sort((a, b) => compareBdf(a.bdf, b.bdf)), groups };
}

/** The catalogue model with this identity; with ACS absent a QEMU root port needs disable-acs. */
export function modelFor(f: CapturedFn): CatalogueEntry | undefined {
  for (const d of catalogueDrivers()) {
    const e = catalogueEntry(d);
    if (e && e.identity.vendorId === f.vendor && e.identity.deviceId === f.device && e.identity.classCode >>> 8 === f.classCode >>> 8) return e;
  }
  return undefined;
}

const devicesBlock = (items: string[]): string[] => (items.length === 0 ? ['devices: []'] : ['devices:', ...items]);
const yamlString = (s: string): string => JSON.stringify(s);
const bridgeId = (bdf: string): string => `br-${bdf.slice(5).replace(/[:.]/g, '-')}`;

/** QEMU's PCIe ports need a chassis/slot pair unique on the machine. */
const SLOTTED_PORTS = new Set(['pcie-root-port', 'xio3130-downstream']);

function deviceLine(f: CapturedFn, e: CatalogueEntry, parentId: string | undefined, siblings: number, portSlot: number): string {
  const [, , slotFn] = f.bdf.split(':');
  const [slot, fn] = slotFn.split('.');
  const parts = [`driver: ${yamlString(e.driver)}`];
  if (f.secondaryBus !== undefined) parts.push(`id: ${yamlString(bridgeId(f.bdf))}`);
  if (parentId) parts.push(`bus: ${yamlString(parentId)}`);
  parts.push(`addr: "${parseInt(slot, 16).toString(16)}.${fn}"`);
  if (fn === '0' && (f.multifunction || siblings > 1)) parts.push('multifunction: true');
  const props: string[] = [];
  if (SLOTTED_PORTS.has(e.driver)) props.push(`slot: ${portSlot}`);
  if (e.driver === 'pcie-root-port' && f.acs === false) props.push('disable-acs: "on"');
  if (props.length > 0) parts.push(`props: { ${props.join(', ')} }`);
  return `  - { ${parts.join(', ')} }`;
}

export function importCapture(text: string): ImportResult {
  const cap = parseCapture(text);
  if (typeof cap === 'string') return { ok: false, error: cap };
  const byBus = new Map<number, string>();
  for (const f of cap.devices) if (f.secondaryBus !== undefined && f.secondaryBus !== 0) byBus.set(f.secondaryBus, bridgeId(f.bdf));
  const qemu: string[] = [];
  const host: string[] = [];
  const missing: string[] = [];
  let portSlot = 0;
  for (const f of cap.devices) {
    // Every x86 host has its host bridge at 00:00.0; q35's MCH stands for whichever the capture saw.
    if (f.bdf === '0000:00:00.0' && f.classCode >>> 8 === 0x0600) continue;
    const e = modelFor(f);
    if (!e) {
      missing.push(`${f.bdf} [${f.vendor.toString(16).padStart(4, '0')}:${f.device.toString(16).padStart(4, '0')}] class ${f.classCode.toString(16).padStart(6, '0')}`);
      continue;
    }
    if (BOARD_DRIVERS.has(e.driver)) continue;
    const bus = parseInt(f.bdf.slice(5, 7), 16);
    const parent = bus === 0 ? undefined : byBus.get(bus);
    if (bus !== 0 && !parent) return { ok: false, error: `${f.bdf}: no captured bridge has secondary bus ${bus.toString(16).padStart(2, '0')} (the capture lacks config space?)` };
    const siblings = cap.devices.filter((o) => o.bdf.slice(0, -2) === f.bdf.slice(0, -2)).length;
    if (SLOTTED_PORTS.has(e.driver)) portSlot++;
    (e.host ? host : qemu).push(deviceLine(f, e, parent, siblings, portSlot));
  }
  if (missing.length > 0) return { ok: false, error: `no twinbox model for ${missing.length} function(s): ${missing.join('; ')}` };
  const lines = [
    '# Imported by twinbox hw import from a capture.sh dump.',
    'description: imported host (twinbox hw import)',
    'machine: q35', 'cpu: max', 'memory: 1G', 'nographic: true', 'nodefaults: true',
    ...devicesBlock([...(cap.iommu ? ['  - { driver: "intel-iommu" }'] : []), ...qemu]),
    ...(cap.iommu ? ['append: console=ttyS0 intel_iommu=on iommu=pt'] : ['append: console=ttyS0']),
  ];
  if (host.length > 0) lines.push('pci-host-devices:', ...host);
  return { ok: true, profile: lines.join('\n') + '\n', capture: cap };
}
