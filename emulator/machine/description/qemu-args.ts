// The subset of QEMU's command line that users type, parsed into a MachineDescription. Options
// are read left to right as QEMU does (a later -m replaces an earlier one, -M options merge), then
// the result is validated and QEMU's default devices are added. Anything outside the subset is
// refused by name rather than ignored, so a command line never silently means something else.

import { DEFAULT_CPU } from './cpus';
import { DEFAULT_DRIVE_IF, type DefaultsInput, type VgaChoice, withDefaults } from './defaults';
import { DRIVER_ALIASES } from './drivers';
import { type OptPair, parseOnOff, parseOpts } from './qemu-opts';
import { err, ok, type Result } from './result';
import { DEFAULT_RAM_BYTES, parseRamSize } from './size';
import { MACHINE_ARCH, type DeviceSpec, type DriveSpec, type MachineDescription, type MachineType, type NetdevSpec } from './types';
import { type Problem, validateDescription } from './validate';

/** A -drive before the machine type (and so the default interface) is known. */
interface PendingDrive {
  spec: Omit<DriveSpec, 'if'>;
  iface: DriveSpec['if'] | undefined;
  label: string;
}

/** What the options say before the machine type is known (it may come last). */
interface CommandState {
  machine?: MachineType;
  machineOptions: Record<string, string>;
  cpu?: string;
  memoryBytes?: number;
  smp?: number;
  devices: Array<{ spec: DeviceSpec; label: string }>;
  drives: PendingDrive[];
  netdevs: Array<{ spec: NetdevSpec; label: string }>;
  kernel?: string;
  initrd?: string;
  append?: string;
  nographic: boolean;
  noReboot: boolean;
  noDefaults: boolean;
  vga?: VgaChoice;
  nicNone: boolean;
  /** -rtc base=DATETIME: the guest's wall clock at power-on, in seconds since the epoch. */
  rtcEpochS?: number;
}

type Handler = (state: CommandState, value: string) => string | undefined;

interface OptionSpec {
  takesArg: boolean;
  apply: Handler;
}

const VGA_CHOICES: ReadonlySet<string> = new Set(['none', 'std', 'virtio', 'qxl']);

const OPTIONS: Record<string, OptionSpec> = {
  machine: { takesArg: true, apply: applyMachine },
  M: { takesArg: true, apply: applyMachine },
  cpu: { takesArg: true, apply: (s, v) => void (s.cpu = v) },
  m: { takesArg: true, apply: applyMemory },
  smp: { takesArg: true, apply: applySmp },
  device: { takesArg: true, apply: applyDevice },
  drive: { takesArg: true, apply: applyDrive },
  netdev: { takesArg: true, apply: applyNetdev },
  nic: { takesArg: true, apply: applyNic },
  kernel: { takesArg: true, apply: (s, v) => void (s.kernel = v) },
  initrd: { takesArg: true, apply: (s, v) => void (s.initrd = v) },
  append: { takesArg: true, apply: (s, v) => void (s.append = v) },
  nographic: { takesArg: false, apply: (s) => void (s.nographic = true) },
  'no-reboot': { takesArg: false, apply: (s) => void (s.noReboot = true) },
  nodefaults: { takesArg: false, apply: (s) => void (s.noDefaults = true) },
  serial: { takesArg: true, apply: (_s, v) => acceptOnly(v, ['stdio', 'mon:stdio'], 'serial') },
  display: { takesArg: true, apply: (_s, v) => acceptOnly(v, ['none'], 'display') },
  vga: { takesArg: true, apply: applyVga },
  rtc: { takesArg: true, apply: applyRtc },
};

/** Options QEMU has that twinbox does not model: refused with a pointer to what it does take. */
const UNSUPPORTED_HINTS: Record<string, string> = {
  net: 'use -netdev TYPE,id=ID with -device MODEL,netdev=ID',
  hda: 'use -drive file=IMAGE,format=raw,if=...',
  cdrom: 'twinbox has no CD-ROM model',
  'enable-kvm': 'twinbox is an emulator; there is no KVM',
  accel: 'twinbox is its own accelerator',
};

function acceptOnly(value: string, allowed: readonly string[], option: string): string | undefined {
  return allowed.includes(value) ? undefined : `'${value}' is not supported (twinbox accepts -${option} ${allowed.join(' or ')})`;
}

function pairsToRecord(pairs: readonly OptPair[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const pair of pairs) record[pair.key] = pair.value;
  return record;
}

function applyMachine(state: CommandState, value: string): string | undefined {
  const parsed = parseOpts(value, 'type');
  if (!parsed.ok) return parsed.error;
  for (const { key, value: v } of parsed.value) {
    if (key !== 'type') {
      state.machineOptions[key] = v;
    } else if (v === 'virt' || v === 'q35') {
      state.machine = v;
    } else {
      return `unsupported machine type '${v}' (twinbox models 'virt' for aarch64 and 'q35' for x86_64)`;
    }
  }
  return undefined;
}

