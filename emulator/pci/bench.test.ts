import { describe, expect, it } from 'vitest';
import { benchConfigReads } from './bench';

describe('benchConfigReads', () => {
  it('reads deterministically and reports a rate from the clock it is given', () => {
    let t = 0;
    const clock = () => (t += 5);
    const a = benchConfigReads(10_000, clock);
    const b = benchConfigReads(10_000, () => 0);
    expect(a.checksum).toBe(b.checksum);
    expect(a.readsPerSecond).toBeCloseTo(10_000 / 5 * 1000);
  });
});
