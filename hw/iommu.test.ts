import { describe, expect, it } from 'vitest';
import { cpuVendorFromCpuinfo, formatIommu, iommuReport, iommuVendor } from './iommu';
import { AMD_CPUINFO, INTEL_CPUINFO, IOMMU_OFF_HOST, NEURON_HOST, SHARED_GROUP_HOST, sysfsOf } from './testing/fixtures';

describe('hw iommu', () => {
  it('lists every group with lspci -nn lines and judges the candidate\'s group', () => {
    const r = iommuReport(sysfsOf(NEURON_HOST), INTEL_CPUINFO);
    expect(r.enabled).toBe(true);
    expect(r.groups.map((g) => g.id)).toEqual([0, 1, 2, 3]);
    expect(r.groups[1].members.map((m) => m.text)).toEqual([
      '00:01.0 PCI bridge [0604]: Intel Corporation 6th-10th Gen Core Processor PCIe Controller (x16) [8086:1901] (rev 07)',
      '01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA104 [GeForce RTX 3070] [10de:2484] (rev a1)',
      '01:00.1 Audio device [0403]: NVIDIA Corporation GA104 High Definition Audio Controller [10de:228b] (rev a1)',
    ]);
    expect(r.verdict).toBe('clean');
    expect(r.hint).toBeNull();
  });

  it('gives the ACS override hint when the candidate\'s group is shared', () => {
    const r = iommuReport(sysfsOf(SHARED_GROUP_HOST), INTEL_CPUINFO);
    expect(r.verdict).toBe('shared');
    expect(r.hint).toContain('pcie_acs_override=downstream,multifunction');
  });

  it('says IOMMU off with the parameter for the CPU vendor', () => {
    const intel = iommuReport(sysfsOf(IOMMU_OFF_HOST), INTEL_CPUINFO);
    expect(intel.enabled).toBe(false);
    expect(intel.hint).toBe("IOMMU off: enable VT-d in the firmware and add 'intel_iommu=on iommu=pt' to the kernel command line");
    expect(iommuReport(sysfsOf(IOMMU_OFF_HOST), AMD_CPUINFO).hint).toContain("'amd_iommu=on iommu=pt'");
    expect(iommuReport(sysfsOf(IOMMU_OFF_HOST), undefined).hint).toContain('(Intel) or');
    expect(formatIommu(intel)).toBe("IOMMU off: /sys/kernel/iommu_groups is empty\nIOMMU off: enable VT-d in the firmware and add 'intel_iommu=on iommu=pt' to the kernel command line\n");
  });

  it('takes the running IOMMU over the CPU vendor', () => {
    expect(cpuVendorFromCpuinfo(AMD_CPUINFO)).toBe('amd');
    expect(cpuVendorFromCpuinfo('processor : 0\n')).toBeUndefined();
    const v = sysfsOf(NEURON_HOST).dir('/class/iommu/dmar0');
    expect(iommuVendor(v, AMD_CPUINFO, '')).toBe('intel');
    expect(iommuVendor(sysfsOf(NEURON_HOST), AMD_CPUINFO, 'console=ttyS0 intel_iommu=on')).toBe('intel');
    expect(iommuVendor(sysfsOf(NEURON_HOST), AMD_CPUINFO, 'console=ttyS0')).toBe('amd');
    expect(iommuVendor(sysfsOf(NEURON_HOST).file('/firmware/acpi/tables/DMAR', ''), AMD_CPUINFO, '')).toBe('intel');
    expect(iommuVendor(sysfsOf(NEURON_HOST).file('/firmware/acpi/tables/IVRS', ''), INTEL_CPUINFO, '')).toBe('amd');
  });

  it('prints the human report (snapshot)', () => {
    expect(formatIommu(iommuReport(sysfsOf(SHARED_GROUP_HOST), INTEL_CPUINFO))).toMatchInlineSnapshot(`
      "IOMMU Group 0:
      	00:00.0 Host bridge [0600]: Intel Corporation Device [8086:3e30]
      IOMMU Group 1 (SHARED, passthrough candidate 01:00.0):
      	00:01.0 PCI bridge [0604]: Intel Corporation 6th-10th Gen Core Processor PCIe Controller (x16) [8086:1901] (rev 07)
      	00:14.0 USB controller [0c03]: Intel Corporation Device [8086:a3af]
      	01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA104 [GeForce RTX 3070] [10de:2484] (rev a1)
      	01:00.1 Audio device [0403]: NVIDIA Corporation GA104 High Definition Audio Controller [10de:228b] (rev a1)
      IOMMU Group 2:
      	00:02.0 VGA compatible controller [0300]: Intel Corporation CometLake-S GT2 [UHD Graphics 630] [8086:9bc5] (rev 05)

      Candidate 0000:01:00.0: group 1 is shared.
      Hint: the group is shared: move the card to a slot with its own group, or boot a kernel with the ACS override patch and pcie_acs_override=downstream,multifunction (weakens isolation)
      "
    `);
  });
});
