import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_SHAPE, checkShape, makeModel } from './make';
import { describeGguf } from './info';
import { parseGguf } from '../../guest/llm/gguf/parse';
import { findKv } from '../../guest/llm/gguf/types';
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
