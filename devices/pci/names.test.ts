import { describe, expect, it } from 'vitest';
import { catalogueDrivers, catalogueEntry } from './catalogue';
import { describeDevice, deviceName, vendorName } from './names';

describe('names', () => {
  it('formats like lspci', () => {
    expect(describeDevice(0x1af4, 0x1050)).toBe('Red Hat, Inc. Virtio 1.0 GPU');
    expect(describeDevice(0x1234, 0x1111)).toBe('Device 1234:1111');
    expect(describeDevice(0x1b36, 0x000e)).toBe('Red Hat, Inc. Device 000e');
  });

  it('knows the vendor of every catalogue device except Bochs VGA', () => {
    for (const d of catalogueDrivers()) {
      const id = catalogueEntry(d)?.identity;
      if (!id || id.vendorId === 0x1234) continue;
      expect([d, vendorName(id.vendorId) !== undefined]).toEqual([d, true]);
    }
    expect(deviceName(0x10de, 0x2484)).toBe('GA104 [GeForce RTX 3070]');
  });
});
