import { describe, expect, it } from 'vitest';
import { IoApic } from './ioapic';

function program(io: IoApic, pin: number, low: number): void {
  io.ioapic.write(0x00, 4, 0x10 + 2 * pin);
  io.ioapic.write(0x10, 4, low);
}

describe('IOAPIC + local APIC', () => {
  it('reports 24 pins in the version register', () => {
    const io = new IoApic();
    io.ioapic.write(0x00, 4, 1);
    expect(io.ioapic.read(0x10, 4)).toBe((23 << 16) | 0x20);
  });

  it('routes an unmasked edge pin to its vector; EOI completes it', () => {
    const io = new IoApic();
    io.lapic.write(0xf0, 4, 0x1ff);
    const com1 = io.line(4);
    com1.set(true);
    expect(io.irqAsserted).toBe(false); // masked at reset
    com1.set(false);
    program(io, 4, 0x24);
    com1.set(true);
    expect(io.acknowledge()).toBe(0x24);
    expect(io.irqAsserted).toBe(false);
    io.lapic.write(0xb0, 4, 0);
  });

  it('re-delivers a level pin that is still high after EOI (remote IRR)', () => {
    const io = new IoApic();
    io.lapic.write(0xf0, 4, 0x1ff);
    program(io, 16, 0x8000 | 0x30);
    const intx = io.line(16);
    intx.set(true);
    expect(io.acknowledge()).toBe(0x30);
    io.ioapic.write(0x00, 4, 0x10 + 2 * 16);
    expect(io.ioapic.read(0x10, 4) & (1 << 14)).not.toBe(0);
    io.lapic.write(0xb0, 4, 0);
    expect(io.acknowledge()).toBe(0x30);
    intx.set(false);
    io.lapic.write(0xb0, 4, 0);
    expect(io.acknowledge()).toBeUndefined();
  });

  it('accepts MSI messages and serves the highest vector first', () => {
    const io = new IoApic();
    io.lapic.write(0xf0, 4, 0x1ff);
    io.msi(0xfee00000, 0x41);
    io.msi(0xfee00000, 0x61);
    expect(io.acknowledge()).toBe(0x61);
    expect(io.acknowledge()).toBe(0x41);
  });
});
