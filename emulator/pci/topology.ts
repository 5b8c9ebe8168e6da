// Builds the PCI tree from a machine's ordered device list with QEMU's placement rules:
// the board's own devices first (q35: MCH at 00.0, ICH9 LPC/AHCI/SMBus at 1f.0/.2/.3;
// virt: the GPEX host bridge at 00.0), then each `-device` in order — `addr=slot[.fn]`
// (hex, as QEMU parses it) or else the first slot whose function 0 is free; a root or
// downstream port's link takes only device 0; `bus=` names a bridge's id. Errors come back
// as values with QEMU's wording, so a bad description is refused, never thrown.

import { buildFunction, type Placement } from '../../devices/pci/build';
import { catalogueEntry, isNonPciDevice, type CatalogueEntry } from '../../devices/pci/catalogue';
import type { DeviceSpec, MachineType } from '../machine/description/types';
import type { PciFunction } from './function';
import { devfn } from './regs';
import { PciBusNode, PciTree, type PciDeviceNode } from './tree';

export type TopologyResult = { ok: true; tree: PciTree } | { ok: false; error: string };

/**
 * Lets a device model (virtio-pci, a passthrough `vfio-pci` device from the host profile) build
 * its own function. Asked for every device, catalogued or not; undefined falls back to the
 * catalogue. Functions from a factory for uncatalogued drivers are endpoints.
 */
export type FunctionFactory = (request: {
  driver: string;
  entry: CatalogueEntry | undefined;
  placement: Placement;
  spec: DeviceSpec | undefined;
}) => PciFunction | undefined;

interface BoardDevice { driver: string; slot: number; fn: number }

const BOARD: Record<MachineType, BoardDevice[]> = {
  q35: [
    { driver: 'mch', slot: 0, fn: 0 },
    { driver: 'ICH9-LPC', slot: 0x1f, fn: 0 },
    { driver: 'ich9-ahci', slot: 0x1f, fn: 2 },
    { driver: 'ICH9-SMB', slot: 0x1f, fn: 3 },
  ],
  virt: [{ driver: 'gpex-root', slot: 0, fn: 0 }],
};

export function boardDrivers(machine: MachineType): string[] {
  return BOARD[machine].map((b) => b.driver);
}

/** QEMU's PCI address property: `slot` or `slot.fn`, both hexadecimal. */
export function parsePciAddr(text: string): { slot: number; fn: number } | undefined {
  const m = /^(?:0x)?([0-9a-fA-F]{1,2})(?:\.(?:0x)?([0-7]))?$/.exec(text.trim());
  if (!m) return undefined;
  const slot = parseInt(m[1], 16);
  const fn = m[2] === undefined ? 0 : parseInt(m[2], 16);
  return slot <= 0x1f ? { slot, fn } : undefined;
}

class Builder {
  readonly root = new PciBusNode('pcie.0', true, undefined, false);
  private readonly buses = new Map<string, PciBusNode>([['pcie.0', this.root]]);
  private readonly chassisSlots = new Set<string>();
  private uid = 0;

  constructor(private readonly factory: FunctionFactory | undefined) {}

  add(spec: DeviceSpec | undefined, driver: string, bus: PciBusNode, at: { slot: number; fn: number } | undefined): string | undefined {
    const entry = catalogueEntry(driver);
    if (!entry && !this.factory) return unknownDriver(driver, spec);
    const label = spec?.id ? `${driver},id=${spec.id}` : driver;
    const where = at ?? this.freeSlot(bus);
    if (!where) return `PCI: no slot/function available for ${label}, all in use or reserved`;
    if (bus.onlySlotZero && where.slot !== 0) {
      return `PCI: slot ${where.slot} function ${where.fn} not available for ${label}, parent device only allows plugging into slot 0.`;
    }
    const df = devfn(where.slot, where.fn);
    const taken = bus.at(df);
    if (taken) return `PCI: slot ${where.slot} function ${where.fn} not available for ${label}, in use by ${taken.driver},id=${taken.qdevId ?? ''}`;
    const multifunction = spec?.multifunction === true;
    const mfError = this.checkMultifunction(bus, where, multifunction);
    if (mfError) return mfError;
    const props = spec?.props ?? {};
    const slotError = this.claimChassisSlot(entry, props);
    if (slotError) return slotError;
    const placement: Placement = { rootBus: bus.isRoot, expressBus: bus.express, multifunction, props };
    const fn = this.factory?.({ driver, entry, placement, spec }) ?? (entry ? buildFunction(entry, placement) : undefined);
    if (!fn) return unknownDriver(driver, spec);
    const node: PciDeviceNode = { uid: this.uid++, driver, qdevId: spec?.id, devfn: df, parent: bus, fn, secondary: undefined, spec };
    bus.place(node);
    if (entry?.bridge) {
      const name = spec?.id;
      node.secondary = new PciBusNode(name, entry.bridge !== 'pci', node, entry.bridge === 'pcie-link');
      if (name !== undefined) this.buses.set(name, node.secondary);
    }
    return undefined;
  }

