import { describe, expect, it } from 'vitest';
import { withDefaults } from './defaults';
import { parseQemuArgs } from './qemu-args';
import type { DeviceSpec, MachineDescription } from './types';
import { parsePciAddr } from './validate';
import { Q35_DUAL_DISPLAY_ARGS } from './testing/reference';

function parse(line: string): MachineDescription {
  const parsed = parseQemuArgs(line.split(' '));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** Drivers in creation order, implicit ones marked with `*`. */
function order(line: string): string[] {
  return parse(line).devices.map((d) => `${d.driver}${d.implicit === true ? '*' : ''}`);
}

/**
 * Test-only check of the order against real captures: QEMU gives a device without addr= the
 * first free slot of its bus at creation time. Only the root bus is simulated here.
 */
function rootBusSlots(devices: readonly DeviceSpec[]): string[] {
  const taken = new Map<number, string>();
  for (const device of devices) {
    if (device.bus !== undefined || device.driver === 'intel-iommu') continue;
    const addr = device.addr === undefined ? undefined : parsePciAddr(device.addr);
    const slot = addr?.slot ?? [...Array(32).keys()].find((s) => !taken.has(s)) ?? -1;
    const key = slot * 8 + (addr?.fn ?? 0);
    taken.set(slot, device.driver);
    taken.set(100 + key, device.driver);
  }
  return [...taken.entries()]
    .filter(([key]) => key >= 100)
    .sort(([a], [b]) => a - b)
    .map(([key, driver]) => `00:${((key - 100) >> 3).toString(16).padStart(2, '0')}.${(key - 100) & 7} ${driver}`);
}

const ICH9 = ['ICH9-LPC*', 'ich9-ahci*', 'ICH9-SMB*'];

// Expected orders come from qemu-system-{x86_64,aarch64} 7.2: `info pci` for the slots and
// `info qtree` (children listed newest first) for the creation order.
describe('QEMU default devices (q35)', () => {
  it('adds host bridge, ICH9 functions, VGA, then e1000e', () => {
    expect(order('-M q35')).toEqual(['mch*', ...ICH9, 'VGA*', 'e1000e*']);
  });

  it('keeps the VGA with -nographic', () => {
    expect(order('-M q35 -nographic')).toEqual(['mch*', ...ICH9, 'VGA*', 'e1000e*']);
  });

  it('keeps the VGA beside virtio-gpu-pci, which is not a VGA', () => {
    expect(order('-M q35 -device virtio-gpu-pci')).toEqual(['mch*', ...ICH9, 'VGA*', 'e1000e*', 'virtio-gpu-pci']);
  });

  it.each(['VGA', 'virtio-vga', 'qxl-vga'])('drops the default VGA when -device %s is given', (vga) => {
    expect(order(`-M q35 -device ${vga}`)).toEqual(['mch*', ...ICH9, 'e1000e*', vga]);
  });

  it('follows -vga none / std / virtio / qxl', () => {
    expect(order('-M q35 -vga none')).toEqual(['mch*', ...ICH9, 'e1000e*']);
    expect(order('-M q35 -vga virtio')).toEqual(['mch*', ...ICH9, 'virtio-vga*', 'e1000e*']);
    expect(order('-M q35 -vga qxl')).toEqual(['mch*', ...ICH9, 'qxl-vga*', 'e1000e*']);
    expect(order('-M q35 -nodefaults -vga std')).toEqual(['mch*', ...ICH9, 'VGA*']);
  });

  it('adds nothing but the chipset with -nodefaults', () => {
    expect(order('-M q35 -nodefaults')).toEqual(['mch*', ...ICH9]);
  });

  it('drops the default NIC for -nic none or any -netdev', () => {
    expect(order('-M q35 -nic none')).toEqual(['mch*', ...ICH9, 'VGA*']);
    expect(order('-M q35 -netdev user,id=n0')).toEqual(['mch*', ...ICH9, 'VGA*']);
  });

  it('leaves out SATA and SMBus when the machine options say so', () => {
    expect(order('-M q35,sata=off,smbus=off')).toEqual(['mch*', 'ICH9-LPC*', 'VGA*', 'e1000e*']);
  });

  it('puts if=virtio drives after the -device list', () => {
    const desc = parse('-M q35 -drive file=d.img,format=raw,if=virtio -device e1000,id=e');
    expect(desc.devices.map((d) => d.driver)).toEqual(['mch', ...ICH9.map((d) => d.slice(0, -1)), 'VGA', 'e1000e', 'e1000', 'virtio-blk-pci']);
    expect(desc.devices.at(-1)).toEqual({ driver: 'virtio-blk-pci', props: { drive: 'virtio0' }, implicit: true });
    expect(rootBusSlots(desc.devices)).toEqual([
      '00:00.0 mch', '00:01.0 VGA', '00:02.0 e1000e', '00:03.0 e1000', '00:04.0 virtio-blk-pci', '00:1f.0 ICH9-LPC', '00:1f.2 ich9-ahci', '00:1f.3 ICH9-SMB',
    ]);
  });

  it('gives if=ide drives (on the ICH9 AHCI) no device of their own', () => {
    expect(order('-M q35 -drive file=d.img,format=raw')).toEqual(['mch*', ...ICH9, 'VGA*', 'e1000e*']);
  });

  it('orders the reference q35-dual-display capture as real QEMU placed it', () => {
    const parsed = parseQemuArgs(Q35_DUAL_DISPLAY_ARGS.split(' '));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(rootBusSlots(parsed.value.devices)).toEqual([
      '00:00.0 mch', '00:01.0 e1000e', '00:02.0 VGA', '00:03.0 pcie-root-port', '00:04.0 pcie-root-port',
      '00:1f.0 ICH9-LPC', '00:1f.2 ich9-ahci', '00:1f.3 ICH9-SMB',
    ]);
  });
});

describe('QEMU default devices (virt)', () => {
  it('adds the host bridge function and the default virtio-net-pci, no VGA', () => {
    expect(order('-M virt')).toEqual(['gpex-root*', 'virtio-net-pci*']);
    expect(order('-M virt -vga std')).toEqual(['gpex-root*', 'virtio-net-pci*']);
    expect(order('-M virt -nodefaults')).toEqual(['gpex-root*']);
  });

  it('puts if=virtio drives (the default interface on virt) after the -device list', () => {
    const desc = parse('-M virt -drive file=d.img,format=raw -device e1000');
    expect(rootBusSlots(desc.devices)).toEqual(['00:00.0 gpex-root', '00:01.0 virtio-net-pci', '00:02.0 e1000', '00:03.0 virtio-blk-pci']);
  });
});

describe('withDefaults', () => {
  it('is idempotent: implicit devices are recomputed, not doubled', () => {
    const desc = parse('-M q35 -device e1000');
    expect(withDefaults(desc)).toEqual(desc);
  });
});
