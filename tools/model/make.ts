// `twinbox model make`: a small llama-architecture GGUF with seeded weights and the byte-level
// vocabulary of guest/llm/vocab.ts. Nothing is downloaded; the same options and seed give the same
// bytes. Tensor names, shapes and metadata keys are those llama.cpp's llama loader reads.

import { Prng } from '../../emulator/random/prng';
import { emitGguf } from '../../guest/llm/gguf/emit';
import { quantizeQ4_0, quantizeQ8_0 } from '../../guest/llm/gguf/quant';
import { f32ToF16 } from '../../guest/llm/gguf/f16';
import { GGML_TYPE } from '../../guest/llm/gguf/types';
import type { GgmlType, GgufKv, GgufTensorOut, GgufValue } from '../../guest/llm/gguf/types';
import { BYTE_VOCAB_BOS, BYTE_VOCAB_EOS, BYTE_VOCAB_UNK, byteVocabulary } from '../../guest/llm/vocab';

export type WeightTypeName = 'f32' | 'f16' | 'q8_0' | 'q4_0';

export interface ModelShape {
  seed: number;
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffnDim: number;
  contextLength: number;
  type: WeightTypeName;
}

export const DEFAULT_SHAPE: ModelShape = {
  seed: 1, dim: 256, layers: 4, heads: 8, kvHeads: 4, ffnDim: 768, contextLength: 512, type: 'q8_0',
};

const TYPE_CODE: Record<WeightTypeName, GgmlType> = { f32: GGML_TYPE.F32, f16: GGML_TYPE.F16, q8_0: GGML_TYPE.Q8_0, q4_0: GGML_TYPE.Q4_0 };
// general.file_type (enum llama_ftype): ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7.
const FILE_TYPE: Record<WeightTypeName, number> = { f32: 0, f16: 1, q8_0: 7, q4_0: 2 };

/** Why a shape cannot be built, or null. */
export function checkShape(s: ModelShape): string | null {
  const ints: [number, string][] = [[s.dim, 'dim'], [s.layers, 'layers'], [s.heads, 'heads'], [s.kvHeads, 'kv-heads'], [s.ffnDim, 'ffn'], [s.contextLength, 'context']];
  for (const [v, flag] of ints) {
    if (!Number.isInteger(v) || v < 1 || v > 65536) return `--${flag} must be an integer in 1..65536 (got ${v})`;
  }
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff) return `--seed must be an integer in 0..4294967295`;
  if (s.dim % s.heads !== 0) return `--dim ${s.dim} is not a multiple of --heads ${s.heads}`;
  if (s.heads % s.kvHeads !== 0) return `--heads ${s.heads} is not a multiple of --kv-heads ${s.kvHeads}`;
  if ((s.dim / s.heads) % 2 !== 0) return `the head size ${s.dim / s.heads} must be even for RoPE`;
  if (s.type === 'q8_0' || s.type === 'q4_0') {
    if (s.dim % 32 !== 0 || s.ffnDim % 32 !== 0) return `--type ${s.type} needs --dim and --ffn multiples of 32`;
  }
  return null;
}

function randomMatrix(prng: Prng, count: number, std: number): Float32Array {
  // Uniform with the requested standard deviation: enough for a model whose job is to be computed.
  const a = std * Math.sqrt(3);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (prng.nextFloat() * 2 - 1) * a;
  return out;
}

function encodeWeights(xs: Float32Array, type: WeightTypeName): Uint8Array {
  switch (type) {
    case 'f32': return new Uint8Array(xs.buffer.slice(0));
    case 'f16': {
      const out = new Uint16Array(xs.length);
      for (let i = 0; i < xs.length; i++) out[i] = f32ToF16(xs[i]!);
      return new Uint8Array(out.buffer);
    }
    case 'q8_0': return quantizeQ8_0(xs);
    case 'q4_0': return quantizeQ4_0(xs);
  }
}

function u32(value: number): GgufValue { return { type: 'uint32', value }; }
function f32(value: number): GgufValue { return { type: 'float32', value }; }
function str(value: string): GgufValue { return { type: 'string', value }; }

