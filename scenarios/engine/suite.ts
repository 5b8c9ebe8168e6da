// A suite: scenario files from the paths given (folders searched for *.yaml, *.yml,
// *.json), sorted, optionally one shard of them, run one after another. Load errors count
// as failures so a broken file cannot pass silently.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../emulator/backends/backend';
import { loadScenarioFile } from './load';
import type { SuiteReporter } from './reporters';
import { runScenario, type ScenarioResult } from './run-scenario';

const SCENARIO_FILE = /\.(ya?ml|json)$/i;
/** JSON Schemas (scenarios/schema/) live beside scenarios but are not scenarios. */
const SCHEMA_FILE = /\.schema\.json$/i;

export type CollectResult = { ok: true; files: string[] } | { ok: false; error: string };

/** Every scenario file under `paths`, sorted by path and without duplicates. */
export function collectScenarioFiles(paths: string[]): CollectResult {
  const files = new Set<string>();
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      return { ok: false, error: `${p}: no such file or directory` };
    }
    if (st.isDirectory()) walk(p, files);
    else files.add(p);
  }
  return { ok: true, files: [...files].sort() };
}

function walk(dir: string, into: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, into);
    else if (SCENARIO_FILE.test(entry.name) && !SCHEMA_FILE.test(entry.name)) into.add(path);
  }
}

export type Shard = { index: number; count: number };

export function parseShard(text: string): { ok: true; shard: Shard } | { ok: false; error: string } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) return { ok: false, error: `--shard ${text}: expected I/N with 1 <= I <= N` };
  return { ok: true, shard: { index, count } };
}

/** Shard I of N takes every Nth file of the sorted list, starting at the Ith. */
export function selectShard(files: string[], shard: Shard | undefined): string[] {
  if (!shard) return files;
  return files.filter((_f, i) => i % shard.count === shard.index - 1);
}

export interface SuiteOptions {
  backend: Backend;
  seed?: number;
  outDir?: string;
  /** Where `screenshot` steps write (default OUT_DIR/screenshots). */
  screenshotDir?: string;
  reporter: SuiteReporter;
}

export interface SuiteResult {
  results: ScenarioResult[];
  loadErrors: Array<{ file: string; error: string }>;
  passed: number;
  failed: number;
}

export async function runSuite(files: string[], options: SuiteOptions): Promise<SuiteResult> {
  const results: ScenarioResult[] = [];
  const loadErrors: SuiteResult['loadErrors'] = [];
  for (let i = 0; i < files.length; i++) {
    const loaded = loadScenarioFile(files[i]);
    if (!loaded.ok) {
      loadErrors.push({ file: files[i], error: loaded.error });
      options.reporter.loadError(files[i], loaded.error);
      continue;
    }
    options.reporter.scenarioStart(loaded.scenario, i + 1, files.length);
    const result = await runScenario(loaded.scenario, { ...options, reporter: options.reporter });
    results.push(result);
    options.reporter.scenarioEnd(result);
  }
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed + loadErrors.length;
  options.reporter.summary(passed, failed);
  return { results, loadErrors, passed, failed };
}
