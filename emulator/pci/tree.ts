// The PCI hierarchy: buses holding functions at device/function numbers, bridges leading to
// secondary buses. Configuration requests are routed as hardware routes them — by the bus
// numbers the bridges' type 1 headers hold right now — so before firmware (or the guest)
// numbers the buses only bus 0 is reachable, exactly as on a real machine after reset.

import type { AccessSize } from '../bus/bus';
import type { DeviceSpec } from '../machine/description/types';
import type { PciFunction } from './function';
import { formatBdf, REG_SECONDARY_BUS, REG_SUBORDINATE_BUS } from './regs';

export interface PciDeviceNode {
  /** Creation order; stable names for bus regions and snapshots. */
  readonly uid: number;
  /** QEMU driver name (`pcie-root-port`, `e1000e`, `mch`...). */
  readonly driver: string;
  /** `id=` of the device, if any. */
  readonly qdevId: string | undefined;
  readonly devfn: number;
  readonly parent: PciBusNode;
  readonly fn: PciFunction;
  /** The bus behind a bridge. */
  secondary: PciBusNode | undefined;
  /** The description entry it came from; undefined for the board's own devices. */
  readonly spec: DeviceSpec | undefined;
}

export class PciBusNode {
  private readonly slots: Array<PciDeviceNode | undefined> = new Array<PciDeviceNode | undefined>(256).fill(undefined);

  constructor(
    /** The name `bus=` refers to (`pcie.0`, or the bridge's id). */
    readonly name: string | undefined,
    /** PCI Express bus (root complex, root/switch port link) or conventional PCI. */
    readonly express: boolean,
    readonly bridge: PciDeviceNode | undefined,
    /** A PCIe link below a root or downstream port: only device 0 exists. */
    readonly onlySlotZero: boolean,
  ) {}

  get isRoot(): boolean {
    return this.bridge === undefined;
  }

  at(devfnValue: number): PciDeviceNode | undefined {
    return this.slots[devfnValue];
  }

  place(node: PciDeviceNode): void {
    if (this.slots[node.devfn]) throw new Error(`pci: devfn ${node.devfn} of bus ${this.name} is taken`);
    this.slots[node.devfn] = node;
  }

  /** Devices in devfn order. */
  devices(): PciDeviceNode[] {
    return this.slots.filter((d): d is PciDeviceNode => d !== undefined);
  }
}

export class PciTree {
  private busByNumber: Map<number, PciBusNode> | undefined;
  /** Told after a configuration write that may change what a function decodes. */
  onDecodeChange: ((node: PciDeviceNode) => void) | undefined;

  constructor(readonly root: PciBusNode) {
    for (const node of this.allDevices()) {
      node.fn.onChange = (change) => {
        if (change === 'bus-numbers') this.invalidateRouting();
        else if (change === 'decode') this.onDecodeChange?.(node);
      };
    }
  }

  /** Forget the routing table; called when a bridge's bus number registers change. */
  invalidateRouting(): void {
    this.busByNumber = undefined;
  }

  busNumbered(n: number): PciBusNode | undefined {
    if (!this.busByNumber) this.busByNumber = this.buildRouting();
    return this.busByNumber.get(n);
  }

  functionAt(bus: number, devfnValue: number): PciFunction | undefined {
    const b = this.busNumbered(bus);
    if (!b) return undefined;
    if (b.onlySlotZero && devfnValue >> 3 !== 0) return undefined;
    return b.at(devfnValue)?.fn;
  }

  configRead(bus: number, devfnValue: number, offset: number, size: AccessSize): number {
    const f = this.functionAt(bus, devfnValue);
    if (!f) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    return f.readConfig(offset, size);
  }

  configWrite(bus: number, devfnValue: number, offset: number, size: AccessSize, value: number): void {
    this.functionAt(bus, devfnValue)?.writeConfig(offset, size, value);
  }

  /** Every device, parents before children, each bus in devfn order (QEMU's realize view). */
  allDevices(): PciDeviceNode[] {
    const out: PciDeviceNode[] = [];
    const walk = (bus: PciBusNode, depth: number) => {
      if (depth > 256) return;
      for (const d of bus.devices()) {
        out.push(d);
        if (d.secondary) walk(d.secondary, depth + 1);
      }
    };
    walk(this.root, 0);
    return out;
  }

  /** Current bus number of a bus (0 for the root; the bridge's secondary register otherwise). */
  numberOf(bus: PciBusNode): number {
    return bus.bridge ? bus.bridge.fn.readConfig(REG_SECONDARY_BUS, 1) : 0;
  }

  /** `0000:BB:DD.F` of a device under the current bus numbering. */
  addressOf(node: PciDeviceNode): string {
    return formatBdf(this.numberOf(node.parent), node.devfn);
  }

  /**
   * Route like hardware: from the root, a bridge claims bus numbers in its
   * [secondary, subordinate] range; the bus equal to its secondary number is its own bus.
   */
  private buildRouting(): Map<number, PciBusNode> {
    const map = new Map<number, PciBusNode>([[0, this.root]]);
    const visit = (bus: PciBusNode, lowest: number, depth: number) => {
      if (depth > 256) return;
      for (const d of bus.devices()) {
        if (!d.secondary) continue;
        const sec = d.fn.readConfig(REG_SECONDARY_BUS, 1);
        const sub = d.fn.readConfig(REG_SUBORDINATE_BUS, 1);
        if (sec <= lowest || sub < sec || map.has(sec)) continue;
        map.set(sec, d.secondary);
        visit(d.secondary, sec, depth + 1);
      }
    };
    visit(this.root, 0, 0);
    return map;
  }
}
