// Turns a catalogue entry plus where it is plugged into a PciFunction: header, capabilities in
// the device's order, BARs (an MSI-X table BAR gets a working table; other BARs of a device
// without a model answer zeros). Device models with real registers (virtio-pci, later) build
// their function themselves with the same emit helpers, or pass BAR handlers in.

import type { MmioHandler } from '../../emulator/bus/bus';
import { emitBar, ZERO_HANDLER, type BarSpec } from '../../emulator/pci/bars';
import {
  emitAcsCap, emitAerCap, emitDsnCap, emitMsiCap, emitMsixCap, emitPcieCap, emitPmCap, emitSataCap, emitShpcCap,
  emitSlotIdCap, emitSsvidCap,
} from '../../emulator/pci/capabilities';
import { ConfigSpace } from '../../emulator/pci/config-space';
import { PciFunction } from '../../emulator/pci/function';
import { emitHeader, type PciIdentity } from '../../emulator/pci/header';
import { compositeHandler, MsixTable } from '../../emulator/pci/msix';
import { CONFIG_SIZE_PCI, CONFIG_SIZE_PCIE, REG_IO_BASE, REG_IO_LIMIT, type PcieTypeName } from '../../emulator/pci/regs';
import type { CapTemplate, CatalogueEntry } from './catalogue';

export interface Placement {
  /** On the root complex's own bus. */
  rootBus: boolean;
  /** On a PCI Express bus (the root bus of q35/virt, or behind a PCIe port). */
  expressBus: boolean;
  /** `multifunction=on` was given. */
  multifunction: boolean;
  /** The device's other `-device` properties (slot, chassis, port, disable-legacy...). */
  props: Record<string, string>;
  /** Registers behind BARs, by BAR index, from a device model. */
  barHandlers?: Record<number, MmioHandler>;
}

/** Express port type the function presents here, or undefined for conventional PCI. */
export function pcieTypeFor(entry: CatalogueEntry, p: Placement): PcieTypeName | undefined {
  if (entry.pcie === undefined) return undefined;
  if (entry.pcie === 'auto-endpoint') return p.rootBus && p.expressBus ? 'rcIntegratedEndpoint' : 'endpoint';
  if (entry.pcie === 'hybrid') return p.expressBus && !p.rootBus ? 'endpoint' : undefined;
  return entry.pcie;
}

/** Virtio devices are transitional (legacy IDs) unless behind a PCIe port or `disable-legacy=on`. */
export function identityFor(entry: CatalogueEntry, p: Placement): PciIdentity {
  const v = entry.virtio;
  if (!v || v.transitionalDeviceId === undefined) return entry.identity;
  const legacyProp = p.props['disable-legacy'];
  const legacy = legacyProp === 'off' || (legacyProp !== 'on' && !(p.expressBus && !p.rootBus));
  if (!legacy) return entry.identity;
  return { ...entry.identity, deviceId: v.transitionalDeviceId, revision: 0, subsystemVendorId: 0x1af4, subsystemId: v.type };
}

function capsFor(entry: CatalogueEntry, p: Placement): CapTemplate[] {
  return p.expressBus && !p.rootBus && entry.capsOnPciePort ? entry.capsOnPciePort : entry.caps;
}

function barsFor(entry: CatalogueEntry, identity: PciIdentity): CatalogueEntry['bars'] {
  // A modern-only virtio device has no legacy I/O BAR.
  if (entry.virtio && identity.deviceId >= 0x1040) return entry.bars.filter((b) => b.kind !== 'io');
  return entry.bars;
}

function intProp(props: Record<string, string>, key: string, dflt: number): number {
  const raw = props[key];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : dflt;
}

function emitCap(cs: ConfigSpace, cap: CapTemplate, type: PcieTypeName | undefined, p: Placement): void {
  switch (cap.kind) {
    case 'pcie': {
      if (!type) return;
      const hasSlot = type === 'rootPort' || type === 'downstreamPort';
      emitPcieCap(cs, cap.offset, {
        type, version: cap.version, portNumber: intProp(p.props, 'port', 0),
        linkSpeed: cap.link?.speed ?? 1, linkWidth: cap.link?.width ?? 1,
        ...(hasSlot ? { slot: { physicalSlot: intProp(p.props, 'slot', 0), hotplug: p.props.hotplug !== 'off' } } : {}),
      });
      return;
    }
    case 'msi': emitMsiCap(cs, cap.offset, cap); return;
    case 'msix': emitMsixCap(cs, cap.offset, { vectors: cap.vectors, tableBar: cap.bar, tableOffset: cap.tableOffset, pbaBar: cap.bar, pbaOffset: cap.pbaOffset }); return;
    case 'pm': emitPmCap(cs, cap.offset, cap.pmc); return;
    case 'ssvid': emitSsvidCap(cs, cap.offset, cap.vendorId, cap.subsystemId); return;
    case 'slot-id': emitSlotIdCap(cs, cap.offset, 0x20, intProp(p.props, 'chassis_nr', 0)); return;
    case 'shpc': emitShpcCap(cs, cap.offset); return;
    case 'sata': emitSataCap(cs, cap.offset); return;
    case 'aer': if (cs.isExpressSized) emitAerCap(cs, cap.offset, cap.sizeBytes ?? 0x48); return;
    case 'dsn': if (cs.isExpressSized) emitDsnCap(cs, cap.offset, 0n); return;
    case 'acs': if (cs.isExpressSized && p.props['disable-acs'] !== 'on') emitAcsCap(cs, cap.offset, { capability: cap.capability }); return;
  }
}

export function buildFunction(entry: CatalogueEntry, p: Placement): PciFunction {
  const type = pcieTypeFor(entry, p);
  const identity = identityFor(entry, p);
  const cs = new ConfigSpace(type ? CONFIG_SIZE_PCIE : CONFIG_SIZE_PCI);
  emitHeader(cs, {
    identity, bridge: entry.bridge !== undefined, multifunction: p.multifunction || entry.multifunction === true,
    interruptPin: entry.interruptPin, statusBits: entry.statusBits ?? 0,
  });
  if (entry.bridge && !entry.bridgeIo32) {
    // QEMU's bridges decode 16-bit I/O: the type nibble reads 0 and the upper-16 registers are read-only.
    cs.set8(REG_IO_BASE, 0xf0);
    cs.set8(REG_IO_LIMIT, 0);
    cs.setWmask(0x30, 4, 0);
  }
  let msix: MsixTable | undefined;
  let msixCap: Extract<CapTemplate, { kind: 'msix' }> | undefined;
  for (const cap of capsFor(entry, p)) {
    emitCap(cs, cap, type, p);
    if (cap.kind === 'msix') {
      msix = new MsixTable(cap.vectors);
      msixCap = cap;
    }
  }
  const bars: BarSpec[] = barsFor(entry, identity).map((b) => {
    let handler = p.barHandlers?.[b.index] ?? ZERO_HANDLER;
    if (msix && msixCap && msixCap.bar === b.index) {
      handler = compositeHandler([
        { offset: msixCap.tableOffset, sizeBytes: msix.vectors * 16, handler: msix.tableHandler },
        { offset: msixCap.pbaOffset, sizeBytes: Math.ceil(msix.vectors / 64) * 8, handler: msix.pbaHandler },
        { offset: 0, sizeBytes: b.sizeBytes, handler },
      ]);
    }
    const spec: BarSpec = { index: b.index, kind: b.kind, sizeBytes: b.sizeBytes, prefetchable: b.prefetchable === true, handler };
    emitBar(cs, spec);
    return spec;
  });
  return new PciFunction({ config: cs, bars, ...(msix ? { msix } : {}) });
}
