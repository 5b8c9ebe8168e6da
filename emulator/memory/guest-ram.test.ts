import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GuestRam, PAGE_SIZE } from './guest-ram';

describe('GuestRam', () => {
  it('is little-endian at every width, across page boundaries', () => {
    const ram = new GuestRam(0x4000_0000, 4 * PAGE_SIZE);
    const a = 0x4000_0000 + PAGE_SIZE - 2;
    ram.write32(a, 0x11223344);
    expect(ram.read8(a)).toBe(0x44);
    expect(ram.read16(a + 2)).toBe(0x1122);
    expect(ram.read32(a)).toBe(0x11223344);
    ram.write64(a, 0x0102030405060708n);
    expect(ram.read64(a)).toBe(0x0102030405060708n);
    expect(ram.read8(a + 7)).toBe(0x01);
  });

  it('allocates pages only when written', () => {
    const ram = new GuestRam(0, 1 << 30);
    expect(ram.read32(12345678)).toBe(0);
    expect(ram.residentPages).toBe(0);
    ram.write8(12345678, 1);
    expect(ram.residentPages).toBe(1);
  });

  it('byte copies round-trip at any offset (property)', () => {
    fc.assert(
      fc.property(fc.nat(3 * PAGE_SIZE), fc.uint8Array({ maxLength: 2 * PAGE_SIZE }), (off, data) => {
        const ram = new GuestRam(0, 6 * PAGE_SIZE);
        ram.writeBytes(off, data);
        expect(ram.readBytes(off, data.length)).toEqual(data);
      }),
    );
  });

  it('snapshots pages and restores them', () => {
    const ram = new GuestRam(0, 4 * PAGE_SIZE);
    ram.write32(PAGE_SIZE * 2 + 8, 0xdeadbeef);
    const pages = ram.savePages();
    const other = new GuestRam(0, 4 * PAGE_SIZE);
    other.restorePages(pages);
    expect(other.read32(PAGE_SIZE * 2 + 8)).toBe(0xdeadbeef);
  });
});
