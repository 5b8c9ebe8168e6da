import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bus } from '../bus/bus';
import type { IrqLine } from '../bus/irq';
import type { DeviceSpec } from '../machine/description/types';
import { Q35_LAYOUT, VIRT_LAYOUT } from '../machine/layout';
import { GuestRam } from '../memory/guest-ram';
import { ecamOffset } from './ecam';
import { createPciHost, type PciHost } from './host';
import { bootVgaDevice } from './linux-scan';
import { devfn } from './regs';

const d = (driver: string, extra: Partial<DeviceSpec> = {}, props: Record<string, string> = {}): DeviceSpec => ({ driver, props, ...extra });

const DUAL_DISPLAY: DeviceSpec[] = [
  d('e1000e', { implicit: true }), d('intel-iommu'), d('VGA'),
  d('pcie-root-port', { id: 'rp1' }, { slot: '1' }),
  d('virtio-gpu-pci', { id: 'gpu', bus: 'rp1', addr: '0.0', multifunction: true }),
  d('ich9-intel-hda', { bus: 'rp1', addr: '0.1' }),
  d('pcie-root-port', { id: 'rp2' }, { slot: '2' }),
  d('pcie-pci-bridge', { id: 'br1', bus: 'rp2' }),
  d('e1000', { id: 'nic1', bus: 'br1', addr: '1' }), d('e1000', { bus: 'br1', addr: '2' }),
];

/** Functions of DUAL_DISPLAY after firmware numbering, plus one absent. */
const PRESENT: Array<[number, number, number]> = [
  [0, 0, 0], [0, 1, 0], [0, 2, 0], [0, 3, 0], [0, 4, 0], [0, 0x1f, 0], [0, 0x1f, 2], [1, 0, 0], [1, 0, 1], [2, 0, 0], [3, 1, 0], [3, 2, 0], [0, 9, 0],
];

interface Rig { host: PciHost; bus: Bus; levels: Map<number, boolean> }

function rig(devices = DUAL_DISPLAY, machine: 'q35' | 'virt' = 'q35'): Rig {
  const layout = machine === 'q35' ? Q35_LAYOUT : VIRT_LAYOUT;
  const bus = new Bus(new GuestRam(layout.ramBase, 64 * 1024 * 1024));
  const levels = new Map<number, boolean>();
  const irqLine = (n: number): IrqLine => ({ set: (level) => levels.set(n, level) });
  const r = createPciHost({ machine, layout, bus, devices, irqLine });
  if (!r.ok) throw new Error(r.error);
  return { host: r.host, bus, levels };
}

const ecam = (b: number, dev: number, fn: number, reg: number) => Q35_LAYOUT.ecam.base + ecamOffset(b, devfn(dev, fn), reg);

