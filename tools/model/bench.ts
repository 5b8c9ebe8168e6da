// The inference row of `twinbox bench`: twinbox's engine and llama.cpp on the same seeded model,
// the same prompt tokens and one thread each (twinbox's engine is single-threaded), in one run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEngine, benchPrompt } from '../../guest/llm/bench';
import type { ThroughputResult } from '../../guest/llm/bench';
import { loadLlamaFile } from '../../guest/llm/model';
import { benchLlamaCpp } from './llama-cpp';
import { DEFAULT_SHAPE, makeModel } from './make';
import type { ModelShape, WeightTypeName } from './make';
import type { BenchCase, BenchFigure } from '../../bench/harness';

export interface InferenceBenchOptions {
  shape?: Partial<ModelShape>;
  promptTokens?: number;
  genTokens?: number;
  /** Skip llama.cpp (when node-llama-cpp is not installed). */
  withLlamaCpp?: boolean;
  nowMs: () => number;
}

export interface InferenceBenchResult {
  model: string;
  twinbox: ThroughputResult | string;
  llamaCpp: ThroughputResult | string | null;
}

export async function runInferenceBench(opts: InferenceBenchOptions): Promise<InferenceBenchResult> {
  const shape = { ...DEFAULT_SHAPE, ...opts.shape };
  const promptTokens = opts.promptTokens ?? 128;
  const genTokens = opts.genTokens ?? 32;
  if (promptTokens + genTokens > shape.contextLength) shape.contextLength = promptTokens + genTokens;
  const bytes = makeModel(shape);
  const label = `llama ${shape.layers}x${shape.dim} ${shape.type} (${(bytes.length / 1048576).toFixed(1)} MiB), pp${promptTokens} tg${genTokens}`;
  const model = loadLlamaFile(bytes);
  if (typeof model === 'string') return { model: label, twinbox: model, llamaCpp: null };
  const twinbox = benchEngine(model, { promptTokens, genTokens, nowMs: opts.nowMs });
  if (opts.withLlamaCpp === false) return { model: label, twinbox, llamaCpp: null };
  const dir = mkdtempSync(join(tmpdir(), 'twinbox-bench-'));
  try {
    const path = join(dir, 'model.gguf');
    writeFileSync(path, bytes);
    const llamaCpp = await benchLlamaCpp(path, benchPrompt(model, promptTokens), genTokens, 1, opts.nowMs);
    return { model: label, twinbox, llamaCpp };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function figure(name: string, value: number, note: string): BenchFigure {
  return { name, value, unit: 'tokens/s', better: 'higher', note };
}

function versus(ours: number, theirs: ThroughputResult | string | null, pick: (r: ThroughputResult) => number): string {
  if (theirs === null) return 'llama.cpp not run';
  if (typeof theirs === 'string') return theirs;
  return `llama.cpp ${pick(theirs).toFixed(1)} t/s, twinbox at ${((ours / pick(theirs)) * 100).toFixed(1)}%`;
}

/**
 * The `twinbox bench` case (add it to bench/suites/index.ts): pp and tg of twinbox's engine per
 * weight type, with llama.cpp's figures from the same run in the note. The quick set runs Q8_0 only.
 */
export const inferenceBenchCase: BenchCase = {
  name: 'inference',
  quick: true,
  measure: async ({ quick }) => {
    const types: WeightTypeName[] = quick ? ['q8_0'] : ['f32', 'f16', 'q8_0', 'q4_0'];
    const figures: BenchFigure[] = [];
    for (const type of types) {
      const r = await runInferenceBench({
        shape: { type }, promptTokens: quick ? 64 : 128, genTokens: quick ? 16 : 32, nowMs: () => performance.now(),
      });
      if (typeof r.twinbox === 'string') throw new Error(`inference ${type}: ${r.twinbox}`);
      const t = r.twinbox;
      figures.push(figure(`llm ${type} prompt (pp${t.promptTokens})`, t.ppTokensPerSec, versus(t.ppTokensPerSec, r.llamaCpp, (x) => x.ppTokensPerSec)));
      figures.push(figure(`llm ${type} generation (tg${t.genTokens})`, t.tgTokensPerSec, versus(t.tgTokensPerSec, r.llamaCpp, (x) => x.tgTokensPerSec)));
    }
    return figures;
  },
};
