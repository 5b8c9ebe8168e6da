import { describe, expect, it } from 'vitest';
import { compare, formatTable, toBaseline, type BenchFigure } from './harness';

const figs: BenchFigure[] = [
  { name: 'events', value: 800, unit: 'ops/s', better: 'higher' },
  { name: 'boot', value: 130, unit: 'ms', better: 'lower' },
  { name: 'new', value: 1, unit: 'ops/s', better: 'higher' },
];

describe('bench comparison', () => {
  it('flags figures worse than the baseline by more than the threshold, in the right direction', () => {
    const base = toBaseline([
      { name: 'events', value: 1000, unit: 'ops/s', better: 'higher' },
      { name: 'boot', value: 100, unit: 'ms', better: 'lower' },
    ], 0.25);
    const c = compare(figs, base);
    expect(c.map((x) => [x.name, x.regressed])).toEqual([
      ['events', false],
      ['boot', true],
    ]);
    expect(c[0].change).toBeCloseTo(-0.2);
    expect(c[1].change).toBeCloseTo(-0.3);
    expect(compare(figs, base, 0.1)[0].regressed).toBe(true);
  });

  it('prints a table with every figure and the regressions marked', () => {
    const base = toBaseline([{ name: 'boot', value: 100, unit: 'ms', better: 'lower' }], 0.25);
    const t = formatTable(figs, compare(figs, base));
    expect(t).toMatch(/boot\s+130\.0 ms\s+-30\.0%\s+REGRESSION/);
    expect(t.split('\n')).toHaveLength(5);
  });
});
