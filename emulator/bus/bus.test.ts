import { describe, expect, it } from 'vitest';
import { Bus, type BusFault } from './bus';
import { GuestRam } from '../memory/guest-ram';

function regs() {
  const writes: Array<[number, number, number]> = [];
  return {
    writes,
    handler: {
      read: (offset: number) => 0x1000 + offset,
      write: (offset: number, size: 1 | 2 | 4, value: number) => void writes.push([offset, size, value]),
    },
  };
}

describe('Bus', () => {
  it('routes RAM, MMIO and I/O ports', () => {
    const bus = new Bus(new GuestRam(0x4000_0000, 0x10000));
    const dev = regs();
    bus.mapMmio('dev', 0x0900_0000, 0x1000, dev.handler);
    bus.write(0x4000_0010, 4, 0xcafef00d);
    expect(bus.read(0x4000_0010, 4)).toBe(0xcafef00d);
    expect(bus.read(0x0900_0018, 4)).toBe(0x1018);
    bus.write(0x0900_0000, 1, 0x41);
    expect(dev.writes).toEqual([[0, 1, 0x41]]);
    bus.mapIo('com1', 0x3f8, 8, dev.handler);
    expect(bus.inPort(0x3fd, 1)).toBe(0x1005);
  });

  it('an access to nothing is a reported fault that reads all ones, never an exception', () => {
    const bus = new Bus(new GuestRam(0, 0x1000));
    const seen: BusFault[] = [];
    bus.onFault = (f) => seen.push(f);
    expect(bus.read(0xdead_0000, 4)).toBe(0xffffffff);
    bus.write(0xdead_0000, 2, 1);
    expect(bus.read(0x0ffe, 4)).toBe(0xffffffff); // straddles the end of RAM
    expect(seen.map((f) => f.write)).toEqual([false, true, false]);
    expect(bus.faults).toBe(3);
    expect(bus.inPort(0x80, 1)).toBe(0xff);
  });

  it('splits 64-bit MMIO into two 32-bit cycles, low half first', () => {
    const bus = new Bus(new GuestRam(0, 0x1000));
    const dev = regs();
    bus.mapMmio('dev', 0x10000, 0x100, dev.handler);
    bus.write64(0x10008, 0x1122334455667788n);
    expect(dev.writes).toEqual([
      [8, 4, 0x55667788],
      [12, 4, 0x11223344],
    ]);
  });

  it('refuses overlapping regions (a machine-building bug)', () => {
    const bus = new Bus(new GuestRam(0, 0x1000));
    bus.mapMmio('a', 0x10000, 0x100, regs().handler);
    expect(() => bus.mapMmio('b', 0x100f0, 0x100, regs().handler)).toThrow(/overlaps a/);
    expect(() => bus.mapMmio('c', 0x800, 0x1000, regs().handler)).toThrow(/overlaps RAM/);
  });
});
