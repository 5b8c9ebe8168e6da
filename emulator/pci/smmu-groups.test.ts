import { describe, expect, it } from 'vitest';
import type { LinuxPciDev } from './linux-scan';
import { smmuProbeOrder, streamIds } from './smmu-groups';

function dev(bus: number, devfn: number, extra: Partial<LinuxPciDev> = {}): LinuxPciDev {
  return {
    index: 0, bus, devfn, bdf: `0000:${bus.toString(16).padStart(2, '0')}:${(devfn >> 3).toString(16).padStart(2, '0')}.${devfn & 7}`,
    vendorId: 0x1af4, deviceId: 0x1044, classCode: 0xff00, revision: 1, isBridge: false, multifunction: false,
    pcieType: 'endpoint', acsOffset: undefined, upstream: undefined, secondaryBus: undefined, acsQuirkEnabled: false, ...extra,
  };
}

describe('SMMUv3 stream IDs (pci_for_each_dma_alias)', () => {
  const rootPort = dev(0, 0x10, { pcieType: 'rootPort', isBridge: true, classCode: 0x060400, secondaryBus: 1 });
  const pcieToPci = dev(1, 0, { pcieType: 'pcieToPciBridge', isBridge: true, classCode: 0x060400, secondaryBus: 2, upstream: rootPort });
  const pciBridge = dev(2, 0x08, { pcieType: undefined, isBridge: true, classCode: 0x060400, secondaryBus: 3, upstream: pcieToPci });

  it('is the requester ID alone below PCIe ports', () => {
    expect(streamIds(dev(1, 0, { upstream: rootPort }))).toEqual([0x0100]);
  });

  it('adds (secondary bus, 0) for a PCIe-to-PCI bridge and the bridge itself for a conventional one', () => {
    expect(streamIds(dev(2, 0x10, { pcieType: undefined, upstream: pcieToPci }))).toEqual([0x0210, 0x0200]);
    expect(streamIds(dev(3, 0x08, { pcieType: undefined, upstream: pciBridge }))).toEqual([0x0308, 0x0208, 0x0200]);
    // The pci-bridge's own IDs overlap its children's: the first of them to probe owns 0x208.
    expect(streamIds(pciBridge)).toEqual([0x0208, 0x0200]);
  });
});

describe('SMMUv3 probe order', () => {
  it('runs driver by driver in registration order, device order within a driver, and skips unmatched devices', () => {
    const a = dev(0, 0x08, { index: 0, classCode: 0x060000 });
    const b = dev(0, 0x10, { index: 1 });
    const c = dev(0, 0x18, { index: 2, classCode: 0x060400 });
    const d = dev(1, 0, { index: 3, classCode: 0x060400 });
    const bridges = (x: LinuxPciDev) => x.classCode === 0x060400;
    const virtio = (x: LinuxPciDev) => x.vendorId === 0x1af4 && x.classCode === 0xff00;
    expect(smmuProbeOrder([a, b, c, d], [bridges, virtio]).map((x) => x.bdf)).toEqual([c.bdf, d.bdf, b.bdf]);
  });
});