describe('PciHost on q35', () => {
  it('answers configuration reads through ECAM; absent functions read all ones', () => {
    const { bus } = rig();
    expect(bus.read(ecam(0, 0, 0, 0), 4)).toBe(0x29c08086);
    expect(bus.read(ecam(1, 0, 0, 0), 4)).toBe(0x10501af4);
    expect(bus.read(ecam(1, 0, 1, 0), 2)).toBe(0x8086);
    expect(bus.read(ecam(0, 5, 0, 0), 4)).toBe(0xffffffff);
    expect(bus.read(ecam(1, 1, 0, 0), 4)).toBe(0xffffffff); // a root port's link has only device 0
    expect(bus.read(ecam(9, 0, 0, 0), 4)).toBe(0xffffffff); // no bridge claims bus 9
    expect(bus.read(ecam(3, 1, 0, 0x0a), 2)).toBe(0x0200); // e1000 class behind the PCIe-to-PCI bridge
  });

  it('and through ports 0xCF8/0xCFC (configuration mechanism #1)', () => {
    const { bus } = rig();
    const address = (0x8000_0000 | (1 << 16) | (devfn(0, 1) << 8)) >>> 0;
    bus.outPort(0xcf8, 4, address);
    expect(bus.inPort(0xcf8, 4)).toBe(address);
    expect(bus.inPort(0xcfc, 4)).toBe(0x293e8086);
    expect(bus.inPort(0xcfe, 2)).toBe(0x293e);
    bus.outPort(0xcf8, 4, 0x0000_0000);
    expect(bus.inPort(0xcfc, 4)).toBe(0xffffffff); // enable bit clear
  });

  it('firmware numbered the buses and sized BARs as the spec says (write all ones, read the mask)', () => {
    const { bus } = rig();
    expect(bus.read(ecam(0, 4, 0, 0x18), 4) & 0xffffff).toBe(0x030200); // primary 0, secondary 2, subordinate 3
    const bar0 = ecam(3, 1, 0, 0x10);
    const saved = bus.read(bar0, 4);
    bus.write(ecam(3, 1, 0, 0x04), 2, 0); // decoding off while sizing, as Linux does
    bus.write(bar0, 4, 0xffffffff);
    expect(bus.read(bar0, 4)).toBe(0xfffe0000); // 128 KiB, 32-bit memory
    bus.write(bar0 + 4, 4, 0xffffffff);
    expect(bus.read(bar0 + 4, 4)).toBe(0xffffffc1); // 64-byte I/O BAR
    bus.write(bar0, 4, saved);
    const bridgeBar = ecam(2, 0, 0, 0x10);
    bus.write(bridgeBar, 4, 0xffffffff);
    bus.write(bridgeBar + 4, 4, 0xffffffff);
    expect([bus.read(bridgeBar, 4), bus.read(bridgeBar + 4, 4)]).toEqual([0xffffff04, 0xffffffff]); // 256 B, 64-bit
  });

  it('maps a BAR on the bus only while memory decoding is on, along the whole bridge path', () => {
    const { host, bus } = rig();
    const gpu = host.find('gpu');
    const bar4 = host.liveBars().find((b) => gpu && b.name === `pci:${gpu.uid}:bar4`);
    expect(bar4).toBeDefined();
    const addr = bar4?.base ?? 0;
    const faults = bus.faults;
    bus.read(addr, 4);
    expect(bus.faults).toBe(faults);
    bus.write(ecam(0, 3, 0, 0x04), 2, 0); // root port rp1: memory decode off
    bus.read(addr, 4);
    expect(bus.faults).toBe(faults + 1);
    bus.write(ecam(0, 3, 0, 0x04), 2, 0x7);
    bus.read(addr, 4);
    expect(bus.faults).toBe(faults + 1);
    bus.write(ecam(1, 0, 0, 0x04), 2, 0x4); // the GPU itself
    expect(host.liveBars().some((b) => b.base === addr)).toBe(false);
  });

  it('moving a BAR moves the mapping; a BAR over RAM stays unmapped and is reported', () => {
    const { host, bus } = rig();
    const nic = host.find('nic1');
    const name = `pci:${nic?.uid}:bar0`;
    const before = host.liveBars().find((b) => b.name === name)?.base;
    expect(before).toBeDefined();
    const bridgeMemBase = (bus.read(ecam(2, 0, 0, 0x20), 2) & 0xfff0) * 0x10000;
    bus.write(ecam(3, 1, 0, 0x10), 4, bridgeMemBase + 0x40000);
    expect(host.liveBars().find((b) => b.name === name)?.base).toBe(bridgeMemBase + 0x40000);
    bus.write(ecam(0, 1, 0, 0x10), 4, 0x20000); // e1000e BAR0 (128 KiB) into RAM
    expect(host.barConflicts().join()).toMatch(/overlaps RAM/);
  });

  it('routes INTx through the swizzle to a shared level line; INTx Disable masks it', () => {
    const { host, levels, bus } = rig();
    const e1000e = host.devices().find((n) => n.driver === 'e1000e');
    e1000e?.fn.setIntx(true);
    expect(levels.get(Q35_LAYOUT.pciIntx[1])).toBe(true); // slot 1, INTA -> index 1
    expect(bus.read(ecam(0, 1, 0, 0x06), 2) & 0x8).toBe(0x8); // interrupt status
    bus.write(ecam(0, 1, 0, 0x04), 2, 0x0407);
    expect(levels.get(Q35_LAYOUT.pciIntx[1])).toBe(false);
    bus.write(ecam(0, 1, 0, 0x04), 2, 0x0007);
    expect(levels.get(Q35_LAYOUT.pciIntx[1])).toBe(true);
    e1000e?.fn.setIntx(false);
    expect(levels.get(Q35_LAYOUT.pciIntx[1])).toBe(false);
  });

  it('delivers MSI-X as a memory write once the guest programs and unmasks the vector', () => {
    const { host, bus } = rig();
    const writes: Array<[number, number]> = [];
    bus.mapMmio('msi-catcher', 0xfee0_0000, 0x1000, { read: () => 0, write: (off, _s, v) => writes.push([off, v]) });
    const gpu = host.find('gpu');
    const table = host.liveBars().find((b) => gpu && b.name === `pci:${gpu.uid}:bar1`)?.base ?? 0;
    bus.write(table + 16, 4, 0xfee0_0010); // vector 1: address
    bus.write(table + 24, 4, 0x41); // data
    const capAt = 0xdc;
    bus.write(ecam(1, 0, 0, capAt + 2), 2, 0x8000); // MSI-X enable
    bus.write(ecam(1, 0, 0, 0x04), 2, 0x0006); // memory + bus master
    expect(gpu?.fn.signalMsi(1)).toBe(true);
    expect(writes).toEqual([]); // still masked: pending
    expect(bus.read(table + 0x800, 4)).toBe(0b10);
    bus.write(table + 28, 4, 0); // unmask -> the pending message goes out
    expect(writes).toEqual([[0x10, 0x41]]);
    expect(bus.read(table + 0x800, 4)).toBe(0);
  });

  it('IOMMU groups and the sysfs class/vendor/device/boot_vga listing match the real-Linux capture', () => {
    const { host } = rig();
    const text = readFileSync(new URL('../../../shared/reference/q35-dual-display.linux.txt', import.meta.url), 'utf8').split('\n');
    const section = (n: number) => text.slice(text.indexOf(`===CMD ${n}`) + 1, text.indexOf('===RC 0', text.indexOf(`===CMD ${n}`)));
    expect(host.iommuGroups().map((g) => 'G ' + g.devices.map((x) => x.bdf).sort().join(' ')).sort()).toEqual(section(1));
    const devs = host.linuxDevices(true);
    const vga = bootVgaDevice(devs, host.access);
    const hex = (n: number, w: number) => '0x' + n.toString(16).padStart(w, '0');
    const listing = [...devs].sort((a, b) => a.bdf.localeCompare(b.bdf)).map((x) => {
      const bootVga = x.classCode >>> 8 === 0x0300 ? ` ${x === vga ? 1 : 0}` : '';
      return `${x.bdf} ${hex(x.classCode, 6)} ${hex(x.vendorId, 4)} ${hex(x.deviceId, 4)}${bootVga}`;
    });
    expect(listing).toEqual(section(2));
  });

  it('snapshot and restore bring configuration space, MSI-X tables and decoding back', () => {
    const { host, bus } = rig();
    const gpu = host.find('gpu');
    const table = host.liveBars().find((b) => gpu && b.name === `pci:${gpu.uid}:bar1`)?.base ?? 0;
    bus.write(table, 4, 0xfee0_0000);
    const snap = host.snapshot();
    bus.write(table, 4, 0x1234);
    const live = host.liveBars().length;
    bus.write(ecam(0, 2, 0, 0x04), 2, 0);
    expect(host.liveBars().length).toBeLessThan(live);
    host.restore(snap);
    expect(host.liveBars().length).toBe(live);
    expect(bus.read(table, 4)).toBe(0xfee0_0000);
    expect(bus.read(ecam(0, 4, 0, 0x18), 4) & 0xffffff).toBe(0x030200);
  });

  it('random guest configuration and BAR traffic never throws and leaves a consistent machine (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom(...PRESENT), fc.nat(0xfff), fc.constantFrom(1, 2, 4), fc.nat(0xffffffff), fc.boolean()), { maxLength: 300 }),
      (ops) => {
        const { host, bus } = rig();
        for (const [[b, dev, fn], reg, size, value, write] of ops) {
          const addr = ecam(b, dev, fn, reg);
          if (write) bus.write(addr, size as 1 | 2 | 4, value);
          else bus.read(addr, size as 1 | 2 | 4);
        }
        for (const b of host.liveBars()) bus.write(b.base, 4, 0xffffffff);
        for (const n of host.devices()) n.fn.signalMsi(0);
        expect(host.iommuGroups().length).toBeGreaterThan(0);
      },
    ), { numRuns: 40 });
  });

  it('an MSI to an address nothing decodes is dropped, not a CPU fault', () => {
    const { host, bus } = rig();
    const gpu = host.find('gpu');
    const table = host.liveBars().find((b) => gpu && b.name === `pci:${gpu.uid}:bar1`)?.base ?? 0;
    bus.write(table, 4, 0xdead_0000);
    bus.write(table + 12, 4, 0);
    bus.write(ecam(1, 0, 0, 0xdc + 2), 2, 0x8000);
    bus.write(ecam(1, 0, 0, 0x04), 2, 0x0006);
    const faults = bus.faults;
    gpu?.fn.signalMsi(0);
    expect([bus.faults, host.droppedMsis]).toEqual([faults, 1]);
  });

  it('a bad description is an error value, nothing thrown', () => {
    const bus = new Bus(new GuestRam(0, 4096));
    expect(createPciHost({ machine: 'q35', layout: Q35_LAYOUT, bus, devices: [d('e1000', { bus: 'x' })] })).toEqual({ ok: false, error: "-device e1000: Bus 'x' not found" });
    expect(bus.mmioRegions()).toHaveLength(0);
  });
});

describe('PciHost on virt', () => {
  it('maps ECAM high and I/O BARs into the CPU window at pciIo.base', () => {
    const { host, bus } = rig([d('virtio-net-pci', { id: 'n' })], 'virt');
    expect(bus.read(VIRT_LAYOUT.ecam.base, 4)).toBe(0x00081b36);
    expect(bus.read(VIRT_LAYOUT.ecam.base + ecamOffset(0, devfn(1, 0), 0), 4)).toBe(0x10001af4);
    const io = host.liveBars().find((b) => b.space === 'io');
    expect(bus.mmioRegions().some((r) => io && r.base === VIRT_LAYOUT.pciIo.base + io.base)).toBe(true);
  });
});