function applyMemory(state: CommandState, value: string): string | undefined {
  const parsed = parseOpts(value, 'size');
  if (!parsed.ok) return parsed.error;
  for (const { key, value: v } of parsed.value) {
    if (key !== 'size') return `'${key}' is not supported (twinbox takes -m SIZE only)`;
    const size = parseRamSize(v);
    if (!size.ok) return size.error;
    state.memoryBytes = size.value;
  }
  return undefined;
}

function applySmp(state: CommandState, value: string): string | undefined {
  const parsed = parseOpts(value, 'cpus');
  if (!parsed.ok) return parsed.error;
  for (const { key, value: v } of parsed.value) {
    if (key !== 'cpus') return `'${key}' is not supported (twinbox takes -smp N or -smp cpus=N)`;
    if (!/^[0-9]+$/.test(v)) return `invalid CPU count '${v}'`;
    state.smp = Number.parseInt(v, 10);
  }
  return undefined;
}

function applyVga(state: CommandState, value: string): string | undefined {
  if (!VGA_CHOICES.has(value)) return `unknown vga type '${value}' (twinbox knows none, std, virtio, qxl)`;
  state.vga = value as VgaChoice;
  return undefined;
}

function applyNic(state: CommandState, value: string): string | undefined {
  if (value !== 'none') return "only '-nic none' is supported; use -netdev TYPE,id=ID with -device MODEL,netdev=ID";
  state.nicNone = true;
  return undefined;
}

function deviceLabel(spec: DeviceSpec): string {
  return `-device ${spec.driver}${spec.id === undefined ? '' : `,id=${spec.id}`}`;
}

function applyDevice(state: CommandState, value: string): string | undefined {
  if (value.startsWith('{')) return 'the JSON form of -device is not supported; use driver,key=value,...';
  const parsed = parseOpts(value, 'driver');
  if (!parsed.ok) return parsed.error;
  const built = deviceFromPairs(parsed.value);
  if (!built.ok) return built.error;
  state.devices.push({ spec: built.value, label: deviceLabel(built.value) });
  return undefined;
}

/** Splits -device properties into the fields every front end shares and the driver's own props. */
export function deviceFromPairs(pairs: readonly OptPair[]): Result<DeviceSpec> {
  const record = pairsToRecord(pairs);
  const { driver, id, bus, addr, multifunction, ...props } = record;
  if (driver === undefined || driver === '') return err("parameter 'driver' is missing");
  const spec: DeviceSpec = { driver: DRIVER_ALIASES.get(driver) ?? driver, props };
  if (id !== undefined) spec.id = id;
  if (bus !== undefined) spec.bus = bus;
  if (addr !== undefined) spec.addr = addr;
  if (multifunction !== undefined) {
    const flag = parseOnOff(multifunction);
    if (flag === undefined) return err("parameter 'multifunction' expects 'on' or 'off'");
    spec.multifunction = flag;
  }
  return ok(spec);
}

function applyDrive(state: CommandState, value: string): string | undefined {
  const parsed = parseOpts(value);
  if (!parsed.ok) return parsed.error;
  const { file, format, if: iface, id, readonly, ...props } = pairsToRecord(parsed.value);
  if (file === undefined || file === '') return "parameter 'file' is missing";
  if (format !== undefined && format !== 'raw') return `format '${format}' is not supported (twinbox reads raw images only)`;
  if (iface !== undefined && !isDriveInterface(iface)) return `unknown interface 'if=${iface}'`;
  const readOnly = readonly === undefined ? false : parseOnOff(readonly);
  if (readOnly === undefined) return "parameter 'readonly' expects 'on' or 'off'";
  const spec: PendingDrive['spec'] = { file, format: 'raw', readonly: readOnly, props };
  if (id !== undefined) spec.id = id;
  state.drives.push({ spec, iface, label: `-drive file=${file}` });
  return undefined;
}

const DRIVE_IFS: ReadonlySet<string> = new Set(['none', 'virtio', 'ide', 'scsi', 'pflash', 'mtd', 'sd']);

function isDriveInterface(value: string): value is DriveSpec['if'] {
  return DRIVE_IFS.has(value);
}

function applyNetdev(state: CommandState, value: string): string | undefined {
  const parsed = parseOpts(value, 'type');
  if (!parsed.ok) return parsed.error;
  const { type, id, ...props } = pairsToRecord(parsed.value);
  if (type === undefined) return "parameter 'type' is missing";
  if (id === undefined) return "parameter 'id' is missing";
  state.netdevs.push({ spec: { type, id, props }, label: `-netdev ${type},id=${id}` });
  return undefined;
}

function emptyState(): CommandState {
  return { machineOptions: {}, devices: [], drives: [], netdevs: [], nographic: false, noReboot: false, noDefaults: false, nicNone: false };
}

