// Turns schema-checked profile data into a MachineDescription (before validation and defaults).
// The data has already passed profile.schema.json, so only what the schema cannot say is checked
// here: the machine string, the memory size syntax. Problems carry a path into the profile.

import { DEFAULT_CPU } from './cpus';
import { DEFAULT_DRIVE_IF, type DefaultsInput } from './defaults';
import { DRIVER_ALIASES } from './drivers';
import { parseOpts } from './qemu-opts';
import { err, ok, type Result } from './result';
import { DEFAULT_RAM_BYTES, parseRamSize } from './size';
import { MACHINE_ARCH, type DeviceSpec, type DriveSpec, type MachineDescription, type MachineType, type NetdevSpec } from './types';
import type { Problem } from './validate';

type PropValue = string | number | boolean;

export interface ProfileData {
  description?: string;
  qemu?: string;
  machine?: string;
  cpu?: string;
  memory?: string | number;
  smp?: number;
  vga?: 'none' | 'std' | 'virtio' | 'qxl';
  nic?: 'none';
  devices?: Array<{ driver: string; id?: string; bus?: string; addr?: string; multifunction?: boolean; props?: Record<string, PropValue> }>;
  drives?: Array<{ file: string; format?: 'raw'; if?: DriveSpec['if']; id?: string; readonly?: boolean; props?: Record<string, PropValue> }>;
  netdevs?: Array<{ type: string; id: string; props?: Record<string, PropValue> }>;
  kernel?: string;
  initrd?: string;
  append?: string;
  nographic?: boolean;
  noReboot?: boolean;
  nodefaults?: boolean;
  hosts?: unknown;
  dns?: unknown;
  'pci-host-devices'?: unknown;
  /** The simulated host CPU's timing model (guest/llm/cost-model.ts). */
  'host-cpu'?: unknown;
}

/** Fields that describe the machine itself; a profile gives these or `qemu`, never both. */
export const MACHINE_FIELDS = [
  'machine', 'cpu', 'memory', 'smp', 'vga', 'nic', 'devices', 'drives', 'netdevs',
  'kernel', 'initrd', 'append', 'nographic', 'noReboot', 'nodefaults',
] as const;

export const EXTRA_FIELDS = ['hosts', 'dns', 'pci-host-devices', 'host-cpu'] as const;

export interface BuiltProfile {
  desc: MachineDescription;
  defaults: DefaultsInput;
}

/** YAML scalars become the strings QEMU would read: booleans as on/off. */
function propsOf(props: Record<string, PropValue> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(props ?? {})) {
    out[key] = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
  }
  return out;
}

export function extraOf(data: ProfileData): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const field of EXTRA_FIELDS) if (data[field] !== undefined) extra[field] = data[field];
  return extra;
}

function machineOf(text: string): Result<{ machine: MachineType; options: Record<string, string> }> {
  const parsed = parseOpts(text, 'type');
  if (!parsed.ok) return parsed;
  let machine: MachineType | undefined;
  const options: Record<string, string> = {};
  for (const { key, value } of parsed.value) {
    if (key !== 'type') options[key] = value;
    else if (value === 'virt' || value === 'q35') machine = value;
    else return err(`unsupported machine type '${value}' (twinbox models 'virt' for aarch64 and 'q35' for x86_64)`);
  }
  if (machine === undefined) return err(`no machine type in '${text}'`);
  return ok({ machine, options });
}

function devicesOf(data: ProfileData): DeviceSpec[] {
  return (data.devices ?? []).map((d) => {
    const spec: DeviceSpec = { driver: DRIVER_ALIASES.get(d.driver) ?? d.driver, props: propsOf(d.props) };
    if (d.id !== undefined) spec.id = d.id;
    if (d.bus !== undefined) spec.bus = d.bus;
    if (d.addr !== undefined) spec.addr = d.addr;
    if (d.multifunction !== undefined) spec.multifunction = d.multifunction;
    return spec;
  });
}

function drivesOf(data: ProfileData, machine: MachineType): DriveSpec[] {
  return (data.drives ?? []).map((d) => {
    const spec: DriveSpec = { file: d.file, format: 'raw', if: d.if ?? DEFAULT_DRIVE_IF[machine], readonly: d.readonly ?? false, props: propsOf(d.props) };
    if (d.id !== undefined) spec.id = d.id;
    return spec;
  });
}

function netdevsOf(data: ProfileData): NetdevSpec[] {
  return (data.netdevs ?? []).map((n) => ({ type: n.type, id: n.id, props: propsOf(n.props) }));
}

export function buildProfile(data: ProfileData & { machine: string }, source: string): { ok: true; value: BuiltProfile } | { ok: false; problem: Problem } {
  const machine = machineOf(data.machine);
  if (!machine.ok) return { ok: false, problem: { path: ['machine'], message: machine.error } };
  const memory = data.memory === undefined ? ok(DEFAULT_RAM_BYTES) : parseRamSize(String(data.memory));
  if (!memory.ok) return { ok: false, problem: { path: ['memory'], message: memory.error } };
  const type = machine.value.machine;
  const desc: MachineDescription = {
    arch: MACHINE_ARCH[type],
    machine: type,
    machineOptions: machine.value.options,
    cpu: data.cpu ?? DEFAULT_CPU[type],
    memoryBytes: memory.value,
    smp: data.smp ?? 1,
    devices: devicesOf(data),
    drives: drivesOf(data, type),
    netdevs: netdevsOf(data),
    ...(data.kernel === undefined ? {} : { kernel: data.kernel }),
    ...(data.initrd === undefined ? {} : { initrd: data.initrd }),
    append: data.append ?? '',
    nographic: data.nographic ?? false,
    noReboot: data.noReboot ?? false,
    noDefaults: data.nodefaults ?? false,
    extra: extraOf(data),
    source,
  };
  return { ok: true, value: { desc, defaults: { vga: data.vga, nicNone: data.nic === 'none' } } };
}
