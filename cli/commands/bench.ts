// `twinbox bench`: runs the benchmark suites, prints a table, compares with a baseline.

import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compare, formatTable, toBaseline, type Baseline, type BenchFigure } from '../../bench/harness';
import { allCases } from '../../bench/suites/index';

export const DEFAULT_BASELINE = 'bench/baseline.json';

interface BenchOptions {
  quick?: boolean;
  compare?: string;
  threshold?: string;
  save?: string;
  filter?: string;
  json?: string;
  failOnRegression: boolean;
}

function loadBaseline(path: string): Baseline {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Baseline>;
  if (typeof parsed.threshold !== 'number' || typeof parsed.figures !== 'object' || parsed.figures === null) {
    throw new Error(`${path}: not a baseline (needs "threshold" and "figures")`);
  }
  return parsed as Baseline;
}

export async function runBench(opts: BenchOptions): Promise<number> {
  const filter = opts.filter ? new RegExp(opts.filter, 'i') : undefined;
  const quick = opts.quick === true;
  const figures: BenchFigure[] = [];
  for (const c of allCases) {
    if (quick && !c.quick) continue;
    if (filter && !filter.test(c.name)) continue;
    process.stderr.write(`bench: ${c.name}...\n`);
    try {
      figures.push(...(await c.measure({ quick })));
    } catch (e) {
      process.stderr.write(`bench: ${c.name} failed: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const baseline = opts.compare ? loadBaseline(opts.compare) : undefined;
  const threshold = opts.threshold !== undefined ? Number(opts.threshold) : baseline?.threshold ?? 0.25;
  const comparisons = baseline ? compare(figures, baseline, threshold) : [];
  process.stdout.write(formatTable(figures, comparisons) + '\n');
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ figures, comparisons }, null, 2) + '\n');
  if (opts.save) writeFileSync(opts.save, JSON.stringify(toBaseline(figures, threshold), null, 2) + '\n');
  const regressions = comparisons.filter((c) => c.regressed);
  if (baseline) {
    process.stdout.write(`${regressions.length} regressions beyond ${(threshold * 100).toFixed(0)}% against ${opts.compare}\n`);
  }
  return regressions.length > 0 && opts.failOnRegression ? 1 : 0;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks and compare them with a baseline')
    .option('--quick', 'the short set with fewer samples (what CI runs)')
    .option('--compare <baseline>', `compare with a baseline JSON file (e.g. ${DEFAULT_BASELINE}); exit 1 on a regression`)
    .option('--threshold <fraction>', 'how much worse counts as a regression (default: the baseline\'s, else 0.25)')
    .option('--save <file>', 'write the figures as a new baseline')
    .option('--filter <regex>', 'only the cases whose name matches')
    .option('--json <file>', 'write figures and comparisons as JSON')
    .option('--no-fail-on-regression', 'report regressions but exit 0')
    .action(async (opts: BenchOptions) => {
      process.exitCode = await runBench(opts);
    });
}
