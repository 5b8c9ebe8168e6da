import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SHAPE, checkShape, makeModel } from './make';
import { describeGguf } from './info';
import { parseGguf } from '../../guest/llm/gguf/parse';
import { findKv, tensorData } from '../../guest/llm/gguf/types';
import { emitGguf } from '../../guest/llm/gguf/emit';
import { loadLlamaFile } from '../../guest/llm/model';
import { LlamaEngine } from '../../guest/llm/engine';

const small = { ...DEFAULT_SHAPE, dim: 64, heads: 4, kvHeads: 2, ffnDim: 96, layers: 2 };

describe('model make', () => {
  it('is a pure function of shape and seed', () => {
    expect(makeModel(small)).toEqual(makeModel(small));
    expect(makeModel(small)).not.toEqual(makeModel({ ...small, seed: 2 }));
  });

  it('writes the keys and tensors llama.cpp loads', () => {
    const parsed = parseGguf(makeModel({ ...small, type: 'q4_0' }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const f = parsed.value;
    expect(findKv(f, 'general.architecture')).toEqual({ type: 'string', value: 'llama' });
    expect(findKv(f, 'llama.attention.head_count_kv')).toEqual({ type: 'uint32', value: 2 });
    expect(findKv(f, 'llama.rope.dimension_count')).toEqual({ type: 'uint32', value: 16 });
    expect(findKv(f, 'tokenizer.ggml.model')).toEqual({ type: 'string', value: 'llama' });
    const names = f.tensors.map((t) => t.name);
    expect(names.slice(0, 3)).toEqual(['token_embd.weight', 'blk.0.attn_norm.weight', 'blk.0.attn_q.weight']);
    expect(names.at(-1)).toBe('output.weight');
    expect(f.tensors.find((t) => t.name === 'blk.1.attn_k.weight')?.dims).toEqual([64, 32]);
    expect(f.tensors.find((t) => t.name === 'blk.1.ffn_down.weight')?.dims).toEqual([96, 64]);
    expect(f.tensors.find((t) => t.name === 'output_norm.weight')?.type).toBe(0);
    expect(describeGguf(makeModel(small))).toMatch(/tensor blk\.0\.attn_q\.weight Q8_0 \[64, 64\]/);
  });

  it('lists a model with K-quant tensors, and the engine names the tensor it cannot compute', () => {
    const parsed = parseGguf(makeModel(small));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const f = parsed.value;
    const tensors = f.tensors.map((t) => ({ name: t.name, dims: t.dims, type: t.type, data: tensorData(f, t) }));
    const k = tensors.findIndex((t) => t.name === 'blk.0.attn_q.weight');
    tensors[k] = { ...tensors[k]!, dims: [256, 16], type: 12, data: new Uint8Array(16 * 144) };
    const bytes = emitGguf(f.metadata, tensors);
    expect(describeGguf(bytes)).toMatch(/tensor blk\.0\.attn_q\.weight Q4_K \[256, 16\]/);
    expect(loadLlamaFile(bytes)).toBe('model: tensor blk.0.attn_q.weight has dims [256, 16], expected [64, 64]');
    // Q4_1 (32-element blocks of 20 bytes) fits the [64, 64] shape but is not computed.
    tensors[k] = { ...tensors[k]!, dims: [64, 64], type: 3, data: new Uint8Array(128 * 20) };
    expect(loadLlamaFile(emitGguf(f.metadata, tensors))).toBe("model: tensor blk.0.attn_q.weight is Q4_1; twinbox's engine computes with F32, F16, Q8_0 and Q4_0");
    // A row of 64 is not a whole number of Q2_K's 256-element blocks: the reader refuses it.
    tensors[k] = { ...tensors[k]!, dims: [64, 64], type: 10, data: new Uint8Array(16 * 84) };
    expect(loadLlamaFile(emitGguf(f.metadata, tensors))).toMatch(/^GGUF offset \d+: tensor blk\.0\.attn_q\.weight: row of 64 elements is not a whole number of blocks$/);
  });

  it('refuses shapes llama.cpp could not run', () => {
    expect(checkShape({ ...small, heads: 5 })).toBe('--dim 64 is not a multiple of --heads 5');
    expect(checkShape({ ...small, ffnDim: 100 })).toBe('--type q8_0 needs --dim and --ffn multiples of 32');
    expect(checkShape({ ...small, kvHeads: 0 })).toMatch(/--kv-heads must be an integer/);
    expect(checkShape(small)).toBeNull();
  });

  it('loads, or fails with a message, whatever bytes are mutated', () => {
    const base = makeModel({ ...small, layers: 1, dim: 32, heads: 2, kvHeads: 1, ffnDim: 32, contextLength: 16 });
    fc.assert(fc.property(
      fc.array(fc.record({ at: fc.nat(20000), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
      (edits) => {
        const bytes = base.slice();
        for (const e of edits) bytes[e.at % bytes.length] = e.value;
        const m = loadLlamaFile(bytes);
        if (typeof m === 'string') return;
        const logits = new LlamaEngine(m, 8).evaluate([1, 70, 71]);
        expect(typeof logits === 'string' || logits.length === m.config.vocabSize).toBe(true);
      },
    ), { numRuns: 300, seed: 5 });
  });
});
