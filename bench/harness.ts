// The benchmark harness behind `twinbox bench`. Each figure is a BenchCase: either a hot loop
// timed by benchmark.js (ops/s with its statistical sampling), or a measured figure (a boot,
// a whole scenario) taken a few times with the median kept. Figures are compared with a
// stored baseline: any figure worse than the baseline by more than the threshold is flagged.

import Benchmark from 'benchmark';

export type Direction = 'higher' | 'lower';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  better: Direction;
  /** ± relative margin of error (benchmark.js rme, as a fraction), when sampled. */
  rme?: number;
  /** Free-form context: the real thing's figure, a ratio, the sample count. */
  note?: string;
}

export interface BenchCase {
  name: string;
  /** Cases in the `quick` set run in CI's smoke pass. */
  quick: boolean;
  measure(opts: { quick: boolean }): Promise<BenchFigure[]> | BenchFigure[];
}

/** Times `fn` with benchmark.js; `opsPerCall` scales calls/s to the unit's ops/s. */
export function sampleOpsPerSecond(name: string, fn: () => void, opts: { quick: boolean; opsPerCall?: number; unit?: string }): BenchFigure {
  const bench = new Benchmark(name, fn, {
    minSamples: opts.quick ? 5 : 20,
    maxTime: opts.quick ? 0.5 : 3,
    initCount: 1,
  });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  const perCall = opts.opsPerCall ?? 1;
  return {
    name,
    value: bench.hz * perCall,
    unit: opts.unit ?? 'ops/s',
    better: 'higher',
    rme: bench.stats.rme / 100,
    note: `${bench.stats.sample.length} samples`,
  };
}

/** Runs `fn` `runs` times and keeps the median of what it returns. */
export async function medianOf(runs: number, fn: () => Promise<number> | number): Promise<{ median: number; samples: number[] }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await fn());
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], samples };
}

export interface Baseline {
  /** Relative tolerance before a figure counts as a regression (0.25 = 25 % worse). */
  threshold: number;
  figures: Record<string, { value: number; unit: string; better: Direction }>;
}

export interface Comparison {
  name: string;
  current: number;
  baseline: number;
  /** Positive is better than the baseline, negative worse, as a fraction of the baseline. */
  change: number;
  regressed: boolean;
}

export function compare(figures: BenchFigure[], baseline: Baseline, threshold = baseline.threshold): Comparison[] {
  const out: Comparison[] = [];
  for (const f of figures) {
    const b = baseline.figures[f.name];
    if (!b || b.value === 0) continue;
    const raw = (f.value - b.value) / b.value;
    const change = f.better === 'higher' ? raw : -raw;
    out.push({ name: f.name, current: f.value, baseline: b.value, change, regressed: change < -threshold });
  }
  return out;
}

export function toBaseline(figures: BenchFigure[], threshold: number): Baseline {
  const out: Baseline = { threshold, figures: {} };
  for (const f of figures) out.figures[f.name] = { value: Number(f.value.toPrecision(6)), unit: f.unit, better: f.better };
  return out;
}

export function formatValue(v: number): string {
  if (v >= 1e9) return (v / 1e9).toFixed(2) + 'G';
  if (v >= 1e6) return (v / 1e6).toFixed(2) + 'M';
  if (v >= 1e3) return (v / 1e3).toFixed(2) + 'k';
  return v.toFixed(v < 10 ? 3 : 1);
}

export function formatTable(figures: BenchFigure[], comparisons: Comparison[]): string {
  const byName = new Map(comparisons.map((c) => [c.name, c]));
  const rows = figures.map((f) => {
    const c = byName.get(f.name);
    const vs = c ? `${c.change >= 0 ? '+' : ''}${(c.change * 100).toFixed(1)}%${c.regressed ? '  REGRESSION' : ''}` : '';
    const rme = f.rme !== undefined ? `±${(f.rme * 100).toFixed(1)}%` : '';
    return [f.name, `${formatValue(f.value)} ${f.unit}`, rme, vs, f.note ?? ''];
  });
  const head = ['figure', 'value', 'rme', 'vs baseline', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
