// A virtio device as a modern-only PCI function (QEMU's `-device virtio-*-pci,disable-legacy=on`):
// vendor 0x1af4, device 0x1040 + type, revision 1, the virtio vendor capabilities in QEMU's
// places, MSI-X in BAR 1 and the virtio registers in the 64-bit BAR 4.

import type { GuestRam } from '../../emulator/memory/guest-ram';
import { emitBar, type BarSpec } from '../../emulator/pci/bars';
import { emitMsixCap, findCapability, parseMsixCap } from '../../emulator/pci/capabilities';
import { ConfigSpace } from '../../emulator/pci/config-space';
import { PciFunction } from '../../emulator/pci/function';
import { emitHeader } from '../../emulator/pci/header';
import { compositeHandler, MsixTable } from '../../emulator/pci/msix';
import { CAP_ID_MSIX, CONFIG_SIZE_PCI } from '../../emulator/pci/regs';
import type { VirtioDevice } from './device';
import {
  capLength, emitVirtioPciCap, MODERN_BAR, MODERN_BAR_BYTES, PCI_CAP_ID_VNDR, VIRTIO_PCI_MODERN_DEVICE_BASE,
  VIRTIO_PCI_VENDOR, VirtioPciModernRegs, virtioPciCaps,
} from './pci-modern';

/** PCI class codes QEMU gives virtio devices, by virtio device type. */
const CLASS_BY_TYPE: Record<number, number> = { 1: 0x020000, 2: 0x010000, 3: 0x078000, 4: 0x00ff00, 16: 0x038000 };
const FIRST_VENDOR_CAP = 0x40;
const MSIX_CAP_OFFSET = 0x98;
const MSIX_BAR = 1;

export interface VirtioPci<S> {
  fn: PciFunction;
  regs: VirtioPciModernRegs<S>;
}

export function buildVirtioPciFunction<S>(device: VirtioDevice<S>, ram: GuestRam, msixVectors = device.queueMaxSizes.length + 1): VirtioPci<S> {
  const cs = new ConfigSpace(CONFIG_SIZE_PCI);
  emitHeader(cs, {
    identity: {
      vendorId: VIRTIO_PCI_VENDOR, deviceId: VIRTIO_PCI_MODERN_DEVICE_BASE + device.deviceType,
      classCode: CLASS_BY_TYPE[device.deviceType] ?? 0x00ff00, revision: 1,
      subsystemVendorId: VIRTIO_PCI_VENDOR, subsystemId: 0x1100,
    },
    bridge: false, multifunction: false, interruptPin: 1,
  });
  let at = FIRST_VENDOR_CAP;
  for (const cap of virtioPciCaps()) {
    const bytes = emitVirtioPciCap(cap);
    cs.addCapability(PCI_CAP_ID_VNDR, at, bytes.length);
    for (let i = 2; i < bytes.length; i++) cs.set8(at + i, bytes[i]);
    at += capLength(cap);
  }
  emitMsixCap(cs, MSIX_CAP_OFFSET, { vectors: msixVectors, tableBar: MSIX_BAR, tableOffset: 0, pbaBar: MSIX_BAR, pbaOffset: 0x800 });
  const msix = new MsixTable(msixVectors);
  let fn: PciFunction | undefined;
  const regs = new VirtioPciModernRegs(device, ram, { set: (level) => fn?.setIntx(level) }, msixVectors, (v) => fn?.signalMsi(v) ?? false);
  regs.msixEnabledHint = () => {
    const at = fn && findCapability(fn.read, CAP_ID_MSIX);
    return fn !== undefined && at !== undefined && parseMsixCap(fn.read, at).enabled;
  };
  const msixHandler = compositeHandler([
    { offset: 0, sizeBytes: msixVectors * 16, handler: msix.tableHandler },
    { offset: 0x800, sizeBytes: Math.ceil(msixVectors / 64) * 8, handler: msix.pbaHandler },
  ]);
  const bars: BarSpec[] = [
    { index: MSIX_BAR, kind: 'mem32', sizeBytes: 4096, handler: msixHandler },
    { index: MODERN_BAR, kind: 'mem64', sizeBytes: MODERN_BAR_BYTES, prefetchable: true, handler: regs },
  ];
  for (const b of bars) emitBar(cs, b);
  fn = new PciFunction({ config: cs, bars, msix });
  return { fn, regs };
}
