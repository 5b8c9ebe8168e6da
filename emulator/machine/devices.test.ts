import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDescription } from '../../guest/testing/machine';
import { findDrive } from './devices';
import { Machine, MachineBuildError } from './machine';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-devices-'));
const img = join(dir, 'disk.img');
writeFileSync(img, new Uint8Array(1 << 20));

describe('machine devices from the description', () => {
  it('finds drives by id, and id-less if=virtio drives by QEMU\'s virtioN name', () => {
    const d = testDescription('q35', {
      drives: [
        { file: 'a', format: 'raw', if: 'virtio', readonly: false, props: {} },
        { id: 'x', file: 'b', format: 'raw', if: 'none', readonly: false, props: {} },
        { file: 'c', format: 'raw', if: 'virtio', readonly: false, props: {} },
      ],
    });
    expect(findDrive(d, 'virtio1')).toMatchObject({ file: 'c' });
    expect(findDrive(d, 'x')).toMatchObject({ file: 'b' });
    expect(findDrive(d, 'nope')).toBe("Property 'drive' can't find value 'nope'");
  });

  it('puts the first virtio-blk-device in the top virtio-mmio slot, as QEMU\'s virt does', () => {
    const m = new Machine(testDescription('virt', {
      drives: [{ id: 'd0', file: img, format: 'raw', if: 'none', readonly: false, props: {} }],
      devices: [{ driver: 'virtio-blk-device', props: { drive: 'd0' } }],
    }), 1);
    expect(m.bus.read(0x0a00_3e00, 4)).toBe(0x74726976);
    expect(m.bus.read(0x0a00_3e08, 4)).toBe(2);
    expect(m.devices.blks.map((b) => b.driver)).toEqual(['virtio-blk-device']);
    m.powerOff();
  });

  it('builds virtio-blk-pci through the PCI factory (vendor 0x1af4, device 0x1042)', () => {
    const m = new Machine(testDescription('q35', {
      drives: [{ id: 'd0', file: img, format: 'raw', if: 'none', readonly: true, props: {} }],
      devices: [{ driver: 'virtio-blk-pci', props: { drive: 'd0' } }],
    }), 1);
    const ids = m.pci.tree.root.devices().map((n) => n.fn.read(0, 4) >>> 0);
    expect(ids).toContain(0x1042_1af4);
    m.powerOff();
  });

  it('a missing drive or image file is a build error, not a crash later', () => {
    expect(() => new Machine(testDescription('virt', { devices: [{ driver: 'virtio-blk-device', props: { drive: 'zz' } }] }), 1)).toThrow(MachineBuildError);
    expect(() => new Machine(testDescription('virt', {
      drives: [{ id: 'd0', file: join(dir, 'missing.img'), format: 'raw', if: 'none', readonly: false, props: {} }],
      devices: [{ driver: 'virtio-blk-pci', props: { drive: 'd0' } }],
    }), 1)).toThrow(/Could not open/);
  });
});

describe('virtio-gpu from the description', () => {
  it('builds virtio-gpu-pci as a PCI display (1af4:1050, class 0x0380) and keeps it for screenshots', () => {
    const m = new Machine(testDescription('q35', { devices: [{ driver: 'virtio-gpu-pci', id: 'gpu0', props: { xres: '800', yres: '600' } }] }), 1);
    expect(m.devices.gpus.map((g) => g.name)).toEqual(['gpu0']);
    const ids = m.pci.linuxDevices(false).map((d) => `${d.vendorId.toString(16)}:${d.deviceId.toString(16)}:${(d.classCode >> 8).toString(16)}`);
    expect(ids).toContain("1af4:1050:380");
    const shot = m.devices.gpus[0].device.screenshot(0)!;
    expect([shot.widthPx, shot.heightPx]).toEqual([800, 600]);
    expect(Buffer.from(shot.png.subarray(1, 4)).toString('latin1')).toBe('PNG');
  });

  it('places virtio-gpu-device and virtio-blk-device on virtio-mmio slots in command-line order', () => {
    const m = new Machine(testDescription('virt', {
      drives: [{ id: 'd0', file: img, format: 'raw', if: 'none', readonly: false, props: {} }],
      devices: [{ driver: 'virtio-gpu-device', props: {} }, { driver: 'virtio-blk-device', props: { drive: 'd0' } }],
    }), 1);
    const regions = m.bus.mmioRegions().filter((r) => r.name.startsWith('virtio-mmio@')).map((r) => r.base);
    expect(regions).toEqual([0x0a003c00, 0x0a003e00]);
    // The top slot holds the first device: its DeviceID register says GPU (16).
    expect(m.bus.read(0x0a003e08, 4)).toBe(16);
    expect(m.bus.read(0x0a003c08, 4)).toBe(2);
  });

  it('refuses a resolution virtio-gpu cannot show', () => {
    expect(() => new Machine(testDescription('q35', { devices: [{ driver: 'virtio-gpu-pci', props: { xres: '5' } }] }), 1)).toThrow(MachineBuildError);
  });
});
