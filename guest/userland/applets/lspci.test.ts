import { describe, expect, it } from 'vitest';
import { className, deviceText, formatDevice, parseSlotFilter, subsystemText } from './lspci';

// Expected strings are what pciutils 3.9's lspci prints for the same IDs (lspci.oracle.test.ts
// in guest/drivers/pci compares whole outputs).
describe('lspci formatting', () => {
  it('names classes like pci.ids, numerically with -n, both with -nn', () => {
    expect(className(0x030000, 0)).toBe('VGA compatible controller');
    expect(className(0x030000, 1)).toBe('0300');
    expect(className(0x040300, 2)).toBe('Audio device [0403]');
    expect(className(0xff0000, 0)).toBe('Unassigned class');
    expect(className(0xfe0000, 2)).toBe('Class [fe00]');
  });

  it('falls back to "Device" when pci.ids lacks the vendor or device', () => {
    expect(deviceText(0x1234, 0x1111, 0)).toBe('Device 1234:1111');
    expect(deviceText(0x1234, 0x1111, 2)).toBe('Device [1234:1111]');
    expect(deviceText(0x1b36, 0x000e, 0)).toBe('Red Hat, Inc. Device 000e');
    expect(deviceText(0x1b36, 0x000e, 2)).toBe('Red Hat, Inc. Device [1b36:000e]');
    expect(deviceText(0x10de, 0x2484, 2)).toBe('NVIDIA Corporation GA104 [GeForce RTX 3070] [10de:2484]');
  });

  it('names subsystems from the device\'s subsystem list, else by vendor', () => {
    const dev = { vendorId: 0x8086, deviceId: 0x29c0, subVendorId: 0x1af4, subDeviceId: 0x1100 };
    expect(subsystemText(dev, 0)).toBe('Red Hat, Inc. QEMU Virtual Machine');
    expect(subsystemText(dev, 2)).toBe('Red Hat, Inc. QEMU Virtual Machine [1af4:1100]');
    expect(subsystemText({ ...dev, deviceId: 0x10d3, subVendorId: 0x8086, subDeviceId: 0 }, 0)).toBe('Intel Corporation Device 0000');
    expect(subsystemText({ ...dev, subVendorId: 0x1043, subDeviceId: 0x8694 }, 2)).toBe('ASUSTeK Computer Inc. Device [1043:8694]');
    expect(subsystemText({ ...dev, subVendorId: 0x7777, subDeviceId: 1 }, 0)).toBe('Device 7777:0001');
  });

  it('prints the revision only when non-zero, and -k lines', () => {
    const d = {
      domain: 0, bus: 1, slot: 0, fn: 1, classCode: 0x040300, vendorId: 0x10de, deviceId: 0x228b, revision: 0xa1,
      subVendorId: 0x10de, subDeviceId: 0x146b, driver: 'vfio-pci',
    };
    expect(formatDevice(d, { numeric: 1, kernel: false, domains: false })).toBe('01:00.1 0403: 10de:228b (rev a1)\n');
    expect(formatDevice({ ...d, revision: 0 }, { numeric: 1, kernel: false, domains: true })).toBe('0000:01:00.1 0403: 10de:228b\n');
    expect(formatDevice(d, { numeric: 1, kernel: true, domains: false }).split('\n').slice(1)).toEqual([
      '\tSubsystem: 10de:146b', '\tKernel driver in use: vfio-pci', '',
    ]);
  });

  it('parses -s slot filters like pciutils', () => {
    expect(parseSlotFilter('01:00.1')).toEqual({ domain: undefined, bus: 1, slot: 0, fn: 1 });
    expect(parseSlotFilter('0000:01:00.0')).toEqual({ domain: 0, bus: 1, slot: 0, fn: 0 });
    expect(parseSlotFilter('01:')).toEqual({ domain: undefined, bus: 1, slot: undefined, fn: undefined });
    expect(parseSlotFilter('.3')).toEqual({ domain: undefined, bus: undefined, slot: undefined, fn: 3 });
    expect(parseSlotFilter('*:1f.*')).toEqual({ domain: undefined, bus: undefined, slot: 0x1f, fn: undefined });
    expect(parseSlotFilter('00:20')).toBeUndefined();
    expect(parseSlotFilter('zz')).toBeUndefined();
    expect(parseSlotFilter('0:0:0:0')).toBeUndefined();
  });
});
