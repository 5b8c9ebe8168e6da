// A machine description printed back as the QEMU arguments a user would type: options QEMU
// defaults are left out (-cpu, -m, -smp at their defaults), implicit devices are left out (QEMU
// adds them again), and the few defaults a user switched off are said the way QEMU spells it
// (`-vga none`, `-nic none`). parseQemuArgs(toQemuArgs(d)) gives d back; profile-only `extra`
// data has no QEMU spelling and is not printed.

import { DEFAULT_CPU } from './cpus';
import { DEFAULT_NIC, VGA_DRIVER, type VgaChoice, defaultVgaDriver, wantsDefaultNic } from './defaults';
import { emitOpts, type OptPair } from './qemu-opts';
import { quoteShellWord } from './shell-words';
import { DEFAULT_RAM_BYTES, formatSize } from './size';
import type { DeviceSpec, DriveSpec, MachineDescription, NetdevSpec } from './types';

export function qemuBinary(desc: Pick<MachineDescription, 'arch'>): string {
  return desc.arch === 'aarch64' ? 'qemu-system-aarch64' : 'qemu-system-x86_64';
}

function propPairs(props: Record<string, string>): OptPair[] {
  return Object.entries(props).map(([key, value]) => ({ key, value }));
}

export function deviceOpts(device: DeviceSpec): string {
  const pairs: OptPair[] = [{ key: 'driver', value: device.driver }];
  if (device.id !== undefined) pairs.push({ key: 'id', value: device.id });
  if (device.bus !== undefined) pairs.push({ key: 'bus', value: device.bus });
  if (device.addr !== undefined) pairs.push({ key: 'addr', value: device.addr });
  if (device.multifunction !== undefined) pairs.push({ key: 'multifunction', value: device.multifunction ? 'on' : 'off' });
  return emitOpts([...pairs, ...propPairs(device.props)], 'driver');
}

function driveOpts(drive: DriveSpec): string {
  const pairs: OptPair[] = [{ key: 'file', value: drive.file }, { key: 'format', value: drive.format }, { key: 'if', value: drive.if }];
  if (drive.id !== undefined) pairs.push({ key: 'id', value: drive.id });
  if (drive.readonly) pairs.push({ key: 'readonly', value: 'on' });
  return emitOpts([...pairs, ...propPairs(drive.props)]);
}

function netdevOpts(netdev: NetdevSpec): string {
  return emitOpts([{ key: 'type', value: netdev.type }, { key: 'id', value: netdev.id }, ...propPairs(netdev.props)], 'type');
}

/** `-vga X` when the VGA in the device list is not the one QEMU would add by itself. */
function vgaArgs(desc: MachineDescription): string[] {
  if (desc.machine !== 'q35') return [];
  const vgaDrivers = new Map<string, VgaChoice>(Object.entries(VGA_DRIVER).map(([choice, driver]) => [driver, choice as VgaChoice]));
  const present = desc.devices.find((d) => d.implicit === true && vgaDrivers.has(d.driver));
  const expected = defaultVgaDriver(desc, undefined);
  if (present?.driver === expected) return [];
  return ['-vga', present === undefined ? 'none' : (vgaDrivers.get(present.driver) ?? 'std')];
}

function nicArgs(desc: MachineDescription): string[] {
  if (!wantsDefaultNic(desc, false)) return [];
  const present = desc.devices.some((d) => d.implicit === true && d.driver === DEFAULT_NIC[desc.machine]);
  return present ? [] : ['-nic', 'none'];
}

function machineArgs(desc: MachineDescription): string[] {
  const args = ['-M', emitOpts([{ key: 'type', value: desc.machine }, ...propPairs(desc.machineOptions)], 'type')];
  if (desc.cpu !== DEFAULT_CPU[desc.machine]) args.push('-cpu', desc.cpu);
  if (desc.memoryBytes !== DEFAULT_RAM_BYTES) args.push('-m', formatSize(desc.memoryBytes));
  if (desc.smp !== 1) args.push('-smp', String(desc.smp));
  if (desc.noDefaults) args.push('-nodefaults');
  args.push(...vgaArgs(desc), ...nicArgs(desc));
  if (desc.nographic) args.push('-nographic');
  if (desc.noReboot) args.push('-no-reboot');
  if (typeof desc.extra['epoch'] === 'number') args.push('-rtc', `base=${new Date(desc.extra['epoch'] * 1000).toISOString().slice(0, 19)}`);
  return args;
}

/** QEMU arguments (without the binary) that describe `desc`. */
export function toQemuArgs(desc: MachineDescription): string[] {
  const args = machineArgs(desc);
  if (desc.kernel !== undefined) args.push('-kernel', desc.kernel);
  if (desc.initrd !== undefined) args.push('-initrd', desc.initrd);
  if (desc.append !== '') args.push('-append', desc.append);
  for (const drive of desc.drives) args.push('-drive', driveOpts(drive));
  for (const netdev of desc.netdevs) args.push('-netdev', netdevOpts(netdev));
  for (const device of desc.devices) if (device.implicit !== true) args.push('-device', deviceOpts(device));
  return args;
}

/** The whole command, quoted for a POSIX shell: for logs, docs and "run this yourself" hints. */
export function toQemuCommandLine(desc: MachineDescription): string {
  return [qemuBinary(desc), ...toQemuArgs(desc)].map(quoteShellWord).join(' ');
}
