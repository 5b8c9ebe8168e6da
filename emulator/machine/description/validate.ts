// Checks a machine description the way QEMU would refuse it at start-up: unknown or misplaced
// device drivers, duplicate or malformed ids, buses that do not exist (yet: QEMU creates devices in
// command-line order, so a bus must be defined before its children), dangling netdev=/drive=
// references, CPU models and counts the machine does not take. Runs on the user's part of the
// description, before defaults are added, and reports the first problem with a path into the
// profile's field names (`devices.2.bus`) so both front ends can say where it is.

import { CPU_MODELS, cpuModelName } from './cpus';
import { type DriverKind, isPciKind, lookupDriver, providesBus } from './drivers';
import type { DeviceSpec, DriveSpec, MachineDescription, NetdevSpec } from './types';

export type ProblemPath = ReadonlyArray<string | number>;

export interface Problem {
  path: ProblemPath;
  message: string;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const ID_HINT = "ids consist of letters, digits, '-', '.', '_', starting with a letter";
export const ROOT_BUS = 'pcie.0';
export const NETDEV_TYPES: ReadonlySet<string> = new Set([
  'user', 'tap', 'bridge', 'socket', 'dgram', 'stream', 'hubport', 'l2tpv3', 'vde', 'vhost-user', 'vhost-vdpa',
]);
const DRIVE_INTERFACES: Record<MachineDescription['machine'], ReadonlySet<string>> = {
  virt: new Set(['none', 'virtio', 'pflash']),
  q35: new Set(['none', 'virtio', 'ide', 'pflash']),
};
const VIRTIO_MMIO_BUS = /^virtio-mmio-bus\.([0-9]+)$/;
const VIRT_MMIO_TRANSPORTS = 32;

function problem(path: ProblemPath, message: string): Problem {
  return { path, message };
}

/** QEMU's PCI `addr` property: `SLOT[.FN]` in hex, slot 0..1f, function 0..7. */
export function parsePciAddr(addr: string): { slot: number; fn: number } | undefined {
  // QEMU reads both fields with strtoul(..., 16), so either may carry 0x (libvirt writes addr=0x2.0x1).
  const match = /^(?:0[xX])?([0-9a-fA-F]{1,2})(?:\.(?:0[xX])?([0-7]))?$/.exec(addr);
  if (match === null) return undefined;
  const slot = Number.parseInt(match[1] ?? '', 16);
  if (slot > 0x1f) return undefined;
  return { slot, fn: Number.parseInt(match[2] ?? '0', 10) };
}

/**
 * q35's machine limit is 288, but without KVM QEMU refuses more than 255 ("requires kernel
 * irqchip and X2APIC API support"), and twinbox, like QEMU's TCG, has no KVM.
 */
export function maxCpus(desc: MachineDescription): number {
  if (desc.machine === 'q35') return 255;
  const gic = desc.machineOptions['gic-version'];
  return gic === '3' || gic === 'max' ? 512 : 8;
}

function checkMachine(desc: MachineDescription): Problem | undefined {
  const model = cpuModelName(desc.cpu);
  if (model === 'host') return problem(['cpu'], "CPU model 'host' requires KVM or HVF; twinbox has neither (try 'max')");
  if (!CPU_MODELS[desc.machine].has(model)) {
    return problem(['cpu'], `CPU model '${model}' is not available on machine '${desc.machine}'`);
  }
  if (desc.machine === 'virt' && desc.cpu !== model) {
    return problem(['cpu'], `CPU feature flags ('${desc.cpu}') are not supported on virt`);
  }
  if (!Number.isInteger(desc.smp) || desc.smp < 1) return problem(['smp'], `CPU count must be at least 1, not ${desc.smp}`);
  const max = maxCpus(desc);
  if (desc.smp > max) {
    const hint =
      desc.machine === 'virt' && max === 8 ? ' with GICv2 (use -M virt,gic-version=3 for more)' : desc.machine === 'q35' ? ' without KVM (x2APIC)' : '';
    return problem(['smp'], `${desc.smp} CPUs requested but machine '${desc.machine}' supports at most ${max}${hint}`);
  }
  if (!Number.isSafeInteger(desc.memoryBytes) || desc.memoryBytes <= 0) {
    return problem(['memory'], `memory size must be a positive number of bytes`);
  }
  for (const key of ['sata', 'smbus'] as const) {
    const value = desc.machineOptions[key];
    if (desc.machine === 'q35' && value !== undefined && value !== 'on' && value !== 'off') {
      return problem(['machine'], `machine option '${key}' expects 'on' or 'off', not '${value}'`);
    }
  }
  return undefined;
}

function checkIdList(
  items: ReadonlyArray<{ id?: string | undefined }>,
  field: 'devices' | 'drives' | 'netdevs',
  what: string,
): Problem | undefined {
  const seen = new Set<string>();
  for (const [index, item] of items.entries()) {
    if (item.id === undefined) continue;
    if (!IDENTIFIER.test(item.id)) return problem([field, index, 'id'], `invalid id '${item.id}': ${ID_HINT}`);
    if (seen.has(item.id)) return problem([field, index, 'id'], `duplicate id '${item.id}' for ${what}`);
    seen.add(item.id);
  }
  return undefined;
}

function checkNetdev(netdev: NetdevSpec, index: number): Problem | undefined {
  if (!NETDEV_TYPES.has(netdev.type)) return problem(['netdevs', index, 'type'], `unknown netdev type '${netdev.type}'`);
  if (netdev.id === '') return problem(['netdevs', index, 'id'], `netdev needs an id`);
  return undefined;
}

function checkDrive(desc: MachineDescription, drive: DriveSpec, index: number): Problem | undefined {
  if (drive.file === '') return problem(['drives', index, 'file'], 'drive needs a file');
  if (drive.format !== 'raw') return problem(['drives', index, 'format'], `format '${String(drive.format)}' is not supported (only raw)`);
  if (!DRIVE_INTERFACES[desc.machine].has(drive.if)) {
    return problem(['drives', index, 'if'], `machine type '${desc.machine}' does not support if=${drive.if}`);
  }
  return undefined;
}

export function validateDescription(desc: MachineDescription): Problem | undefined {
  const machineProblem = checkMachine(desc);
  if (machineProblem !== undefined) return machineProblem;
  const idProblem =
    checkIdList(desc.netdevs, 'netdevs', 'netdev') ??
    checkIdList(desc.drives, 'drives', 'drive') ??
    checkIdList(desc.devices, 'devices', 'device');
  if (idProblem !== undefined) return idProblem;
  for (const [index, netdev] of desc.netdevs.entries()) {
    const found = checkNetdev(netdev, index);
    if (found !== undefined) return found;
  }
  for (const [index, drive] of desc.drives.entries()) {
    const found = checkDrive(desc, drive, index);
    if (found !== undefined) return found;
  }
  return checkDevices(desc);
}

interface BusState {
  /** Ids of devices seen so far that provide a bus, with their kind. */
  buses: Set<string>;
  /** `bus/slot.fn` taken by explicit addresses, with the driver holding it. */
  taken: Map<string, string>;
  usedNetdevs: Set<string>;
  usedDrives: Set<string>;
}

function machineFunctions(desc: MachineDescription): Map<string, string> {
  const taken = new Map<string, string>([[`${ROOT_BUS}/0.0`, desc.machine === 'q35' ? 'mch' : 'gpex-root']]);
  if (desc.machine === 'q35') {
    taken.set(`${ROOT_BUS}/31.0`, 'ICH9-LPC');
    if (desc.machineOptions['sata'] !== 'off') taken.set(`${ROOT_BUS}/31.2`, 'ich9-ahci');
    if (desc.machineOptions['smbus'] !== 'off') taken.set(`${ROOT_BUS}/31.3`, 'ICH9-SMB');
  }
  return taken;
}

function checkDevices(desc: MachineDescription): Problem | undefined {
  const state: BusState = {
    buses: new Set([ROOT_BUS]),
    taken: machineFunctions(desc),
    usedNetdevs: new Set(),
    usedDrives: new Set(),
  };
  for (const [index, device] of desc.devices.entries()) {
    const found = checkDevice(desc, device, index, state);
    if (found !== undefined) return found;
  }
  return undefined;
}

function checkDevice(desc: MachineDescription, device: DeviceSpec, index: number, state: BusState): Problem | undefined {
  const info = lookupDriver(device.driver);
  const at = (field: string): ProblemPath => ['devices', index, field];
  if (info === undefined) return problem(at('driver'), `unknown device driver '${device.driver}'`);
  if (!info.userCreatable) return problem(at('driver'), `'${device.driver}' is part of the machine and cannot be added with -device`);
  if (!info.machines.includes(desc.machine)) {
    return problem(at('driver'), `device driver '${device.driver}' is not available on machine '${desc.machine}'`);
  }
  const placement = isPciKind(info.kind) ? checkPciPlacement(device, index, state) : checkOtherPlacement(device, index, info.kind);
  if (placement !== undefined) return placement;
  const refs = checkReferences(desc, device, index, state);
  if (refs !== undefined) return refs;
  if (device.id !== undefined && providesBus(info.kind)) {
    state.buses.add(device.id);
  }
  return undefined;
}

function checkPciPlacement(device: DeviceSpec, index: number, state: BusState): Problem | undefined {
  const bus = device.bus ?? ROOT_BUS;
  if (!state.buses.has(bus)) {
    const hint = state.buses.size > 1 ? ` (PCI buses defined so far: ${[...state.buses].join(', ')})` : '';
    return problem(['devices', index, 'bus'], `bus '${bus}' not found${hint}`);
  }
  if (device.addr === undefined) return undefined;
  const addr = parsePciAddr(device.addr);
  if (addr === undefined) {
    return problem(['devices', index, 'addr'], `invalid PCI address '${device.addr}': expected SLOT[.FN] in hex, slot 0-1f, function 0-7`);
  }
  const key = `${bus}/${addr.slot}.${addr.fn}`;
  const holder = state.taken.get(key);
  if (holder !== undefined) {
    const slot = addr.slot.toString(16).padStart(2, '0');
    return problem(['devices', index, 'addr'], `PCI slot ${slot} function ${addr.fn} on bus '${bus}' is already in use by ${holder}`);
  }
  state.taken.set(key, device.id === undefined ? device.driver : `${device.driver} (id ${device.id})`);
  return undefined;
}

function checkOtherPlacement(device: DeviceSpec, index: number, kind: DriverKind): Problem | undefined {
  if (device.addr !== undefined) return problem(['devices', index, 'addr'], `'${device.driver}' is not a PCI device and takes no addr`);
  if (device.multifunction !== undefined) {
    return problem(['devices', index, 'multifunction'], `'${device.driver}' is not a PCI device and takes no multifunction`);
  }
  if (device.bus === undefined) return undefined;
  if (kind === 'system') return problem(['devices', index, 'bus'], `device '${device.driver}' can't go on bus '${device.bus}'`);
  const mmio = VIRTIO_MMIO_BUS.exec(device.bus);
  if (mmio === null || Number(mmio[1]) >= VIRT_MMIO_TRANSPORTS) {
    return problem(['devices', index, 'bus'], `bus '${device.bus}' not found (virtio-mmio devices go on virtio-mmio-bus.0 to .${VIRT_MMIO_TRANSPORTS - 1})`);
  }
  return undefined;
}

function checkReferences(desc: MachineDescription, device: DeviceSpec, index: number, state: BusState): Problem | undefined {
  const netdev = device.props['netdev'];
  if (netdev !== undefined) {
    if (!desc.netdevs.some((n) => n.id === netdev)) return problem(['devices', index, 'props', 'netdev'], `netdev '${netdev}' not found`);
    if (state.usedNetdevs.has(netdev)) return problem(['devices', index, 'props', 'netdev'], `netdev '${netdev}' is already in use by another device`);
    state.usedNetdevs.add(netdev);
  }
  const drive = device.props['drive'];
  if (drive !== undefined) {
    const target = desc.drives.find((d) => d.id === drive);
    if (target === undefined) return problem(['devices', index, 'props', 'drive'], `drive '${drive}' not found`);
    if (target.if !== 'none') {
      return problem(['devices', index, 'props', 'drive'], `drive '${drive}' is already connected by its if=${target.if}; use if=none`);
    }
    if (state.usedDrives.has(drive)) return problem(['devices', index, 'props', 'drive'], `drive '${drive}' is already in use by another device`);
    state.usedDrives.add(drive);
  }
  return undefined;
}
