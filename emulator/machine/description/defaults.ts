// The devices QEMU 7.2 creates on its own, in the order it creates them, because PCI slots are
// handed out in creation order (the first free slot on the bus). Observed with `info pci` and
// `info qtree` on qemu-system-{x86_64,aarch64} 7.2:
//   q35:  mch 00:00.0, ICH9-LPC 00:1f.0, ich9-ahci 00:1f.2 (unless sata=off), ICH9-SMB 00:1f.3
//         (unless smbus=off), the VGA, the default NIC e1000e, then the -device list, then one
//         virtio-blk-pci per `-drive if=virtio` (added to the end of the -device list).
//   virt: gpex-root 00:00.0, the default NIC virtio-net-pci, the -device list, the if=virtio drives.
// The VGA (q35 only: virt ignores -vga) comes unless -nodefaults, `-vga none` or a -device that
// replaces it (VGA, virtio-vga, qxl-vga; not virtio-gpu-pci). -nographic keeps it. The default NIC
// comes unless -nodefaults, `-nic none` or any -netdev.

import { lookupDriver } from './drivers';
import type { DeviceSpec, DriveSpec, MachineDescription } from './types';

/** `-vga` values twinbox knows; `undefined` means no -vga was given. */
export type VgaChoice = 'none' | 'std' | 'virtio' | 'qxl';

export const VGA_DRIVER: Record<Exclude<VgaChoice, 'none'>, string> = { std: 'VGA', virtio: 'virtio-vga', qxl: 'qxl-vga' };

export interface DefaultsInput {
  vga?: VgaChoice | undefined;
  /** `-nic none`. */
  nicNone?: boolean | undefined;
}

/** QEMU's block_default_type: virtio on virt, IDE (on the ICH9 AHCI) on q35. */
export const DEFAULT_DRIVE_IF: Record<MachineDescription['machine'], DriveSpec['if']> = { virt: 'virtio', q35: 'ide' };

export const DEFAULT_NIC: Record<MachineDescription['machine'], string> = { q35: 'e1000e', virt: 'virtio-net-pci' };

function implicit(driver: string, addr?: string, multifunction?: boolean): DeviceSpec {
  const spec: DeviceSpec = { driver, props: {}, implicit: true };
  if (addr !== undefined) spec.addr = addr;
  if (multifunction !== undefined) spec.multifunction = multifunction;
  return spec;
}

export function defaultVgaDriver(desc: MachineDescription, vga: VgaChoice | undefined): string | undefined {
  if (desc.machine !== 'q35' || vga === 'none') return undefined;
  if (vga !== undefined) return VGA_DRIVER[vga];
  if (desc.noDefaults) return undefined;
  const replaced = desc.devices.some((d) => !d.implicit && lookupDriver(d.driver)?.replacesDefaultVga === true);
  return replaced ? undefined : VGA_DRIVER.std;
}

export function wantsDefaultNic(desc: MachineDescription, nicNone: boolean): boolean {
  return !desc.noDefaults && !nicNone && desc.netdevs.length === 0;
}

function machineDevices(desc: MachineDescription, input: DefaultsInput): DeviceSpec[] {
  const devices: DeviceSpec[] = [];
  if (desc.machine === 'q35') {
    devices.push(implicit('mch', '0'), implicit('ICH9-LPC', '1f.0', true));
    if (desc.machineOptions['sata'] !== 'off') devices.push(implicit('ich9-ahci', '1f.2'));
    if (desc.machineOptions['smbus'] !== 'off') devices.push(implicit('ICH9-SMB', '1f.3'));
  } else {
    devices.push(implicit('gpex-root', '0'));
  }
  const vga = defaultVgaDriver(desc, input.vga);
  if (vga !== undefined) devices.push(implicit(vga));
  if (wantsDefaultNic(desc, input.nicNone ?? false)) devices.push(implicit(DEFAULT_NIC[desc.machine]));
  return devices;
}

/** One virtio-blk-pci per if=virtio drive; QEMU names an id-less drive `virtio<N>`. */
function driveDevices(desc: MachineDescription): DeviceSpec[] {
  return desc.drives
    .filter((drive) => drive.if === 'virtio')
    .map((drive, unit) => ({ driver: 'virtio-blk-pci', props: { drive: drive.id ?? `virtio${unit}` }, implicit: true }));
}

/**
 * The description with QEMU's own devices added around the user's, in creation order. Implicit
 * devices already in `desc` are dropped and recomputed from `desc` and `input` (what -vga and -nic
 * said, which the description itself does not record).
 */
export function withDefaults(desc: MachineDescription, input: DefaultsInput = {}): MachineDescription {
  const user = desc.devices.filter((d) => d.implicit !== true);
  const base = { ...desc, devices: user };
  return { ...desc, devices: [...machineDevices(base, input), ...user, ...driveDevices(base)] };
}
