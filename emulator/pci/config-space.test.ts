import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigSpace } from './config-space';
import { bytesReader, listCapabilities, listExtCapabilities } from './capabilities';
import { REG_CAP_PTR, REG_STATUS, STATUS_CAP_LIST } from './regs';

describe('ConfigSpace', () => {
  it('applies read-only, read/write and write-1-to-clear masks per byte', () => {
    const cs = new ConfigSpace(256);
    cs.set16(0x40, 0xabcd);
    cs.setWmask(0x40, 2, 0x00f0);
    cs.set16(0x42, 0xff00);
    cs.setW1cmask(0x42, 2, 0xff00);
    cs.write(0x40, 4, 0xffffffff);
    expect(cs.read(0x40, 2)).toBe(0xabfd); // only bits 7:4 changed
    expect(cs.read(0x42, 2)).toBe(0x0000); // RW1C cleared
    cs.set16(0x42, 0xff00);
    cs.write(0x42, 2, 0x0f00);
    expect(cs.read(0x42, 2)).toBe(0xf000);
  });

  it('a conventional function does not decode past 256 bytes; out-of-range writes are dropped', () => {
    const cs = new ConfigSpace(256);
    expect(cs.read(0x100, 4)).toBe(0xffffffff);
    expect(cs.read(0xfe, 4)).toBe(0xffffffff);
    cs.write(0x100, 4, 1);
    cs.write(-4, 4, 1);
    expect(new ConfigSpace(4096).read(0xffc, 4)).toBe(0);
  });

  it('links capabilities at the head of the list (QEMU order) and sets the status bit', () => {
    const cs = new ConfigSpace(256);
    cs.addCapability(0x05, 0x40, 10);
    cs.addCapability(0x10, 0x60, 0x3c);
    expect(cs.get16(REG_STATUS) & STATUS_CAP_LIST).toBe(STATUS_CAP_LIST);
    expect(cs.get8(REG_CAP_PTR)).toBe(0x60);
    expect(listCapabilities(bytesReader(cs.bytes))).toEqual([{ id: 0x10, offset: 0x60 }, { id: 0x05, offset: 0x40 }]);
    expect(() => cs.addCapability(0x01, 0x44, 8)).toThrow(/overlaps/);
  });

  it('chains extended capabilities from 0x100 in the order added', () => {
    const cs = new ConfigSpace(4096);
    cs.addExtCapability(0x0001, 2, 0x100, 0x48);
    cs.addExtCapability(0x000d, 1, 0x148, 8);
    expect(cs.get32(0x100)).toBe(0x14820001);
    expect(listExtCapabilities(bytesReader(cs.bytes))).toEqual([
      { id: 1, version: 2, offset: 0x100 }, { id: 0xd, version: 1, offset: 0x148 },
    ]);
  });

  it('walks of a looping or garbage list end (bounded like Linux)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 4096, maxLength: 4096 }), (bytes) => {
      expect(listCapabilities(bytesReader(bytes)).length).toBeLessThanOrEqual(48);
      expect(listExtCapabilities(bytesReader(bytes)).length).toBeLessThanOrEqual(480);
    }), { numRuns: 200 });
    const loop = new Uint8Array(256);
    loop[REG_STATUS] = STATUS_CAP_LIST;
    loop[REG_CAP_PTR] = 0x40;
    loop[0x40] = 0x05;
    loop[0x41] = 0x40;
    expect(listCapabilities(bytesReader(loop))).toHaveLength(48);
  });

  it('guest writes never change read-only bytes (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4092 }), fc.constantFrom(1, 2, 4), fc.nat(), (off, size, value) => {
      const cs = new ConfigSpace(4096);
      cs.set32(off & ~3, 0x12345678);
      cs.write(off, size as 1 | 2 | 4, value);
      expect(cs.get32(off & ~3)).toBe(0x12345678);
    }), { numRuns: 300 });
  });
});
