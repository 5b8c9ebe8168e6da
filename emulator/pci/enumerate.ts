// What firmware does before the OS runs (SeaBIOS on q35; Linux itself on virt, where nothing
// numbers the buses first): walk the hierarchy depth-first through configuration cycles and
// give each bridge the next bus number as its secondary bus, with the subordinate number
// closing its subtree. Both walkers agree, so BB:DD.F matches what Linux shows under QEMU.

import type { AccessSize } from '../bus/bus';
import {
  HEADER_TYPE_BRIDGE, REG_HEADER_TYPE, REG_PRIMARY_BUS, REG_SECONDARY_BUS, REG_SUBORDINATE_BUS, REG_VENDOR_ID, devfn,
} from './regs';
import type { PciTree } from './tree';

/** Configuration cycles by bus/devfn, as ECAM or ports 0xCF8/0xCFC deliver them. */
export interface ConfigAccess {
  read(bus: number, devfnValue: number, offset: number, size: AccessSize): number;
  write(bus: number, devfnValue: number, offset: number, size: AccessSize, value: number): void;
}

export function treeAccess(tree: PciTree): ConfigAccess {
  return {
    read: (bus, df, off, size) => tree.configRead(bus, df, off, size),
    write: (bus, df, off, size, value) => tree.configWrite(bus, df, off, size, value),
  };
}

/** Functions present on a bus, in devfn order, as a scan by configuration reads finds them. */
export function probeBus(access: ConfigAccess, bus: number): number[] {
  const found: number[] = [];
  for (let slot = 0; slot < 32; slot++) {
    for (let fn = 0; fn < 8; fn++) {
      const df = devfn(slot, fn);
      if (access.read(bus, df, REG_VENDOR_ID, 2) === 0xffff) {
        if (fn === 0) break;
        continue;
      }
      found.push(df);
      if (fn === 0 && !(access.read(bus, df, REG_HEADER_TYPE, 1) & 0x80)) break;
    }
  }
  return found;
}

/** Number every bus depth-first from 0; returns the highest bus number used. */
export function assignBusNumbers(access: ConfigAccess): number {
  let last = 0;
  const walk = (bus: number, depth: number) => {
    if (depth > 255) return;
    for (const df of probeBus(access, bus)) {
      if ((access.read(bus, df, REG_HEADER_TYPE, 1) & 0x7f) !== HEADER_TYPE_BRIDGE || last >= 255) continue;
      const secondary = ++last;
      access.write(bus, df, REG_PRIMARY_BUS, 1, bus);
      access.write(bus, df, REG_SECONDARY_BUS, 1, secondary);
      access.write(bus, df, REG_SUBORDINATE_BUS, 1, 0xff);
      walk(secondary, depth + 1);
      access.write(bus, df, REG_SUBORDINATE_BUS, 1, last);
    }
  };
  walk(0, 0);
  return last;
}
