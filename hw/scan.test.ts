import { describe, expect, it } from 'vitest';
import { formatScan, scan } from './scan';
import { IOMMU_OFF_HOST, NEURON_HOST, SHARED_GROUP_HOST, sysfsOf, type FixtureFn } from './testing/fixtures';

describe('hw scan', () => {
  it('lists GPUs with names, boot_vga, group, driver and the slot\'s audio; picks the discrete one', () => {
    const r = scan(sysfsOf(NEURON_HOST));
    expect(r.gpus.map((g) => [g.bdf, g.bootVga, g.discrete, g.iommuGroup, g.groupClean, g.driver])).toEqual([
      ['0000:00:02.0', true, false, 2, true, 'i915'],
      ['0000:01:00.0', false, true, 1, true, 'nouveau'],
    ]);
    expect(r.gpus[1].name).toBe('NVIDIA Corporation GA104 [GeForce RTX 3070]');
    expect(r.gpus[1].companions).toEqual([{
      bdf: '0000:01:00.1', ids: '10de:228b', classCode: '0403', name: 'NVIDIA Corporation GA104 High Definition Audio Controller', audio: true, driver: 'snd_hda_intel',
    }]);
    expect(r.candidate).toBe('0000:01:00.0');
    expect(r.reason).toBe('discrete, not the boot VGA, IOMMU group 1 is clean');
  });

  it('prefers a clean group among discrete GPUs, and a discrete GPU over a free integrated one', () => {
    const host: FixtureFn[] = [
      { bdf: '0000:00:02.0', ids: '8086:9bc5', classCode: 0x030000, group: 2 },
      { bdf: '0000:01:00.0', ids: '10de:2484', classCode: 0x030000, group: 1, bootVga: true },
      { bdf: '0000:02:00.0', ids: '1002:73bf', classCode: 0x030000, group: 5 },
      { bdf: '0000:02:00.1', ids: '1002:ab28', classCode: 0x040300, group: 5 },
      { bdf: '0000:03:00.0', ids: '10de:2484', classCode: 0x030000, group: 6 },
      { bdf: '0000:04:00.0', ids: '8086:10d3', classCode: 0x020000, group: 6 },
    ];
    const r = scan(sysfsOf(host));
    expect(r.candidate).toBe('0000:02:00.0');
    expect(r.gpus.find((g) => g.bdf === '0000:03:00.0')?.groupClean).toBe(false);
    // Without the AMD card the shared discrete one still beats the integrated GPU.
    expect(scan(sysfsOf(host.filter((f) => !f.bdf.startsWith('0000:02')))).candidate).toBe('0000:03:00.0');
  });

  it('counts 3D and display controllers (0x0302, 0x0380) as GPUs, not other classes', () => {
    const r = scan(sysfsOf([
      { bdf: '0000:00:02.0', ids: '8086:9bc5', classCode: 0x030000, bootVga: true },
      { bdf: '0000:01:00.0', ids: '10de:1eb8', classCode: 0x030200 },
      { bdf: '0000:02:00.0', ids: '1002:73bf', classCode: 0x038000 },
      { bdf: '0000:03:00.0', ids: '8086:10d3', classCode: 0x020000 },
    ]));
    expect(r.gpus.map((g) => g.bdf)).toEqual(['0000:00:02.0', '0000:01:00.0', '0000:02:00.0']);
    expect(r.candidate).toBe('0000:01:00.0');
  });

  it('reports no candidate when every GPU is the boot VGA, or there is none', () => {
    expect(scan(sysfsOf(NEURON_HOST.filter((f) => !f.bdf.startsWith('0000:01')))).candidate).toBeNull();
    const none = scan(sysfsOf([]));
    expect(none.gpus).toEqual([]);
    expect(none.reason).toBe('no GPU (PCI class 0x03) found');
  });

  it('tolerates malformed attributes: a function without readable IDs is skipped', () => {
    const v = sysfsOf(NEURON_HOST);
    v.file('/devices/pci0000:00/0000:01:00.1/vendor', 'garbage\n');
    v.dir('/bus/pci/devices/not-a-bdf');
    const r = scan(v);
    expect(r.gpus[1].companions).toEqual([]);
  });

  it('prints the human report (snapshot)', () => {
    expect(formatScan(scan(sysfsOf(NEURON_HOST)))).toMatchInlineSnapshot(`
      "GPUs: 2

      0000:00:02.0 Intel Corporation CometLake-S GT2 [UHD Graphics 630] [8086:9bc5] (boot VGA)
        kind: integrated   boot_vga: 1   driver: i915
        IOMMU group: 2 (clean)

      0000:01:00.0 NVIDIA Corporation GA104 [GeForce RTX 3070] [10de:2484] (passthrough candidate)
        kind: discrete   boot_vga: 0   driver: nouveau
        IOMMU group: 1 (clean)
        audio: 0000:01:00.1 NVIDIA Corporation GA104 High Definition Audio Controller [10de:228b] driver: snd_hda_intel

      Recommended for passthrough: 0000:01:00.0 (discrete, not the boot VGA, IOMMU group 1 is clean)
      "
    `);
    expect(formatScan(scan(sysfsOf(SHARED_GROUP_HOST)))).toMatchInlineSnapshot(`
      "GPUs: 2

      0000:00:02.0 Intel Corporation CometLake-S GT2 [UHD Graphics 630] [8086:9bc5] (boot VGA)
        kind: integrated   boot_vga: 1   driver: i915
        IOMMU group: 2 (clean)

      0000:01:00.0 NVIDIA Corporation GA104 [GeForce RTX 3070] [10de:2484] (passthrough candidate)
        kind: discrete   boot_vga: 0   driver: nouveau
        IOMMU group: 1 (shared)
        audio: 0000:01:00.1 NVIDIA Corporation GA104 High Definition Audio Controller [10de:228b] driver: snd_hda_intel

      Recommended for passthrough: 0000:01:00.0 (discrete, not the boot VGA, IOMMU group 1 is shared)
      "
    `);
    expect(formatScan(scan(sysfsOf(IOMMU_OFF_HOST)))).toMatchInlineSnapshot(`
      "GPUs: 2

      0000:00:02.0 Intel Corporation CometLake-S GT2 [UHD Graphics 630] [8086:9bc5] (boot VGA)
        kind: integrated   boot_vga: 1   driver: i915
        IOMMU group: (none)

      0000:01:00.0 NVIDIA Corporation GA104 [GeForce RTX 3070] [10de:2484] (passthrough candidate)
        kind: discrete   boot_vga: 0   driver: nouveau
        IOMMU group: (none)
        audio: 0000:01:00.1 NVIDIA Corporation GA104 High Definition Audio Controller [10de:228b] driver: snd_hda_intel

      IOMMU: off (no /sys/kernel/iommu_groups entries)
      Recommended for passthrough: 0000:01:00.0 (discrete, not the boot VGA, no IOMMU group (IOMMU off))
      "
    `);
  });
});
