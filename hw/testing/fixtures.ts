// Sysfs trees for the hw tests, laid out as Linux lays them out (device directories under
// /devices, links from /bus/pci/devices, iommu_group and driver links, group member links).

import { MemorySysfs } from '../sysfs-view';
import type { VmXmlOptions } from '../vm-xml';

export interface FixtureFn {
  bdf: string;
  ids: string;
  classCode: number;
  bootVga?: boolean;
  driver?: string;
  group?: number;
  revision?: number;
}

export const INTEL_CPUINFO = 'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Core(TM) i7-10700K\n';
export const AMD_CPUINFO = 'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD Ryzen 7 5800X\n';

export function sysfsOf(fns: readonly FixtureFn[], opts: { cpus?: Array<{ core: number; pkg?: number }> } = {}): MemorySysfs {
  const v = new MemorySysfs();
  v.dir('/bus/pci/devices').dir('/kernel/iommu_groups').dir('/bus/pci/drivers');
  for (const f of fns) {
    const real = `/devices/pci0000:00/${f.bdf}`;
    const [vendor, device] = f.ids.split(':');
    v.file(`${real}/class`, `0x${f.classCode.toString(16).padStart(6, '0')}\n`);
    v.file(`${real}/vendor`, `0x${vendor}\n`).file(`${real}/device`, `0x${device}\n`);
    v.file(`${real}/revision`, `0x${(f.revision ?? 0).toString(16).padStart(2, '0')}\n`);
    v.file(`${real}/subsystem_vendor`, '0x1043\n').file(`${real}/subsystem_device`, '0x8694\n');
    if (f.classCode >>> 8 === 0x0300) v.file(`${real}/boot_vga`, f.bootVga ? '1\n' : '0\n');
    if (f.driver) {
      v.dir(`/bus/pci/drivers/${f.driver}`);
      v.link(`${real}/driver`, `../../../bus/pci/drivers/${f.driver}`);
    }
    if (f.group !== undefined) {
      v.dir(`/kernel/iommu_groups/${f.group}/devices`);
      v.link(`${real}/iommu_group`, `../../../kernel/iommu_groups/${f.group}`);
      v.link(`/kernel/iommu_groups/${f.group}/devices/${f.bdf}`, `../../../../devices/pci0000:00/${f.bdf}`);
    }
    v.link(`/bus/pci/devices/${f.bdf}`, `../../../devices/pci0000:00/${f.bdf}`);
  }
  for (const [i, c] of (opts.cpus ?? []).entries()) {
    v.file(`/devices/system/cpu/cpu${i}/topology/core_id`, `${c.core}\n`);
    v.file(`/devices/system/cpu/cpu${i}/topology/physical_package_id`, `${c.pkg ?? 0}\n`);
  }
  return v;
}

/** 8 cores × 2 threads numbered like Intel desktops: cpuN and cpuN+8 are siblings. */
export const SMT_8C16T = Array.from({ length: 16 }, (_, i) => ({ core: i % 8 }));

/** The NeuronOS Phase 0 host: iGPU boot VGA, RTX 3070 + audio in their own group. */
export const NEURON_HOST: FixtureFn[] = [
  { bdf: '0000:00:00.0', ids: '8086:3e30', classCode: 0x060000, group: 0 },
  { bdf: '0000:00:01.0', ids: '8086:1901', classCode: 0x060400, group: 1, driver: 'pcieport', revision: 7 },
  { bdf: '0000:00:02.0', ids: '8086:9bc5', classCode: 0x030000, group: 2, bootVga: true, driver: 'i915', revision: 5 },
  { bdf: '0000:00:14.0', ids: '8086:a3af', classCode: 0x0c0330, group: 3, driver: 'xhci_hcd' },
  { bdf: '0000:01:00.0', ids: '10de:2484', classCode: 0x030000, group: 1, driver: 'nouveau', revision: 0xa1 },
  { bdf: '0000:01:00.1', ids: '10de:228b', classCode: 0x040300, group: 1, driver: 'snd_hda_intel', revision: 0xa1 },
];

/** NEURON_HOST with the dGPU's group shared with a USB controller (no ACS on the port). */
export const SHARED_GROUP_HOST: FixtureFn[] = NEURON_HOST.map((f) => (f.bdf === '0000:00:14.0' ? { ...f, group: 1 } : f));

/** Both GPUs without IOMMU groups. */
export const IOMMU_OFF_HOST: FixtureFn[] = NEURON_HOST.map(({ group: _g, ...f }) => f);

export const ONE_GPU_HOST: FixtureFn[] = NEURON_HOST.filter((f) => f.bdf !== '0000:00:02.0');
export const ALL_BOOT_VGA_HOST: FixtureFn[] = NEURON_HOST.filter((f) => f.bdf !== '0000:01:00.0' && f.bdf !== '0000:01:00.1');

/** The seed's Phase 0 VM for the NEURON_HOST GPU. */
export const VM_BASE: VmXmlOptions = {
  name: 'win11', memoryMiB: 16384, vcpus: 8, width: 1920, height: 1080, hostdevs: ['0000:01:00.0', '0000:01:00.1'],
  cores: [], vendorId: 'randomid', diskPath: '/var/lib/libvirt/images/win11.qcow2',
  ovmfCode: '/usr/share/edk2/x64/OVMF_CODE.4m.fd', ovmfVars: '/usr/share/edk2/x64/OVMF_VARS.4m.fd', viommu: false,
};
