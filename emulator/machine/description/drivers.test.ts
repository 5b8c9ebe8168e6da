import { describe, expect, it } from 'vitest';
import { DRIVER_ALIASES, DRIVERS, lookupDriver, providesBus } from './drivers';

describe('driver table', () => {
  it('knows every driver the machine descriptions promise', () => {
    const required = [
      'virtio-blk-pci', 'virtio-blk-device', 'virtio-net-pci', 'virtio-net-device', 'virtio-gpu-pci', 'virtio-gpu-device',
      'virtio-vga', 'VGA', 'qxl-vga', 'e1000', 'e1000e', 'ich9-intel-hda', 'nvme', 'qemu-xhci', 'pcie-root-port',
      'x3130-upstream', 'xio3130-downstream', 'pcie-pci-bridge', 'pci-bridge', 'intel-iommu', 'vfio-pci',
      'virtio-rng-pci', 'virtio-serial-pci',
    ];
    for (const name of required) expect(DRIVERS.get(name)?.userCreatable, name).toBe(true);
  });

  it('sorts drivers into kinds', () => {
    expect(lookupDriver('pcie-root-port')?.kind).toBe('pcie-root-port');
    expect(lookupDriver('x3130-upstream')?.kind).toBe('pcie-switch-upstream');
    expect(lookupDriver('xio3130-downstream')?.kind).toBe('pcie-switch-downstream');
    expect(lookupDriver('pcie-pci-bridge')?.kind).toBe('pci-bridge');
    expect(lookupDriver('virtio-net-device')?.kind).toBe('virtio-mmio');
    expect(lookupDriver('intel-iommu')?.kind).toBe('system');
    expect(lookupDriver('vfio-pci')?.kind).toBe('pci-endpoint');
    expect(providesBus('pci-bridge') && !providesBus('pci-endpoint')).toBe(true);
  });

  it('says which machines take a driver', () => {
    expect(lookupDriver('intel-iommu')?.machines).toEqual(['q35']);
    expect(lookupDriver('virtio-blk-device')?.machines).toEqual(['virt']);
    expect(lookupDriver('e1000')?.machines).toEqual(['virt', 'q35']);
  });

  it('marks the displays that replace the default VGA, and only those', () => {
    const replacing = [...DRIVERS.values()].filter((d) => d.replacesDefaultVga).map((d) => d.name);
    expect(replacing.sort()).toEqual(['VGA', 'qxl-vga', 'virtio-vga']);
  });

  it('resolves aliases to known drivers', () => {
    for (const target of DRIVER_ALIASES.values()) expect(DRIVERS.has(target), target).toBe(true);
    expect(lookupDriver('virtio-blk')?.name).toBe('virtio-blk-pci');
    expect(lookupDriver('frobnicator')).toBeUndefined();
  });
});
