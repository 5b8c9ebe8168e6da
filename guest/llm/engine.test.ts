import { describe, it, expect } from 'vitest';
import { emitGguf } from './gguf/emit';
import { GGML_TYPE } from './gguf/types';
import type { GgufTensorOut } from './gguf/types';
import { loadLlamaFile } from './model';
import type { LlamaModel } from './model';
import { LlamaEngine } from './engine';
import { generate } from './generate';
import { Prng } from '../../emulator/random/prng';
import { DEFAULT_SHAPE, llamaMetadata, makeModel } from '../../tools/model/make';

const VOCAB = 260;

// A one-layer model with dim 2, one head, ffn 1: small enough to compute by hand.
function tinyModel(): LlamaModel {
  const f32 = (name: string, dims: number[], values: number[]): GgufTensorOut =>
    ({ name, dims, type: GGML_TYPE.F32, data: new Uint8Array(Float32Array.from(values).buffer) });
  const embd = new Array<number>(2 * VOCAB).fill(0);
  embd[2 * 10] = 1; embd[2 * 10 + 1] = 2; // token 10 -> [1, 2]
  embd[2 * 11] = -3; embd[2 * 11 + 1] = 1; // token 11 -> [-3, 1]
  const out = new Array<number>(2 * VOCAB).fill(0);
  out[2 * 5] = 1; // logit 5 = h0
  out[2 * 6 + 1] = 1; // logit 6 = h1
  const tensors = [
    f32('token_embd.weight', [2, VOCAB], embd),
    f32('blk.0.attn_norm.weight', [2], [1, 1]),
    f32('blk.0.attn_q.weight', [2, 2], [1, 0, 0, 1]),
    f32('blk.0.attn_k.weight', [2, 2], [1, 0, 0, 1]),
    f32('blk.0.attn_v.weight', [2, 2], [1, 0, 0, 1]),
    f32('blk.0.attn_output.weight', [2, 2], [1, 0, 0, 1]),
    f32('blk.0.ffn_norm.weight', [2], [1, 1]),
    f32('blk.0.ffn_gate.weight', [2, 1], [1, 0]),
    f32('blk.0.ffn_up.weight', [2, 1], [0, 1]),
    f32('blk.0.ffn_down.weight', [1, 2], [1, -1]),
    f32('output_norm.weight', [2], [1, 1]),
    f32('output.weight', [2, VOCAB], out),
  ];
  const md = llamaMetadata({ ...DEFAULT_SHAPE, dim: 2, layers: 1, heads: 1, kvHeads: 1, ffnDim: 1, contextLength: 8, type: 'f32' });
  const m = loadLlamaFile(emitGguf(md, tensors));
  if (typeof m === 'string') throw new Error(m);
  return m;
}

const rms = (v: number[]): number[] => {
  const s = 1 / Math.sqrt((v[0]! ** 2 + v[1]! ** 2) / 2 + 1e-5);
  return [v[0]! * s, v[1]! * s];
};
const silu = (x: number): number => x / (1 + Math.exp(-x));
function ffn(x: number[]): number[] {
  const n = rms(x);
  const h = silu(n[0]!) * n[1]!;
  return [x[0]! + h, x[1]! - h];
}

