// Throughput of twinbox's engine as llama-bench measures it: pp = prompt tokens per second for one
// batched prompt, tg = generated tokens per second one token at a time (greedy). The clock is passed
// in (guest code never reads the host's): `twinbox bench` passes the host's high-resolution clock,
// the guest passes virtual time.

import { LlamaEngine } from './engine';
import type { LlamaModel } from './model';
import { argmax } from './sampler';

export interface BenchOptions {
  promptTokens: number;
  genTokens: number;
  /** Milliseconds from any fixed origin. */
  nowMs: () => number;
}

export interface ThroughputResult {
  engine: string;
  promptTokens: number;
  genTokens: number;
  ppMs: number;
  tgMs: number;
  ppTokensPerSec: number;
  tgTokensPerSec: number;
}

/** A deterministic prompt of exactly n tokens: <s> then the bytes of a repeating sentence. */
export function benchPrompt(model: LlamaModel, n: number): number[] {
  const text = 'The autonomous loop keeps System 1 and System 2 busy while the conductor drains its queue. ';
  const ids = model.tokenizer.encode(text.repeat(Math.ceil(n / 8) + 1));
  if (typeof ids === 'string') return [];
  return ids.slice(0, n);
}

export function benchEngine(model: LlamaModel, opts: BenchOptions): ThroughputResult | string {
  if (opts.promptTokens < 1 || opts.genTokens < 1) return 'bench: prompt and generation lengths must be at least 1';
  const engine = new LlamaEngine(model, opts.promptTokens + opts.genTokens);
  const prompt = benchPrompt(model, opts.promptTokens);
  // Warm-up, as llama-bench does: the first pass also pays for JIT compilation.
  engine.evaluate(prompt.slice(0, Math.min(prompt.length, 8)));
  engine.evaluate([prompt[0]!]);
  engine.reset();
  const t0 = opts.nowMs();
  let logits = engine.evaluate(prompt);
  const t1 = opts.nowMs();
  for (let i = 0; i < opts.genTokens; i++) {
    if (typeof logits === 'string') return logits;
    logits = engine.evaluate([argmax(logits)]);
  }
  if (typeof logits === 'string') return logits;
  const t2 = opts.nowMs();
  return throughput('twinbox', opts.promptTokens, opts.genTokens, t1 - t0, t2 - t1);
}

export function throughput(engine: string, promptTokens: number, genTokens: number, ppMs: number, tgMs: number): ThroughputResult {
  const perSec = (n: number, ms: number): number => (ms > 0 ? (n * 1000) / ms : Infinity);
  return { engine, promptTokens, genTokens, ppMs, tgMs, ppTokensPerSec: perSec(promptTokens, ppMs), tgTokensPerSec: perSec(genTokens, tgMs) };
}
