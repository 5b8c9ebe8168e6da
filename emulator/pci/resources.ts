// Firmware resource assignment: size every bus's needs bottom-up (its functions' BARs plus the
// windows of the bridges below it), then hand out addresses top-down from the machine's PCI
// windows, programming BARs and bridge windows through configuration cycles and switching
// on decoding. Bridge windows are 1 MiB aligned for memory and 4 KiB for I/O, as the
// PCI-to-PCI bridge specification requires. Addresses differ from SeaBIOS's exact choices;
// what the guest relies on — non-overlapping, naturally aligned, inside the windows — holds.

import { barRegister, type BarKind } from './bars';
import {
  COMMAND_IO, COMMAND_MASTER, COMMAND_MEMORY, REG_COMMAND, REG_IO_BASE, REG_IO_LIMIT, REG_MEMORY_BASE,
  REG_MEMORY_LIMIT, REG_PREF_BASE_UPPER32, REG_PREF_LIMIT_UPPER32, REG_PREF_MEMORY_BASE, REG_PREF_MEMORY_LIMIT,
} from './regs';
import type { PciBusNode, PciDeviceNode, PciTree } from './tree';

type Space = 'io' | 'mem' | 'pref';
const SPACES: Space[] = ['io', 'mem', 'pref'];
const WINDOW_ALIGN: Record<Space, number> = { io: 0x1000, mem: 0x10_0000, pref: 0x10_0000 };

interface Item { sizeBytes: number; alignBytes: number; place: (base: number) => void }

export interface Windows { io: { base: number; sizeBytes: number }; mem: { base: number; sizeBytes: number } }

export interface AssignResult { ok: boolean; unplaced: string[] }

function spaceOf(kind: BarKind, prefetchable: boolean): Space {
  return kind === 'io' ? 'io' : prefetchable ? 'pref' : 'mem';
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function pack(items: Item[]): number {
  // Largest alignment first keeps every item naturally aligned without gaps between powers of two.
  items.sort((a, b) => b.alignBytes - a.alignBytes || b.sizeBytes - a.sizeBytes);
  let end = 0;
  for (const it of items) end = alignUp(end, it.alignBytes) + it.sizeBytes;
  return end;
}

function placeAll(items: Item[], base: number): void {
  let at = base;
  for (const it of items) {
    at = alignUp(at, it.alignBytes);
    it.place(at);
    at += it.sizeBytes;
  }
}

/** Items a bus needs in each space: its devices' BARs and its bridges' windows. */
function busItems(tree: PciTree, bus: PciBusNode, depth: number): Record<Space, Item[]> {
  const items: Record<Space, Item[]> = { io: [], mem: [], pref: [] };
  if (depth > 64) return items;
  for (const node of bus.devices()) {
    for (const bar of node.fn.bars) {
      const reg = barRegister(bar.index);
      items[spaceOf(bar.kind, bar.prefetchable === true)].push({
        sizeBytes: bar.sizeBytes, alignBytes: bar.sizeBytes,
        place: (base) => {
          node.fn.writeConfig(reg, 4, base % 0x1_0000_0000);
          if (bar.kind === 'mem64') node.fn.writeConfig(reg + 4, 4, Math.floor(base / 0x1_0000_0000));
        },
      });
    }
    if (node.secondary) bridgeItems(tree, node, node.secondary, depth, items);
  }
  return items;
}

function bridgeItems(tree: PciTree, node: PciDeviceNode, secondary: PciBusNode, depth: number, into: Record<Space, Item[]>): void {
  const below = busItems(tree, secondary, depth + 1);
  for (const space of SPACES) {
    const inner = below[space];
    const need = pack(inner);
    if (need === 0) {
      programWindow(node, space, 0, 0);
      continue;
    }
    const sizeBytes = alignUp(need, WINDOW_ALIGN[space]);
    into[space].push({
      sizeBytes, alignBytes: WINDOW_ALIGN[space],
      place: (base) => {
        programWindow(node, space, base, sizeBytes);
        placeAll(inner, base);
      },
    });
  }
}

/** Program one bridge window; size 0 closes it (base above limit). */
function programWindow(node: PciDeviceNode, space: Space, base: number, sizeBytes: number): void {
  const f = node.fn;
  const limit = base + sizeBytes - 1;
  if (space === 'io') {
    f.writeConfig(REG_IO_BASE, 1, sizeBytes ? (base >> 8) & 0xf0 : 0xf0);
    f.writeConfig(REG_IO_LIMIT, 1, sizeBytes ? (limit >> 8) & 0xf0 : 0);
  } else if (space === 'mem') {
    f.writeConfig(REG_MEMORY_BASE, 2, sizeBytes ? Math.floor(base / 0x1_0000) & 0xfff0 : 0xfff0);
    f.writeConfig(REG_MEMORY_LIMIT, 2, sizeBytes ? Math.floor(limit / 0x1_0000) & 0xfff0 : 0);
  } else {
    f.writeConfig(REG_PREF_MEMORY_BASE, 2, sizeBytes ? Math.floor(base / 0x1_0000) & 0xfff0 : 0xfff0);
    f.writeConfig(REG_PREF_MEMORY_LIMIT, 2, sizeBytes ? Math.floor(limit / 0x1_0000) & 0xfff0 : 0);
    f.writeConfig(REG_PREF_BASE_UPPER32, 4, sizeBytes ? Math.floor(base / 0x1_0000_0000) : 0);
    f.writeConfig(REG_PREF_LIMIT_UPPER32, 4, sizeBytes ? Math.floor(limit / 0x1_0000_0000) : 0);
  }
}

/**
 * Assign every BAR and bridge window, then enable I/O and memory decoding. Memory (prefetchable after non-prefetchable)
 * comes from the 32-bit MMIO window; I/O from the I/O window above 0x1000 (legacy ports stay free).
 */
export function assignResources(tree: PciTree, windows: Windows): AssignResult {
  const items = busItems(tree, tree.root, 0);
  const unplaced: string[] = [];
  const ioNeed = pack(items.io);
  const memNeed = pack(items.mem);
  const prefBase = alignUp(windows.mem.base + memNeed, WINDOW_ALIGN.pref);
  const prefNeed = pack(items.pref);
  if (ioNeed > windows.io.sizeBytes) unplaced.push(`I/O: need ${ioNeed} bytes, window has ${windows.io.sizeBytes}`);
  else placeAll(items.io, windows.io.base);
  if (prefBase + prefNeed > windows.mem.base + windows.mem.sizeBytes) {
    unplaced.push(`memory: need ${prefBase + prefNeed - windows.mem.base} bytes, window has ${windows.mem.sizeBytes}`);
  } else {
    placeAll(items.mem, windows.mem.base);
    placeAll(items.pref, prefBase);
  }
  // SeaBIOS switches on I/O and memory decoding on every function it finds, BARs or not;
  // bus mastering only on bridges, whose forwarding of DMA upstream depends on it.
  for (const node of tree.allDevices()) {
    const cmd = node.fn.readConfig(REG_COMMAND, 2) | COMMAND_IO | COMMAND_MEMORY | (node.secondary ? COMMAND_MASTER : 0);
    node.fn.writeConfig(REG_COMMAND, 2, cmd);
  }
  return { ok: unplaced.length === 0, unplaced };
}
