// llama-bench's output, as llama.cpp's markdown printer writes it: a header, a separator row
// (`---:` for right-aligned numeric columns), one row per test, and a `build:` footer. Columns for
// the CPU backend: model (left, 30), size (10), params (10), backend (left, 10), threads (7),
// test (13), t/s (20; one wider in rows because "±" is two bytes in UTF-8 and printf counts bytes).

export interface BenchRow {
  model: string;
  sizeBytes: number;
  params: number;
  backend: string;
  threads: number;
  /** "pp512" or "tg128". */
  test: string;
  /** tokens/s of each repetition. */
  samples: number[];
}

const UTF8 = new TextEncoder();

const COLUMNS: [string, number][] = [
  ['model', -30], ['size', 10], ['params', 10], ['backend', -10], ['threads', 7], ['test', 13], ['t/s', 20],
];

/** printf's `%*s`: right-aligned for a positive width, left for a negative one, never truncated (widths in bytes). */
function pad(value: string, width: number): string {
  const bytes = UTF8.encode(value).length;
  const fill = ' '.repeat(Math.max(0, Math.abs(width) - bytes));
  return width < 0 ? value + fill : fill + value;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n-1), 0 for fewer than two samples, as llama-bench's stdev. */
export function stdev(xs: readonly number[]): number {
  if (xs.length <= 1) return 0;
  const m = mean(xs);
  const sq = xs.reduce((a, b) => a + b * b, 0);
  return Math.sqrt(Math.max(0, sq / (xs.length - 1) - (m * m * xs.length) / (xs.length - 1)));
}

export function formatSize(bytes: number): string {
  return bytes < 1024 ** 3 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatParams(n: number): string {
  return n < 1e9 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e9).toFixed(2)} B`;
}

export function formatHeader(): string {
  const names = COLUMNS.map(([name, w]) => ` ${pad(name, w)} |`).join('');
  const rule = COLUMNS.map(([, w]) => ` ${'-'.repeat(Math.abs(w) - 1)}${w > 0 ? ':' : '-'} |`).join('');
  return `|${names}\n|${rule}\n`;
}

export function formatRow(r: BenchRow): string {
  const values = [
    r.model, formatSize(r.sizeBytes), formatParams(r.params), r.backend, String(r.threads), r.test,
    `${mean(r.samples).toFixed(2)} ± ${stdev(r.samples).toFixed(2)}`,
  ];
  const cells = COLUMNS.map(([name, w], i) => ` ${pad(values[i]!, name === 't/s' ? w + 1 : w)} |`).join('');
  return `|${cells}\n`;
}

export function formatFooter(build: string): string {
  return `\nbuild: ${build}\n`;
}

/** Parses a table back into rows' (test, threads, mean, sd): for scenarios and the bench. */
export function parseBenchTable(text: string): { test: string; threads: number; mean: number; sd: number }[] {
  const out: { test: string; threads: number; mean: number; sd: number }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 9) continue;
    const m = /^([0-9.]+) ± ([0-9.]+)$/.exec(cells[7]!);
    if (!m || !/^(pp|tg)\d+$/.test(cells[6]!)) continue;
    out.push({ test: cells[6]!, threads: Number(cells[5]), mean: Number(m[1]), sd: Number(m[2]) });
  }
  return out;
}
