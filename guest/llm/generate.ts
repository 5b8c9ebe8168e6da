// Prompt in, tokens out: the loop the guest's inference programs and the bench drive.

import type { Prng } from '../../emulator/random/prng';
import type { LlamaEngine } from './engine';
import { GREEDY, argmax, sampleToken } from './sampler';
import type { SamplingParams } from './sampler';

export interface GenerateOptions {
  maxTokens: number;
  sampling?: SamplingParams;
  /** Needed when sampling.temperature > 0. */
  prng?: Prng;
  /** Stop at the model's end-of-sequence token (default true). */
  stopAtEos?: boolean;
}

export interface Generation {
  promptTokens: number[];
  tokens: number[];
  text: string;
}

export function generate(engine: LlamaEngine, prompt: string, opts: GenerateOptions): Generation | string {
  const tok = engine.model.tokenizer;
  const promptTokens = tok.encode(prompt);
  if (typeof promptTokens === 'string') return promptTokens;
  const sampling = opts.sampling ?? GREEDY;
  const prng = opts.prng;
  if (sampling.temperature > 0 && prng === undefined) return 'generate: sampling needs a seeded prng';
  engine.reset();
  let logits = engine.evaluate(promptTokens);
  const tokens: number[] = [];
  for (let i = 0; i < opts.maxTokens; i++) {
    if (typeof logits === 'string') return logits;
    const next = prng !== undefined && sampling.temperature > 0 ? sampleToken(logits, sampling, prng) : argmax(logits);
    if (next === tok.spec.eos && opts.stopAtEos !== false) break;
    tokens.push(next);
    if (i + 1 < opts.maxTokens && engine.position >= engine.contextLength) break; // context full: stop, as llama.cpp does without a shift
    if (i + 1 < opts.maxTokens) logits = engine.evaluate([next]);
  }
  return { promptTokens, tokens, text: tok.decode(tokens) };
}
