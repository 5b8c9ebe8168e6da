// Which BARs the bus decodes right now, and keeping the Bus's region map in step. A BAR is
// live when its function's command register enables that space, its address is usable, and
// every bridge above it forwards the range (decoding enabled, address inside one of its
// windows). Re-evaluated whole after any write that can change decoding; config writes are
// rare, so simplicity wins over incremental bookkeeping.

import type { Bus, MmioHandler } from '../bus/bus';
import { barAddressUsable, decodeBar, type BarSpec } from './bars';
import { decodeBridgeWindows } from './header';
import { COMMAND_IO, COMMAND_MEMORY, REG_COMMAND } from './regs';
import type { PciDeviceNode, PciTree } from './tree';

export interface LiveBar {
  name: string;
  space: 'mem' | 'io';
  base: number;
  sizeBytes: number;
  handler: MmioHandler;
}

/** Where PCI I/O space appears: the x86 port space, or a CPU memory window (virt). */
export type IoPlacement = { kind: 'ports' } | { kind: 'mmio'; cpuBase: number };

function forwardedBy(bridge: PciDeviceNode, space: 'mem' | 'io', base: number, sizeBytes: number): boolean {
  const cmd = bridge.fn.readConfig(REG_COMMAND, 2);
  const w = decodeBridgeWindows((o, s) => bridge.fn.readConfig(o, s));
  const inside = (r: { base: number; limit: number }) => r.base <= r.limit && base >= r.base && base + sizeBytes - 1 <= r.limit;
  if (space === 'io') return (cmd & COMMAND_IO) !== 0 && inside(w.io);
  return (cmd & COMMAND_MEMORY) !== 0 && (inside(w.memory) || inside(w.prefetchable));
}

function liveAddress(node: PciDeviceNode, bar: BarSpec): number | undefined {
  const cmd = node.fn.readConfig(REG_COMMAND, 2);
  const space = bar.kind === 'io' ? 'io' : 'mem';
  if (!(cmd & (space === 'io' ? COMMAND_IO : COMMAND_MEMORY))) return undefined;
  const d = decodeBar((o, s) => node.fn.readConfig(o, s), bar.index);
  if (!barAddressUsable(bar.kind, d.address, bar.sizeBytes)) return undefined;
  for (let up = node.parent.bridge, depth = 0; up && depth < 256; up = up.parent.bridge, depth++) {
    if (!forwardedBy(up, space, d.address, bar.sizeBytes)) return undefined;
  }
  return d.address;
}

export function liveBars(tree: PciTree): LiveBar[] {
  const out: LiveBar[] = [];
  for (const node of tree.allDevices()) {
    for (const bar of node.fn.bars) {
      const base = liveAddress(node, bar);
      if (base === undefined) continue;
      out.push({ name: `pci:${node.uid}:bar${bar.index}`, space: bar.kind === 'io' ? 'io' : 'mem', base, sizeBytes: bar.sizeBytes, handler: bar.handler });
    }
  }
  return out;
}

/** Keeps the Bus's regions equal to liveBars(); a BAR that collides with RAM or another region stays unmapped and is reported. */
export class BarDecoder {
  private mapped = new Map<string, LiveBar>();
  conflicts: string[] = [];

  constructor(private readonly bus: Bus, private readonly tree: PciTree, private readonly io: IoPlacement) {}

  refresh(): void {
    const want = new Map(liveBars(this.tree).map((b) => [b.name, b]));
    for (const [name, cur] of this.mapped) {
      const next = want.get(name);
      if (next && next.base === cur.base && next.space === cur.space) continue;
      this.unmap(cur);
      this.mapped.delete(name);
    }
    this.conflicts = [];
    for (const [name, bar] of want) {
      if (this.mapped.has(name)) continue;
      try {
        this.map(bar);
        this.mapped.set(name, bar);
      } catch (e) {
        this.conflicts.push(`${name} at 0x${bar.base.toString(16)}: ${(e as Error).message}`);
      }
    }
  }

  current(): LiveBar[] {
    return [...this.mapped.values()];
  }

  private map(b: LiveBar): void {
    if (b.space === 'mem') this.bus.mapMmio(b.name, b.base, b.sizeBytes, b.handler);
    else if (this.io.kind === 'ports') this.bus.mapIo(b.name, b.base, b.sizeBytes, b.handler);
    else this.bus.mapMmio(b.name, this.io.cpuBase + b.base, b.sizeBytes, b.handler);
  }

  private unmap(b: LiveBar): void {
    if (b.space === 'io' && this.io.kind === 'ports') this.bus.unmapIo(b.name);
    else this.bus.unmapMmio(b.name);
  }
}