  bus(name: string | undefined): PciBusNode | undefined {
    return name === undefined ? this.root : this.buses.get(name);
  }

  private freeSlot(bus: PciBusNode): { slot: number; fn: number } | undefined {
    const lastSlot = bus.onlySlotZero ? 0 : 31;
    for (let slot = 0; slot <= lastSlot; slot++) if (!bus.at(devfn(slot, 0))) return { slot, fn: 0 };
    return undefined;
  }

  /** Function 0 decides: a non-zero function needs a multifunction function 0 (if one is there yet). */
  private checkMultifunction(bus: PciBusNode, at: { slot: number; fn: number }, multifunction: boolean): string | undefined {
    if (at.fn !== 0) {
      const f0 = bus.at(devfn(at.slot, 0));
      if (f0 && !f0.fn.multifunctionBit) {
        return `PCI: single function device can't be populated in function ${at.slot.toString(16)}.${at.fn.toString(16)}`;
      }
      return undefined;
    }
    if (multifunction) return undefined;
    for (let f = 1; f < 8; f++) {
      if (bus.at(devfn(at.slot, f))) {
        return `PCI: ${at.slot.toString(16)}.0 indicates single function, but ${at.slot.toString(16)}.${f} is already populated.`;
      }
    }
    return undefined;
  }

  /** Root and downstream ports register (chassis, slot) pairs; QEMU refuses a duplicate with -EBUSY. */
  private claimChassisSlot(entry: CatalogueEntry | undefined, props: Record<string, string>): string | undefined {
    if (!entry || entry.host || (entry.pcie !== 'rootPort' && entry.pcie !== 'downstreamPort')) return undefined;
    const key = `${props.chassis ?? '0'}/${props.slot ?? '0'}`;
    if (this.chassisSlots.has(key)) return "Can't add chassis slot, error -16";
    this.chassisSlots.add(key);
    return undefined;
  }
}

function unknownDriver(driver: string, spec: DeviceSpec | undefined): string {
  if (driver === 'vfio-pci') {
    return `vfio-pci: no host device model for host=${spec?.props.host ?? '(none)'}: passthrough needs the simulated host's device (a FunctionFactory)`;
  }
  return `'${driver}' is not a valid device model name`;
}

export function buildTopology(machine: MachineType, specs: readonly DeviceSpec[], factory?: FunctionFactory): TopologyResult {
  const b = new Builder(factory);
  for (const board of BOARD[machine]) {
    const err = b.add(undefined, board.driver, b.root, { slot: board.slot, fn: board.fn });
    if (err) return { ok: false, error: err };
  }
  const boardSet = new Set(boardDrivers(machine));
  for (const spec of specs) {
    if (boardSet.has(spec.driver) || isNonPciDevice(spec.driver)) continue;
    const bus = b.bus(spec.bus);
    if (!bus) return { ok: false, error: `-device ${spec.driver}: Bus '${spec.bus}' not found` };
    let at: { slot: number; fn: number } | undefined;
    if (spec.addr !== undefined) {
      at = parsePciAddr(spec.addr);
      if (!at) return { ok: false, error: `-device ${spec.driver}: Property '${spec.driver}.addr' doesn't take value '${spec.addr}'` };
    }
    const err = b.add(spec, spec.driver, bus, at);
    if (err) return { ok: false, error: `-device ${spec.driver}: ${err}` };
  }
  return { ok: true, tree: new PciTree(b.root) };
}
