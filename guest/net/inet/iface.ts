// One network interface as the stack keeps it: `lo` (no device) or a NetDevice with its
// administrative state and addresses.

import type { InterfaceAddress, InterfaceInfo, NetDevice, NetDeviceStats } from '../socket';

export interface Iface {
  readonly index: number;
  readonly name: string;
  /** null for `lo`: the stack loops datagrams back itself. */
  readonly dev: NetDevice | null;
  readonly mac: string;
  mtuBytes: number;
  up: boolean;
  readonly addresses: InterfaceAddress[];
  /** `lo`'s own counters; devices count in their NetDevice.stats. */
  readonly stats: NetDeviceStats;
}

export function ifaceInfo(i: Iface): InterfaceInfo {
  return {
    index: i.index,
    name: i.name,
    mac: i.mac,
    mtuBytes: i.mtuBytes,
    up: i.up,
    linkUp: i.dev ? i.dev.linkUp : true,
    loopback: i.dev === null,
    addresses: i.addresses.map((a) => ({ ...a })),
    stats: { ...(i.dev ? i.dev.stats : i.stats) },
  };
}

/** Usable for traffic: administratively up and (for a device) with carrier. */
export function ifaceRunning(i: Iface): boolean {
  return i.up && (i.dev === null || i.dev.linkUp);
}
