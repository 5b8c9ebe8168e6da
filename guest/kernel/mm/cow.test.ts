import { describe, it, expect, afterEach } from 'vitest';
import fc from 'fast-check';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import { FrameAllocator } from './frames';
import { AddressSpace, MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE, setCopyOnWriteFork } from './address-space';

const RW = PROT_READ | PROT_WRITE, ANON = MAP_PRIVATE | MAP_ANONYMOUS;

function space(): { mm: AddressSpace; frames: FrameAllocator } {
  const frames = new FrameAllocator(new GuestRam(0x4000_0000, 64 * 1024 * 1024));
  return { mm: new AddressSpace(frames), frames };
}

afterEach(() => setCopyOnWriteFork(true));

describe('copy-on-write fork', () => {
  it('shares frames until a write; the writer gets a copy, the other keeps the original', () => {
    const { mm, frames } = space();
    const a = mm.mmap(0, 4 * 4096, RW, ANON);
    for (let p = 0; p < 4; p++) mm.write(a + p * 4096, new Uint8Array([p + 1]));
    expect(frames.used).toBe(4);
    const child = mm.clone()!;
    expect(frames.used).toBe(4);
    expect(child.read(a + 4096, 1)).toEqual(new Uint8Array([2]));
    expect(child.write(a + 4096, new Uint8Array([42]))).toBe(true);
    expect(frames.used).toBe(5);
    expect(child.read(a + 4096, 1)).toEqual(new Uint8Array([42]));
    expect(mm.read(a + 4096, 1)).toEqual(new Uint8Array([2]));
    expect(child.cowCopies).toBe(1);
    // The parent is now the only mapper of the original frame: its write takes it over, no copy.
    expect(mm.write(a + 4096, new Uint8Array([7]))).toBe(true);
    expect(frames.used).toBe(5);
    expect(mm.cowCopies).toBe(0);
  });

  it('frees shared frames only when the last mapper lets go', () => {
    const { mm, frames } = space();
    const a = mm.mmap(0, 2 * 4096, RW, ANON);
    mm.write(a, new Uint8Array(8192).fill(9));
    const child = mm.clone()!;
    const grandchild = child.clone()!;
    mm.release();
    child.release();
    expect(frames.used).toBe(2);
    expect(grandchild.read(a + 5000, 1)).toEqual(new Uint8Array([9]));
    expect(grandchild.write(a + 5000, new Uint8Array([1]))).toBe(true);
    expect(frames.used).toBe(2);
    grandchild.release();
    expect(frames.used).toBe(0);
  });

  it('tells CPUs to drop cached translations at fork and at the copy', () => {
    const { mm } = space();
    const a = mm.mmap(0, 4096, RW, ANON);
    mm.write(a, new Uint8Array([1]));
    const seen: Array<[number, number]> = [];
    mm.onInvalidate = (first, end) => seen.push([first, end]);
    const child = mm.clone()!;
    expect(seen.length).toBe(1);
    expect(seen[0][1] - seen[0][0]).toBeGreaterThan(1);
    mm.write(a, new Uint8Array([2]));
    expect(seen[1]).toEqual([a / 4096, a / 4096 + 1]);
    expect(child.read(a, 1)).toEqual(new Uint8Array([1]));
  });

  it('keeps MAP_SHARED pages shared, not copied on write', () => {
    const { mm } = space();
    const a = mm.mmap(0, 4096, RW, MAP_SHARED | MAP_ANONYMOUS);
    const child = mm.clone()!;
    child.write(a, new Uint8Array([5]));
    expect(mm.read(a, 1)).toEqual(new Uint8Array([5]));
    expect(child.cowCopies).toBe(0);
  });

  it('eager copying (the old fork) gives the same contents with more frames at fork', () => {
    setCopyOnWriteFork(false);
    const { mm, frames } = space();
    const a = mm.mmap(0, 3 * 4096, RW, ANON);
    mm.write(a, new Uint8Array(3 * 4096).fill(3));
    const child = mm.clone()!;
    expect(frames.used).toBe(6);
    expect(child.read(a + 8000, 1)).toEqual(new Uint8Array([3]));
  });

  it('parent and child always read what each wrote last, whatever the order (model check)', () => {
    const op = fc.record({ who: fc.constantFrom(0, 1), page: fc.integer({ min: 0, max: 3 }), value: fc.integer({ min: 0, max: 255 }) });
    fc.assert(fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const { mm, frames } = space();
      const a = mm.mmap(0, 4 * 4096, RW, ANON);
      mm.write(a, new Uint8Array(4 * 4096).fill(0xee));
      const spaces = [mm, mm.clone()!];
      const model = [new Array<number>(4).fill(0xee), new Array<number>(4).fill(0xee)];
      for (const o of ops) {
        spaces[o.who].write(a + o.page * 4096 + 17, new Uint8Array([o.value]));
        model[o.who][o.page] = o.value;
      }
      for (const who of [0, 1]) for (let p = 0; p < 4; p++) expect(spaces[who].read(a + p * 4096 + 17, 1)![0]).toBe(model[who][p]);
      // Never more than one private copy per page and process.
      expect(frames.used).toBeLessThanOrEqual(8);
      spaces.forEach((s) => s.release());
      expect(frames.used).toBe(0);
    }));
  });
});
