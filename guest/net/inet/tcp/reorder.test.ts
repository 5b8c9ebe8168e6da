import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ReorderBuffer } from './reorder';
import { seqAdd } from './seq';

describe('ReorderBuffer', () => {
  it('rebuilds a stream from overlapping, duplicated segments in any order (across the 2^32 wrap)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(fc.tuple(fc.nat(199), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 40 }), (base, cuts) => {
        const stream = Uint8Array.from({ length: 200 }, (_, i) => i);
        const b = new ReorderBuffer();
        // Every byte is covered at least once: the cuts plus a final full copy, shuffled by the cut list.
        const segs = [...cuts.map(([off, len]) => [off, Math.min(200 - off, len)] as const), [0, 200] as const];
        let next = base;
        let out: number[] = [];
        for (const [off, len] of segs) {
          const seq = seqAdd(base, off);
          if (off + len <= ((next - base) >>> 0)) continue;
          b.add(seq, stream.subarray(off, off + len), off + len === 200);
          const t = b.takeFrom(next);
          for (const d of t.data) out = out.concat([...d]);
          next = t.next;
          if (t.fin) expect(out.length).toBe(200);
        }
        expect(out).toEqual([...stream]);
        expect(b.heldBytes).toBe(0);
      }),
    );
  });

  it('keeps held bytes exact and remembers an early FIN', () => {
    const b = new ReorderBuffer();
    b.add(110, new Uint8Array(10), true);
    b.add(105, new Uint8Array(10), false);
    expect(b.heldBytes).toBe(15);
    const t = b.takeFrom(100);
    expect([t.data.length, t.fin, t.next]).toEqual([0, false, 100]);
    b.add(100, new Uint8Array(5), false);
    const u = b.takeFrom(100);
    expect([u.data.reduce((n, d) => n + d.length, 0), u.fin, u.next]).toEqual([20, true, 120]);
  });
});
