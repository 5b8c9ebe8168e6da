import { describe, it, expect } from 'vitest';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import { FrameAllocator } from './frames';
import { AddressSpace, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE, PROT_READ, PROT_WRITE } from './address-space';
import { EEXIST, EINVAL } from '../errno';

function space(): { mm: AddressSpace; frames: FrameAllocator } {
  const frames = new FrameAllocator(new GuestRam(0x4000_0000, 64 * 1024 * 1024));
  return { mm: new AddressSpace(frames), frames };
}

const RW = PROT_READ | PROT_WRITE, ANON = MAP_PRIVATE | MAP_ANONYMOUS;

describe('address space', () => {
  it('maps anonymous memory lazily, zeroed, and frees it on munmap', () => {
    const { mm, frames } = space();
    const a = mm.mmap(0, 3 * 4096, RW, ANON);
    expect(a % 4096).toBe(0);
    expect(frames.used).toBe(0);
    expect(mm.read(a + 100, 4)).toEqual(new Uint8Array(4));
    expect(mm.write(a + 4090, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(true);
    expect(mm.read(a + 4090, 8)).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(mm.unmap(a, 3 * 4096)).toBe(0);
    expect(frames.used).toBe(0);
    expect(mm.read(a, 1)).toBeUndefined();
  });

  it('enforces protection; a faulting write changes nothing', () => {
    const { mm } = space();
    const a = mm.mmap(0, 2 * 4096, RW, ANON);
    mm.write(a, new Uint8Array([9]));
    expect(mm.mprotect(a + 4096, 4096, PROT_READ)).toBe(0);
    expect(mm.areas).toHaveLength(2);
    expect(mm.write(a + 4095, new Uint8Array([1, 2]))).toBe(false);
    expect(mm.read(a + 4095, 1)).toEqual(new Uint8Array([0]));
    expect(mm.pageFor(a, 'x')).toBeUndefined();
    expect(mm.mprotect(a + 1, 4096, PROT_READ)).toBe(-EINVAL);
  });

  it('MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses', () => {
    const { mm } = space();
    const a = mm.mmap(0x10000000, 4096, RW, ANON | MAP_FIXED);
    expect(a).toBe(0x10000000);
    mm.write(a, new Uint8Array([5]));
    expect(mm.mmap(a, 4096, RW, ANON | MAP_FIXED_NOREPLACE)).toBe(-EEXIST);
    expect(mm.mmap(a, 4096, RW, ANON | MAP_FIXED)).toBe(a);
    expect(mm.read(a, 1)).toEqual(new Uint8Array([0]));
  });

  it('brk grows and shrinks the heap', () => {
    const { mm } = space();
    const start = mm.brk(0);
    expect(mm.brk(start + 10000)).toBe(start + 10000);
    expect(mm.write(start + 9999, new Uint8Array([1]))).toBe(true);
    expect(mm.brk(start + 10)).toBe(start + 10);
    expect(mm.write(start + 9999, new Uint8Array([1]))).toBe(false);
    expect(mm.brk(start - 1)).toBe(start + 10);
  });

  it('clone copies pages privately', () => {
    const { mm } = space();
    const a = mm.mmap(0, 4096, RW, ANON);
    mm.write(a, new Uint8Array([1]));
    const c = mm.clone()!;
    c.write(a, new Uint8Array([2]));
    expect(mm.read(a, 1)![0]).toBe(1);
    expect(c.read(a, 1)![0]).toBe(2);
  });

  it('reads C strings and rejects bad addresses', () => {
    const { mm } = space();
    const a = mm.mmap(0, 4096, RW, ANON);
    mm.write(a, new TextEncoder().encode('hey\0'));
    expect(mm.readCString(a)).toBe('hey');
    expect(mm.readCString(a + 4096)).toBeUndefined();
    expect(mm.read(-5, 1)).toBeUndefined();
    expect(mm.read(2 ** 60, 1)).toBeUndefined();
  });
});

describe('mremap', () => {
  it('shrinks, grows in place and moves with the data', () => {
    const { mm } = space();
    const a = mm.mmap(0, 4096, RW, ANON);
    mm.write(a, new Uint8Array([42]));
    mm.mmap(a + 4096, 4096, RW, ANON | MAP_FIXED);
    expect(mm.remap(a, 4096, 8192, false)).toBe(-12);
    const b = mm.remap(a, 4096, 3 * 4096, true);
    expect(b).not.toBe(a);
    expect(mm.read(b, 1)![0]).toBe(42);
    expect(mm.read(a, 1)).toBeUndefined();
    expect(mm.remap(b, 3 * 4096, 4096, false)).toBe(b);
    expect(mm.read(b + 4096, 1)).toBeUndefined();
  });
});
