import { describe, it, expect } from 'vitest';
import { Prng } from '../../emulator/random/prng';
import { argmax, sampleToken } from './sampler';

const logits = Float32Array.from([1, 5, 3, 5, 0.5, 4]);

describe('sampler', () => {
  it('greedy is argmax, lowest id on ties', () => {
    expect(argmax(logits)).toBe(1);
    expect(sampleToken(logits, { temperature: 0, topK: 0, topP: 1 }, new Prng(1))).toBe(1);
  });
  it('top-k keeps only the k best', () => {
    const prng = new Prng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(sampleToken(logits, { temperature: 1, topK: 3, topP: 1 }, prng));
    expect([...seen].sort()).toEqual([1, 3, 5]);
  });
  it('top-p keeps the smallest set reaching p', () => {
    // softmax: ids 1 and 3 hold ~0.79 together, id 5 brings it past 0.9.
    const prng = new Prng(4);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(sampleToken(logits, { temperature: 1, topK: 0, topP: 0.7 }, prng));
    expect([...seen].sort()).toEqual([1, 3]);
  });
  it('is a pure function of the seed', () => {
    const run = (seed: number): number[] => {
      const p = new Prng(seed);
      return Array.from({ length: 64 }, () => sampleToken(logits, { temperature: 1.5, topK: 0, topP: 1 }, p));
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
    const counts = new Map<number, number>();
    for (const t of run(11)) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(counts.size).toBeGreaterThan(2);
  });
});