/** The llama.* and tokenizer.* metadata llama.cpp's loader reads for a model of this shape. */
export function llamaMetadata(s: ModelShape): GgufKv[] {
  const vocab = byteVocabulary();
  const kv = (key: string, value: GgufValue): GgufKv => ({ key, value });
  return [
    kv('general.architecture', str('llama')),
    kv('general.name', str(`twinbox-tiny-${s.type}-seed${s.seed}`)),
    kv('general.file_type', u32(FILE_TYPE[s.type])),
    kv('llama.vocab_size', u32(vocab.length)),
    kv('llama.context_length', u32(s.contextLength)),
    kv('llama.embedding_length', u32(s.dim)),
    kv('llama.block_count', u32(s.layers)),
    kv('llama.feed_forward_length', u32(s.ffnDim)),
    kv('llama.attention.head_count', u32(s.heads)),
    kv('llama.attention.head_count_kv', u32(s.kvHeads)),
    kv('llama.rope.dimension_count', u32(s.dim / s.heads)),
    kv('llama.rope.freq_base', f32(10000)),
    kv('llama.attention.layer_norm_rms_epsilon', f32(1e-5)),
    kv('tokenizer.ggml.model', str('llama')),
    kv('tokenizer.ggml.tokens', { type: 'array', itemType: 'string', items: vocab.map((v) => str(v.text)) }),
    kv('tokenizer.ggml.scores', { type: 'array', itemType: 'float32', items: vocab.map((v) => f32(v.score)) }),
    kv('tokenizer.ggml.token_type', { type: 'array', itemType: 'int32', items: vocab.map((v) => ({ type: 'int32', value: v.type })) }),
    kv('tokenizer.ggml.bos_token_id', u32(BYTE_VOCAB_BOS)),
    kv('tokenizer.ggml.eos_token_id', u32(BYTE_VOCAB_EOS)),
    kv('tokenizer.ggml.unknown_token_id', u32(BYTE_VOCAB_UNK)),
    kv('tokenizer.ggml.add_bos_token', { type: 'bool', value: true }),
    kv('tokenizer.ggml.add_eos_token', { type: 'bool', value: false }),
    kv('tokenizer.ggml.add_space_prefix', { type: 'bool', value: false }),
  ];
}

/** Builds the model file. The shape must pass checkShape. */
export function makeModel(s: ModelShape): Uint8Array {
  const problem = checkShape(s);
  if (problem !== null) throw new Error(`model make: ${problem}`);
  const root = new Prng(s.seed);
  const nVocab = byteVocabulary().length;
  const kvDim = (s.dim / s.heads) * s.kvHeads;
  const tensors: GgufTensorOut[] = [];
  // ggml dims: ne0 is the input (row) length, ne1 the number of rows (outputs).
  const matrix = (name: string, inDim: number, outDim: number, std: number, type = s.type): void => {
    const xs = randomMatrix(root.fork(name), inDim * outDim, std);
    tensors.push({ name, dims: [inDim, outDim], type: TYPE_CODE[type], data: encodeWeights(xs, type) });
  };
  const norm = (name: string): void => {
    const xs = new Float32Array(s.dim).fill(1);
    const jitter = root.fork(name);
    for (let i = 0; i < s.dim; i++) xs[i] = 1 + (jitter.nextFloat() - 0.5) * 0.2;
    tensors.push({ name, dims: [s.dim], type: GGML_TYPE.F32, data: new Uint8Array(xs.buffer) });
  };
  matrix('token_embd.weight', s.dim, nVocab, 1);
  for (let l = 0; l < s.layers; l++) {
    const p = `blk.${l}.`;
    norm(`${p}attn_norm.weight`);
    matrix(`${p}attn_q.weight`, s.dim, s.dim, 1 / Math.sqrt(s.dim));
    matrix(`${p}attn_k.weight`, s.dim, kvDim, 1 / Math.sqrt(s.dim));
    matrix(`${p}attn_v.weight`, s.dim, kvDim, 1 / Math.sqrt(s.dim));
    matrix(`${p}attn_output.weight`, s.dim, s.dim, 1 / Math.sqrt(s.dim));
    norm(`${p}ffn_norm.weight`);
    matrix(`${p}ffn_gate.weight`, s.dim, s.ffnDim, 1 / Math.sqrt(s.dim));
    matrix(`${p}ffn_up.weight`, s.dim, s.ffnDim, 1 / Math.sqrt(s.dim));
    matrix(`${p}ffn_down.weight`, s.ffnDim, s.dim, 1 / Math.sqrt(s.ffnDim));
  }
  norm('output_norm.weight');
  // Logits with a spread of a few units, so greedy choices are not near-ties.
  matrix('output.weight', s.dim, nVocab, 3 / Math.sqrt(s.dim));
  return emitGguf(llamaMetadata(s), tensors);
}
