import { describe, expect, it } from 'vitest';
import { benchConfigReads, benchSmmuGroups } from './bench';

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

describe('benchSmmuGroups', () => {
  it('forms the same groups each time and reports a rate from the clock it is given', () => {
    let t = 0;
    const r = benchSmmuGroups(100, () => (t += 2));
    // The bridge with its first device, the root port's subtree, the switch's subtree; the second device behind the bridge is refused.
    expect(r.groups).toBe(3);
    expect(r.formationsPerSecond).toBeCloseTo(100 / 2 * 1000);
  });
});