describe('LlamaEngine', () => {
  it('matches a hand computation for one token (attention over itself is v)', () => {
    const logits = new LlamaEngine(tinyModel()).evaluate([10]);
    if (typeof logits === 'string') throw new Error(logits);
    const x = [1, 2];
    const v = rms(x);
    const h = rms(ffn([x[0]! + v[0]!, x[1]! + v[1]!]));
    expect(logits[5]).toBeCloseTo(h[0]!, 3);
    expect(logits[6]).toBeCloseTo(h[1]!, 3);
    expect(logits[7]).toBe(0);
  });

  it('matches a hand computation for a second token: RoPE on adjacent pairs, causal softmax', () => {
    const logits = new LlamaEngine(tinyModel()).evaluate([10, 11], true);
    if (typeof logits === 'string') throw new Error(logits);
    const x0 = [1, 2];
    const x1 = [-3, 1];
    const k0 = rms(x0); // position 0: no rotation
    const n1 = rms(x1);
    const rot = (v: number[]): number[] => [v[0]! * Math.cos(1) - v[1]! * Math.sin(1), v[0]! * Math.sin(1) + v[1]! * Math.cos(1)];
    const q1 = rot(n1);
    const k1 = rot(n1);
    const s0 = (q1[0]! * k0[0]! + q1[1]! * k0[1]!) / Math.sqrt(2);
    const s1 = (q1[0]! * k1[0]! + q1[1]! * k1[1]!) / Math.sqrt(2);
    const p0 = Math.exp(s0) / (Math.exp(s0) + Math.exp(s1));
    const attn = [p0 * k0[0]! + (1 - p0) * n1[0]!, p0 * k0[1]! + (1 - p0) * n1[1]!];
    const h = rms(ffn([x1[0]! + attn[0]!, x1[1]! + attn[1]!]));
    // f16 K/V cache and attention weights: agreement to about 1e-3.
    expect(Math.abs(logits[VOCAB + 5]! - h[0]!)).toBeLessThan(3e-3);
    expect(Math.abs(logits[VOCAB + 6]! - h[1]!)).toBeLessThan(3e-3);
  });

  it('gives the same logits for a batched prompt as token by token', () => {
    for (const type of ['f32', 'q8_0', 'q4_0'] as const) {
      const m = loadLlamaFile(makeModel({ ...DEFAULT_SHAPE, dim: 64, heads: 4, kvHeads: 2, ffnDim: 128, layers: 2, type }));
      if (typeof m === 'string') throw new Error(m);
      const tokens = m.tokenizer.encode('batch me') as number[];
      const batched = new LlamaEngine(m, 64).evaluate(tokens, true) as Float32Array;
      const single = new LlamaEngine(m, 64);
      tokens.forEach((t, i) => {
        const l = single.evaluate([t]) as Float32Array;
        expect(l).toEqual(batched.subarray(i * VOCAB, (i + 1) * VOCAB));
      });
    }
  });

  it('restores a saved state: restore then run equals run', () => {
    const m = loadLlamaFile(makeModel({ ...DEFAULT_SHAPE, dim: 64, heads: 4, kvHeads: 2, ffnDim: 128, layers: 2, type: 'q4_0' }));
    if (typeof m === 'string') throw new Error(m);
    const a = new LlamaEngine(m, 32);
    a.evaluate([1, 40, 50, 60]);
    const saved = a.save();
    const next = a.evaluate([70]);
    const b = new LlamaEngine(m, 32);
    expect(b.restore(saved)).toBeNull();
    expect(b.evaluate([70])).toEqual(next);
    expect(new LlamaEngine(m, 2).restore(saved)).toMatch(/does not fit/);
  });

  it('reports bad input as values', () => {
    const e = new LlamaEngine(tinyModel(), 2);
    expect(e.evaluate([VOCAB])).toBe(`engine: token ${VOCAB} outside the vocabulary`);
    expect(e.evaluate([])).toBe('engine: no tokens to evaluate');
    expect(e.evaluate([10, 11, 10])).toBe('engine: context full (0 + 3 > 2)');
    expect(loadLlamaFile(new Uint8Array(10))).toMatch(/^GGUF offset/);
  });

  it('generates deterministically: greedy always, sampling per seed', () => {
    const m = loadLlamaFile(makeModel({ ...DEFAULT_SHAPE, dim: 64, heads: 4, kvHeads: 2, ffnDim: 128, layers: 2, type: 'q8_0' }));
    if (typeof m === 'string') throw new Error(m);
    const e = new LlamaEngine(m, 64);
    const g1 = generate(e, 'seed', { maxTokens: 12 });
    const g2 = generate(e, 'seed', { maxTokens: 12 });
    expect(g1).toEqual(g2);
    const sampling = { temperature: 0.9, topK: 40, topP: 0.95 };
    const s1 = generate(e, 'seed', { maxTokens: 12, sampling, prng: new Prng(7) });
    const s2 = generate(e, 'seed', { maxTokens: 12, sampling, prng: new Prng(7) });
    const s3 = generate(e, 'seed', { maxTokens: 12, sampling, prng: new Prng(8) });
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(s3);
  });
});
