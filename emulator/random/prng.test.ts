import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

describe('Prng (xoshiro128**)', () => {
  it('is a pure function of the seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(xs);
    expect(new Prng(43).nextU32()).not.toBe(xs[0]);
  });

  it('forks depend only on the parent seed and the name, not on parent use', () => {
    const a = new Prng(7);
    const fresh = a.fork('uart').nextU32();
    a.nextU32();
    a.nextU32();
    expect(a.fork('uart').nextU32()).toBe(fresh);
    expect(a.fork('net').nextU32()).not.toBe(fresh);
  });

  it('save and restore continue the same stream', () => {
    const a = new Prng(99);
    a.nextU32();
    const saved = a.save();
    const next = [a.nextU32(), a.nextU32()];
    const b = Prng.restore(saved);
    expect([b.nextU32(), b.nextU32()]).toEqual(next);
  });

  it('nextInt stays in range and covers it roughly uniformly', () => {
    const p = new Prng(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[p.nextInt(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('fills byte arrays of any length', () => {
    const bytes = new Uint8Array(7);
    new Prng(3).fill(bytes);
    expect(bytes.some((b) => b !== 0)).toBe(true);
  });
});
