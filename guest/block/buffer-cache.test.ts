import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryBlockDevice, type BlockDevice } from './block-device';
import { BufferCache } from './buffer-cache';

/** Counts the requests that reach the disk. */
class CountingDisk implements BlockDevice {
  reads = 0;
  writes: Array<[number, number]> = [];
  syncs = 0;
  constructor(readonly inner: MemoryBlockDevice) {}
  get sizeBytes(): number {
    return this.inner.sizeBytes;
  }
  read(o: number, out: Uint8Array): number {
    this.reads++;
    return this.inner.read(o, out);
  }
  write(o: number, d: Uint8Array): number {
    this.writes.push([o, d.length]);
    return this.inner.write(o, d);
  }
  sync(): number {
    this.syncs++;
    return 0;
  }
}

describe('BufferCache', () => {
  it('holds writes until sync, then writes contiguous dirty pages as one request in disk order', () => {
    const disk = new CountingDisk(new MemoryBlockDevice(1 << 20));
    const c = new BufferCache(disk);
    expect(c.write(8192, new Uint8Array(4096).fill(2))).toBe(0);
    expect(c.write(4096, new Uint8Array(4096).fill(1))).toBe(0);
    expect(c.write(40960 + 100, new Uint8Array([9]))).toBe(0);
    expect(disk.writes).toEqual([]);
    expect(c.dirtyPages).toBe(3);
    expect(c.sync()).toBe(0);
    expect(disk.writes).toEqual([[4096, 8192], [40960, 4096]]);
    expect(disk.syncs).toBe(1);
    expect(disk.inner.bytes[40960 + 100]).toBe(9);
    expect(c.dirtyPages).toBe(0);
  });

  it('reads ahead on a miss, so a sequential read is a few large requests', () => {
    const disk = new CountingDisk(new MemoryBlockDevice(1 << 20));
    const c = new BufferCache(disk);
    const out = new Uint8Array(1024);
    for (let o = 0; o < 1 << 20; o += 1024) expect(c.read(o, out)).toBe(0);
    expect(disk.reads).toBe((1 << 20) / (32 * 4096));
  });

  it('is transparent: any mix of reads, writes, syncs and evictions matches a plain disk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom('r', 'w', 's'), off: fc.nat(64 * 1024 - 1), len: fc.integer({ min: 1, max: 9000 }), v: fc.nat(255) }), { maxLength: 60 }),
        (ops) => {
          const size = 64 * 1024;
          const model = new Uint8Array(size);
          const disk = new MemoryBlockDevice(size);
          const c = new BufferCache(disk, 4);
          for (const o of ops) {
            const len = Math.min(o.len, size - o.off);
            if (o.op === 'w') {
              const d = new Uint8Array(len).fill(o.v);
              expect(c.write(o.off, d)).toBe(0);
              model.set(d, o.off);
            } else if (o.op === 'r') {
              const out = new Uint8Array(len);
              expect(c.read(o.off, out)).toBe(0);
              expect(Buffer.from(out).equals(model.subarray(o.off, o.off + len))).toBe(true);
            } else expect(c.sync()).toBe(0);
          }
          expect(c.sync()).toBe(0);
          expect(Buffer.from(disk.bytes).equals(model)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses ranges past the end with -EIO', () => {
    const c = new BufferCache(new MemoryBlockDevice(8192));
    expect(c.read(8000, new Uint8Array(512))).toBe(-5);
    expect(c.write(-1, new Uint8Array(1))).toBe(-5);
  });
});
