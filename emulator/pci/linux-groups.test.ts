// twinbox against real Linux: for every topology in fixtures/*.linux.txt (Debian's 6.12
// kernel under QEMU 7.2 with intel_iommu=on, captured by fixtures/capture-linux-groups.sh; or
// the arm64 kernel under -M virt,iommu=smmuv3, captured by fixtures/capture-linux-groups-virt.sh,
// where only devices a built-in driver probes get a group, in probe order: smmu-groups.ts),
// the IOMMU groups (members and numbers) and the sysfs class/vendor/device/boot_vga listing
// must be identical.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Bus } from '../bus/bus';
import type { DeviceSpec } from '../machine/description/types';
import { Q35_LAYOUT, VIRT_LAYOUT } from '../machine/layout';
import { GuestRam } from '../memory/guest-ram';
import { deviceSpecsOf } from '../../devices/pci/fixtures/qemu-config';
import { createPciHost } from './host';
import { bootVgaDevice, linuxScan } from './linux-scan';
import { DEBIAN_ARM64_BUILTIN_MATCHES, smmuIommuGroups } from './smmu-groups';
import type { IommuGroup } from './iommu-groups';

const DISPLAYS = new Set(['VGA', 'virtio-vga', 'qxl-vga', 'virtio-gpu-pci', 'qxl', 'bochs-display', 'ramfb']);

/** QEMU's q35 defaults in QEMU's order: a VGA unless a display is given, then the e1000e NIC (the description layer's job). */
function withDefaults(args: string[]): DeviceSpec[] {
  const specs = deviceSpecsOf(args);
  if (args.includes('-nodefaults')) return specs;
  const vgaNone = args.some((a, i) => a === '-vga' && args[i + 1] === 'none');
  const display = vgaNone || specs.some((s) => DISPLAYS.has(s.driver) && s.driver !== 'virtio-gpu-pci');
  const defaults: DeviceSpec[] = [...(display ? [] : [{ driver: 'VGA', props: {}, implicit: true }]), { driver: 'e1000e', props: {}, implicit: true }];
  return [...defaults, ...specs];
}

function section(lines: string[], n: number): string[] {
  const start = lines.indexOf(`===CMD ${n}`);
  return lines.slice(start + 1, lines.indexOf('===RC 0', start));
}

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.linux.txt')).sort();

describe.each(fixtures)('real Linux under QEMU: %s', (file) => {
  const lines = readFileSync(new URL(file, dir), 'utf8').split('\n');
  const virt = lines[0].startsWith('# qemu-system-aarch64 ');
  const args = lines[0].replace(/^# qemu-system-(x86_64|aarch64) /, '').split(/\s+/).filter((a) => a);
  const bus = new Bus(new GuestRam(0, 16 * 1024 * 1024));
  const r = virt
    ? createPciHost({ machine: 'virt', layout: VIRT_LAYOUT, bus, devices: deviceSpecsOf(args) })
    : createPciHost({ machine: 'q35', layout: Q35_LAYOUT, bus, devices: withDefaults(args) });
  if (!r.ok) throw new Error(r.error);
  const host = r.host;
  const groups = (): IommuGroup[] => {
    if (!virt) return host.iommuGroups();
    return smmuIommuGroups(linuxScan(host.access, { enableAcs: false }), host.access, DEBIAN_ARM64_BUILTIN_MATCHES);
  };

  it('has the captured answers', () => {
    expect(section(lines, 1).length).toBeGreaterThan(0);
    expect(section(lines, 2).length).toBeGreaterThan(0);
    expect(section(lines, 3).length).toBeGreaterThan(0);
  });

  it('IOMMU groups', () => {
    const ours = groups().map((g) => 'G ' + g.devices.map((d) => d.bdf).sort().join(' ')).sort();
    expect(ours).toEqual(section(lines, 1));
  });

  it('IOMMU group numbers (Linux probe order)', () => {
    const ours = groups().map((g) => `${g.id} ${g.devices.map((d) => d.bdf).sort().join(' ')}`);
    expect(ours).toEqual(section(lines, 3));
  });

  it('device list with class, vendor, device and boot_vga', () => {
    const devs = host.linuxDevices(true);
    const vga = bootVgaDevice(devs, host.access);
    const hex = (n: number, w: number) => '0x' + n.toString(16).padStart(w, '0');
    const ours = [...devs].sort((a, b) => a.bdf.localeCompare(b.bdf)).map((d) => {
      const bootVga = d.classCode >>> 8 === 0x0300 ? ` ${d === vga ? 1 : 0}` : '';
      return `${d.bdf} ${hex(d.classCode, 6)} ${hex(d.vendorId, 4)} ${hex(d.deviceId, 4)}${bootVga}`;
    });
    expect(ours).toEqual(section(lines, 2));
  });
});
