// twinbox's engine against llama.cpp (node-llama-cpp's prebuilt CPU binary) on the same seeded GGUF
// files: the same tokens for every prompt, logits within the stated tolerance, and for F32/F16
// weights the same greedy continuations. See docs/inference.md for where the tolerances come from.

import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SHAPE, makeModel } from '../../tools/model/make';
import type { ModelShape, WeightTypeName } from '../../tools/model/make';
import { openLlamaCpp } from '../../tools/model/llama-cpp';
import { loadLlamaFile } from './model';
import { LlamaEngine } from './engine';
import { generate } from './generate';

const PROMPTS = ['Hello world, twinbox!', 'The quick brown fox', 'a', 'RayOS System 2 loads the model.', '1 2 3 4 5 6 7 8 9 10', 'h\u00e9llo \u00fcn\u00efcode \u2713',
  '  two spaces,\nnewline\ttab', '<s>not special</s> <0x41> \u2581'];
const dir = mkdtempSync(join(tmpdir(), 'twinbox-llm-oracle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Largest |logit difference| allowed, per weight type (logits here span about -12..12).
const LOGIT_TOLERANCE: Record<WeightTypeName, number> = { f32: 5e-3, f16: 2e-2, q8_0: 0.3, q4_0: 0.3 };

/**
 * Where two greedy continuations first differ, the gap between the two chosen tokens' logits in
 * twinbox's engine: a near-tie (smaller than the logit tolerance) explains the parting.
 */
function divergenceGap(engine: LlamaEngine, prompt: number[], ours: number[], theirs: number[]): number {
  let k = 0;
  while (k < ours.length && ours[k] === theirs[k]) k++;
  if (k >= ours.length || k >= theirs.length) return Infinity; // one stopped early: not a near-tie
  engine.reset();
  const logits = engine.evaluate([...prompt, ...ours.slice(0, k)]);
  if (typeof logits === 'string') throw new Error(logits);
  return Math.abs(logits[ours[k]!]! - logits[theirs[k]!]!);
}

interface Comparison { maxDiff: number; argmaxAgree: number; positions: number; greedySame: number; nearTieGaps: number[] }

async function compare(type: WeightTypeName, shape: Partial<ModelShape> = {}): Promise<Comparison> {
  const bytes = makeModel({ ...DEFAULT_SHAPE, type, seed: 5, ...shape });
  const path = join(dir, `${type}-${JSON.stringify(shape).replace(/\W/g, '')}.gguf`);
  writeFileSync(path, bytes);
  const model = loadLlamaFile(bytes);
  if (typeof model === 'string') throw new Error(model);
  const oracle = await openLlamaCpp(path, 256, 1);
  if (typeof oracle === 'string') throw new Error(oracle);
  const engine = new LlamaEngine(model, 256);
  const vocab = model.config.vocabSize;
  let maxDiff = 0;
  let argmaxAgree = 0;
  let positions = 0;
  let greedySame = 0;
  const nearTieGaps: number[] = [];
  try {
    for (const p of PROMPTS) {
      const ours = model.tokenizer.encode(p);
      expect(ours).toEqual(oracle.tokenize(p));
      const tokens = ours as number[];
      const theirs = await oracle.logits(tokens, vocab);
      engine.reset();
      const mine = engine.evaluate(tokens, true) as Float32Array;
      for (let i = 0; i < tokens.length; i++) {
        let a = 0;
        let b = 0;
        for (let j = 0; j < vocab; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(mine[i * vocab + j]! - theirs[i * vocab + j]!));
          if (mine[i * vocab + j]! > mine[i * vocab + a]!) a = j;
          if (theirs[i * vocab + j]! > theirs[i * vocab + b]!) b = j;
        }
        if (a === b) argmaxAgree++;
        positions++;
      }
      const g = generate(engine, p, { maxTokens: 24 });
      if (typeof g === 'string') throw new Error(g);
      const other = await oracle.greedy(tokens, 24);
      if (JSON.stringify(g.tokens) === JSON.stringify(other)) greedySame++;
      else nearTieGaps.push(divergenceGap(engine, tokens, g.tokens, other));
    }
  } finally {
    await oracle.dispose();
  }
  console.info(`${type} ${JSON.stringify(shape)}: max |dlogit| ${maxDiff.toExponential(2)}, argmax agrees ${argmaxAgree}/${positions}, ` +
    `greedy identical ${greedySame}/${PROMPTS.length}, logit gaps where continuations part: [${nearTieGaps.map((g) => g.toFixed(3)).join(', ')}]`);
  return { maxDiff, argmaxAgree, positions, greedySame, nearTieGaps };
}

describe('llama.cpp oracle', () => {
  for (const type of ['f32', 'f16'] as const) {
    it(`${type}: same tokens, logits within ${LOGIT_TOLERANCE[type]}, identical greedy continuations`, async () => {
      const r = await compare(type);
      expect(r.maxDiff).toBeLessThanOrEqual(LOGIT_TOLERANCE[type]);
      expect(r.argmaxAgree).toBe(r.positions);
      expect(r.greedySame).toBe(PROMPTS.length);
    });
  }
  it('f32, other shapes: multi-head (kv = heads) and 4:1 grouped-query attention', async () => {
    for (const shape of [{ dim: 128, heads: 4, kvHeads: 4, layers: 2, ffnDim: 256 }, { dim: 128, heads: 4, kvHeads: 1, layers: 3, ffnDim: 192 }]) {
      const r = await compare('f32', shape);
      expect(r.maxDiff).toBeLessThanOrEqual(LOGIT_TOLERANCE.f32);
      expect(r.greedySame).toBe(PROMPTS.length);
    }
  });
  for (const type of ['q8_0', 'q4_0'] as const) {
    it(`${type}: same tokens, logits within ${LOGIT_TOLERANCE[type]}, greedy identical up to near-ties`, async () => {
      const r = await compare(type);
      expect(r.maxDiff).toBeLessThanOrEqual(LOGIT_TOLERANCE[type]);
      expect(r.argmaxAgree / r.positions).toBeGreaterThanOrEqual(0.95);
      // Greedy continuations are identical, or part only at a near-tie within the tolerance.
      for (const gap of r.nearTieGaps) expect(gap).toBeLessThanOrEqual(LOGIT_TOLERANCE[type]);
    });
  }
});
