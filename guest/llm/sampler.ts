// Choosing the next token from logits. Greedy is argmax (lowest id on ties). Sampling applies, in
// llama.cpp's default chain order, top-k, top-p and temperature, then draws from the resulting
// distribution with a seeded Prng, so a seed and a prompt always give the same text.

import type { Prng } from '../../emulator/random/prng';

export interface SamplingParams {
  /** 0 means greedy. */
  temperature: number;
  /** Keep the k most likely tokens; 0 keeps all. */
  topK: number;
  /** Keep the smallest set whose probability reaches topP; 1 keeps all. */
  topP: number;
}

export const GREEDY: SamplingParams = { temperature: 0, topK: 0, topP: 1 };

export function argmax(logits: Float32Array, offset = 0, n = logits.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logits[offset + i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Candidates ordered by logit, highest first (ties: lower id first). */
function sortedCandidates(logits: Float32Array): number[] {
  const ids = Array.from({ length: logits.length }, (_, i) => i);
  return ids.sort((a, b) => logits[b]! - logits[a]! || a - b);
}

export function sampleToken(logits: Float32Array, params: SamplingParams, prng: Prng): number {
  if (!(params.temperature > 0)) return argmax(logits);
  let ids = sortedCandidates(logits);
  if (params.topK > 0 && params.topK < ids.length) ids = ids.slice(0, params.topK);
  const max = logits[ids[0]!]!;
  let probs = ids.map((id) => Math.exp(logits[id]! - max));
  let sum = probs.reduce((a, b) => a + b, 0);
  if (params.topP < 1) {
    let cumulative = 0;
    let keep = ids.length;
    for (let i = 0; i < ids.length; i++) {
      cumulative += probs[i]! / sum;
      if (cumulative >= params.topP) {
        keep = i + 1;
        break;
      }
    }
    ids = ids.slice(0, keep);
  }
  probs = ids.map((id) => Math.exp((logits[id]! - max) / params.temperature));
  sum = probs.reduce((a, b) => a + b, 0);
  let r = prng.nextFloat() * sum;
  for (let i = 0; i < ids.length; i++) {
    r -= probs[i]!;
    if (r < 0) return ids[i]!;
  }
  return ids[ids.length - 1]!;
}
