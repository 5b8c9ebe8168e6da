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
import type { ModelShape } from './make';

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
