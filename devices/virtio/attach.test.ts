import { describe, expect, it } from 'vitest';
import { Bus } from '../../emulator/bus/bus';
import { GuestRam } from '../../emulator/memory/guest-ram';
import { attachVirtioMmio } from './attach';
import { MemoryBackend } from './blk/backend';
import { VirtioBlk } from './blk/device';
import { MMIO_MAGIC, REG } from './mmio';

describe('attaching virtio-mmio devices on virt', () => {
  it('puts device n at 0x0a000000 + 0x200 n with interrupt SPI 16 + n', () => {
    const bus = new Bus(new GuestRam(0x4000_0000, 1 << 20));
    const slots = { base: 0x0a00_0000, count: 32, strideBytes: 0x200, irqBase: 32 + 16 };
    const seen: number[] = [];
    const a = attachVirtioMmio(bus, slots, 0, new VirtioBlk(new MemoryBackend(4096)), (id) => { seen.push(id); return { set: () => {} }; });
    const b = attachVirtioMmio(bus, slots, 1, new VirtioBlk(new MemoryBackend(4096)), (id) => { seen.push(id); return { set: () => {} }; });
    expect([a.base, b.base]).toEqual([0x0a00_0000, 0x0a00_0200]);
    expect(seen).toEqual([48, 49]);
    expect(bus.read(0x0a00_0200 + REG.MagicValue, 4)).toBe(MMIO_MAGIC);
    expect(() => attachVirtioMmio(bus, slots, 32, new VirtioBlk(new MemoryBackend(4096)), () => ({ set: () => {} }))).toThrow(/slot/);
  });
});
