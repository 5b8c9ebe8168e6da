// The PCI drivers this kernel has built in, with the ID tables Linux's drivers match by
// (vendor/device, or class under a mask), in link order (the first match binds at boot).
// `dma: false` marks drivers VFIO accepts beside a vfio-bound device in one group
// (vfio_pci_core's allow list: pcieport, pci-stub, and vfio-pci itself).

import type { PcieTypeName } from '../../../emulator/pci/regs';

export const ANY_ID = -1;

export interface PciId {
  vendorId: number;
  deviceId: number;
  subVendorId?: number;
  subDeviceId?: number;
  classCode?: number;
  classMask?: number;
}

export interface PciDriverSpec {
  name: string;
  ids: PciId[];
  dma: boolean;
  /** Port types the probe accepts (pcieport refuses the others). */
  pcieTypes?: readonly PcieTypeName[];
  /** vfio-pci refuses bridges (header type 1). */
  endpointsOnly?: boolean;
  /**
   * The loadable module that registers this driver (CONFIG_...=m): it is absent from
   * /sys/bus/pci/drivers and binds nothing until the module is loaded. Unset: built in.
   */
  module?: string;
}

const cls = (classCode: number, classMask = 0xffffff): PciId => ({ vendorId: ANY_ID, deviceId: ANY_ID, classCode, classMask });
const dev = (vendorId: number, deviceId: number): PciId => ({ vendorId, deviceId });

export const BUILTIN_DRIVERS: readonly PciDriverSpec[] = [
  { name: 'pcieport', ids: [cls(0x060400), cls(0x060401)], dma: false, pcieTypes: ['rootPort', 'upstreamPort', 'downstreamPort'] },
  { name: 'vfio-pci', ids: [], dma: false, endpointsOnly: true, module: 'vfio_pci' },
  { name: 'pci-stub', ids: [], dma: false },
  { name: 'lpc_ich', ids: [dev(0x8086, 0x2918)], dma: true },
  { name: 'i801_smbus', ids: [dev(0x8086, 0x2930)], dma: true },
  { name: 'ahci', ids: [cls(0x010601)], dma: true },
  { name: 'nvme', ids: [cls(0x010802)], dma: true },
  { name: 'xhci_hcd', ids: [cls(0x0c0330)], dma: true },
  { name: 'e1000', ids: [dev(0x8086, 0x100e)], dma: true },
  { name: 'e1000e', ids: [dev(0x8086, 0x10d3)], dma: true },
  { name: 'igb', ids: [dev(0x8086, 0x10c9)], dma: true },
  { name: 'virtio-pci', ids: [{ vendorId: 0x1af4, deviceId: ANY_ID }], dma: true },
  { name: 'bochs-drm', ids: [dev(0x1234, 0x1111)], dma: true },
  { name: 'i915', ids: [{ vendorId: 0x8086, deviceId: ANY_ID, classCode: 0x030000, classMask: 0xff0000 }], dma: true, module: 'i915' },
  { name: 'nouveau', ids: [{ vendorId: 0x10de, deviceId: ANY_ID, classCode: 0x030000, classMask: 0xff0000 }], dma: true, module: 'nouveau' },
  { name: 'amdgpu', ids: [dev(0x1002, 0x73bf), dev(0x1002, 0x73df), dev(0x1002, 0x744c)], dma: true, module: 'amdgpu' },
  { name: 'radeon', ids: [dev(0x1002, 0x6779), dev(0x1002, 0x6798)], dma: true, module: 'radeon' },
  { name: 'snd_hda_intel', ids: [cls(0x040300)], dma: true, module: 'snd_hda_intel' },
];

export interface MatchTarget {
  vendorId: number;
  deviceId: number;
  subVendorId: number;
  subDeviceId: number;
  classCode: number;
}

export function idMatches(id: PciId, d: MatchTarget): boolean {
  const eq = (want: number | undefined, have: number) => want === undefined || want === ANY_ID || want === have;
  return eq(id.vendorId, d.vendorId) && eq(id.deviceId, d.deviceId) && eq(id.subVendorId, d.subVendorId) &&
    eq(id.subDeviceId, d.subDeviceId) && ((d.classCode ^ (id.classCode ?? 0)) & (id.classMask ?? 0)) === 0;
}

/** new_id's "vvvv dddd [ssss ssss cccccc mmmmmm]" (hex fields; missing subsystem fields mean any). */
export function parseNewId(text: string): PciId | undefined {
  const f = text.trim().split(/\s+/);
  if (f.length < 2 || f.length > 7 || !f.every((x) => /^(0x)?[0-9a-fA-F]{1,8}$/.test(x))) return undefined;
  const n = f.map((x) => parseInt(x, 16)).map((v) => (v === 0xffff_ffff ? ANY_ID : v));
  return {
    vendorId: n[0], deviceId: n[1], subVendorId: n[2] ?? ANY_ID, subDeviceId: n[3] ?? ANY_ID,
    classCode: n[4] ?? 0, classMask: n[5] ?? 0,
  };
}