/** Reads argv left to right into a CommandState; the first bad option ends it. */
function scanArgs(argv: readonly string[]): Result<CommandState> {
  const state = emptyState();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-' || arg === '--') {
      return err(`unexpected argument '${arg}' (QEMU options start with '-'; a disk image goes in -drive file=...)`);
    }
    const name = arg.replace(/^--?/, '');
    const option = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
    if (option === undefined) {
      const hint = Object.hasOwn(UNSUPPORTED_HINTS, name) ? UNSUPPORTED_HINTS[name] : undefined;
      return err(hint === undefined ? `unknown option '${arg}'` : `option '${arg}' is not supported: ${hint}`);
    }
    let value = '';
    if (option.takesArg) {
      const next = argv[i + 1];
      if (next === undefined) return err(`${arg}: requires an argument`);
      value = next;
      i++;
    }
    const problem = option.apply(state, value);
    if (problem !== undefined) return err(option.takesArg ? `${arg} ${value}: ${problem}` : `${arg}: ${problem}`);
  }
  return ok(state);
}

function buildDescription(state: CommandState, machine: MachineType, source: string): MachineDescription {
  const drives: DriveSpec[] = [];
  for (const pending of state.drives) drives.push({ ...pending.spec, if: pending.iface ?? DEFAULT_DRIVE_IF[machine] });
  return {
    arch: MACHINE_ARCH[machine],
    machine,
    machineOptions: state.machineOptions,
    cpu: state.cpu ?? DEFAULT_CPU[machine],
    memoryBytes: state.memoryBytes ?? DEFAULT_RAM_BYTES,
    smp: state.smp ?? 1,
    devices: state.devices.map((d) => d.spec),
    drives,
    netdevs: state.netdevs.map((n) => n.spec),
    ...(state.kernel === undefined ? {} : { kernel: state.kernel }),
    ...(state.initrd === undefined ? {} : { initrd: state.initrd }),
    append: state.append ?? '',
    nographic: state.nographic,
    noReboot: state.noReboot,
    noDefaults: state.noDefaults,
    extra: state.rtcEpochS === undefined ? {} : { epoch: state.rtcEpochS },
    source,
  };
}

/**
 * -rtc base=utc|localtime|YYYY-MM-DD[THH:MM:SS][,clock=vm]: a date sets the RTC's start (UTC);
 * utc and localtime keep the fixed default epoch (the simulator has no host clock to follow).
 */
function applyRtc(state: CommandState, value: string): string | undefined {
  const parsed = parseOpts(value, 'base');
  if (!parsed.ok) return parsed.error;
  for (const { key, value: v } of parsed.value) {
    if (key === 'clock' && ['vm', 'host', 'rt'].includes(v)) continue;
    if (key === 'driftfix' && ['none', 'slew'].includes(v)) continue;
    if (key !== 'base') return `'${key}' is not supported (twinbox takes -rtc base=...,clock=...)`;
    if (v === 'utc' || v === 'localtime') continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/.exec(v);
    const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) : NaN;
    if (!m || !Number.isFinite(ms) || ms < 0 || new Date(ms).getUTCDate() !== +m[3]) return `invalid date '${v}' (expected YYYY-MM-DDTHH:MM:SS, from 1970)`;
    state.rtcEpochS = ms / 1000;
  }
  return undefined;
}

const FIELD_OPTION: Record<string, string> = { cpu: '-cpu', smp: '-smp', memory: '-m', machine: '-M' };

/** Names the command-line option a validation problem points at. */
function problemLabel(state: CommandState, problem: Problem): string {
  const [field, index] = problem.path;
  if (typeof index === 'number') {
    if (field === 'devices') return state.devices[index]?.label ?? '-device';
    if (field === 'drives') return state.drives[index]?.label ?? '-drive';
    if (field === 'netdevs') return state.netdevs[index]?.label ?? '-netdev';
  }
  return Object.hasOwn(FIELD_OPTION, String(field)) ? (FIELD_OPTION[String(field)] ?? '') : String(field);
}

/**
 * Parses QEMU arguments (argv without the qemu-system-* binary) into a machine description with
 * QEMU's default devices added (marked implicit). Errors are values naming the option at fault.
 */
export function parseQemuArgs(argv: readonly string[], source = 'command line'): Result<MachineDescription> {
  const scanned = scanArgs(argv);
  if (!scanned.ok) return scanned;
  const state = scanned.value;
  if (state.machine === undefined) return err('no machine type given: add -M virt (aarch64) or -M q35 (x86_64)');
  const built = buildDescription(state, state.machine, source);
  const problem = validateDescription(built);
  if (problem !== undefined) return err(`${problemLabel(state, problem)}: ${problem.message}`);
  const defaults: DefaultsInput = { vga: state.vga, nicNone: state.nicNone };
  return ok(withDefaults(built, defaults));
}
