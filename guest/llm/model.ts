// A llama-architecture model read out of a GGUF file: hyperparameters from the llama.* keys and
// weight matrices from the tensors llama.cpp's loader names (token_embd, blk.N.*, output_norm,
// output). Missing or mis-shaped tensors are reported by name, never thrown.

import { prepareMatrix } from './matmul';
import type { Matrix } from './matmul';
import { findKv, ggmlTypeName, isGgmlType, tensorData } from './gguf/types';
import { formatGgufError, parseGguf } from './gguf/parse';
import type { GgufFile, GgufTensorInfo, GgufValue } from './gguf/types';
import { tokenizerFromGguf } from './tokenizer';
import type { SpmTokenizer } from './tokenizer';

export interface LlamaConfig {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffnDim: number;
  vocabSize: number;
  contextLength: number;
  ropeDims: number;
  ropeFreqBase: number;
  rmsEps: number;
}

export interface LlamaLayer {
  attnNorm: Float32Array;
  wq: Matrix;
  wk: Matrix;
  wv: Matrix;
  wo: Matrix;
  ffnNorm: Float32Array;
  wGate: Matrix;
  wUp: Matrix;
  wDown: Matrix;
}

export interface LlamaModel {
  config: LlamaConfig;
  tokenEmbedding: Matrix;
  layers: LlamaLayer[];
  outputNorm: Float32Array;
  output: Matrix;
  tokenizer: SpmTokenizer;
}

const MAX_DIM = 1 << 16;

function num(v: GgufValue | undefined): number | undefined {
  return v !== undefined && v.type !== 'array' && typeof v.value === 'number' ? v.value : undefined;
}

function readConfig(file: GgufFile): LlamaConfig | string {
  const arch = findKv(file, 'general.architecture');
  if (arch?.type !== 'string' || arch.value !== 'llama') return 'model: general.architecture is not "llama"';
  const need = (key: string): number | string => {
    const v = num(findKv(file, `llama.${key}`));
    if (v === undefined || !Number.isInteger(v) || v < 1 || v > MAX_DIM * 64) return `model: llama.${key} missing or invalid`;
    return v;
  };
  const dim = need('embedding_length');
  const layers = need('block_count');
  const heads = need('attention.head_count');
  const ffnDim = need('feed_forward_length');
  const contextLength = need('context_length');
  for (const v of [dim, layers, heads, ffnDim, contextLength]) if (typeof v === 'string') return v;
  const [d, l, h, f, c] = [dim, layers, heads, ffnDim, contextLength] as number[];
  const kvHeads = num(findKv(file, 'llama.attention.head_count_kv')) ?? h!;
  if (d! % h! !== 0 || kvHeads < 1 || h! % kvHeads !== 0) return 'model: head counts do not divide the embedding';
  const headDim = d! / h!;
  const ropeDims = num(findKv(file, 'llama.rope.dimension_count')) ?? headDim;
  if (ropeDims % 2 !== 0 || ropeDims > headDim) return `model: llama.rope.dimension_count ${ropeDims} is invalid`;
  return {
    dim: d!, layers: l!, heads: h!, kvHeads, headDim, ffnDim: f!, contextLength: c!, ropeDims,
    vocabSize: 0,
    ropeFreqBase: num(findKv(file, 'llama.rope.freq_base')) ?? 10000,
    rmsEps: num(findKv(file, 'llama.attention.layer_norm_rms_epsilon')) ?? 1e-5,
  };
}

class TensorSource {
  private readonly byName = new Map<string, GgufTensorInfo>();
  constructor(private readonly file: GgufFile) {
    for (const t of file.tensors) this.byName.set(t.name, t);
  }
  matrix(name: string, cols: number, rows: number): Matrix | string {
    const t = this.byName.get(name);
    if (t === undefined) return `model: tensor ${name} is missing`;
    if (t.dims.length !== 2 || t.dims[0] !== cols || t.dims[1] !== rows) {
      return `model: tensor ${name} has dims [${t.dims.join(', ')}], expected [${cols}, ${rows}]`;
    }
    if (!isGgmlType(t.type)) return unsupported(t);
    return prepareMatrix(t.type, tensorData(this.file, t), cols, rows);
  }
  vector(name: string, n: number): Float32Array | string {
    const m = this.matrix(name, n, 1);
    if (typeof m === 'string') {
      const t = this.byName.get(name);
      if (t?.dims.length === 1 && t.dims[0] === n) return this.vectorOf(t, n);
      return m;
    }
    return m.kind === 'float' ? m.w : `model: tensor ${name} must be F32 or F16`;
  }
  private vectorOf(t: GgufTensorInfo, n: number): Float32Array | string {
    if (!isGgmlType(t.type)) return unsupported(t);
    const m = prepareMatrix(t.type, tensorData(this.file, t), n, 1);
    return m.kind === 'float' ? m.w : `model: tensor ${t.name} must be F32 or F16`;
  }
  vocabRows(): number {
    return this.byName.get('token_embd.weight')?.dims[1] ?? 0;
  }
}

function unsupported(t: GgufTensorInfo): string {
  return `model: tensor ${t.name} is ${ggmlTypeName(t.type)}; twinbox's engine computes with F32, F16, Q8_0 and Q4_0`;
}

function loadLayer(src: TensorSource, c: LlamaConfig, l: number): LlamaLayer | string {
  const p = `blk.${l}.`;
  const kvDim = c.headDim * c.kvHeads;
  const parts = {
    attnNorm: src.vector(`${p}attn_norm.weight`, c.dim),
    wq: src.matrix(`${p}attn_q.weight`, c.dim, c.dim),
    wk: src.matrix(`${p}attn_k.weight`, c.dim, kvDim),
    wv: src.matrix(`${p}attn_v.weight`, c.dim, kvDim),
    wo: src.matrix(`${p}attn_output.weight`, c.dim, c.dim),
    ffnNorm: src.vector(`${p}ffn_norm.weight`, c.dim),
    wGate: src.matrix(`${p}ffn_gate.weight`, c.dim, c.ffnDim),
    wUp: src.matrix(`${p}ffn_up.weight`, c.dim, c.ffnDim),
    wDown: src.matrix(`${p}ffn_down.weight`, c.ffnDim, c.dim),
  };
  for (const v of Object.values(parts)) if (typeof v === 'string') return v;
  return parts as LlamaLayer;
}

/** Builds the model a parsed GGUF file describes, or the reason it cannot. */
export function loadLlama(file: GgufFile): LlamaModel | string {
  const cfg = readConfig(file);
  if (typeof cfg === 'string') return cfg;
  const tokenizer = tokenizerFromGguf(file);
  if (typeof tokenizer === 'string') return tokenizer;
  const src = new TensorSource(file);
  const config = { ...cfg, vocabSize: src.vocabRows() };
  if (config.vocabSize !== tokenizer.vocabSize) return `model: token_embd has ${config.vocabSize} rows for ${tokenizer.vocabSize} tokens`;
  const tokenEmbedding = src.matrix('token_embd.weight', config.dim, config.vocabSize);
  if (typeof tokenEmbedding === 'string') return tokenEmbedding;
  const layers: LlamaLayer[] = [];
  for (let l = 0; l < config.layers; l++) {
    const layer = loadLayer(src, config, l);
    if (typeof layer === 'string') return layer;
    layers.push(layer);
  }
  const outputNorm = src.vector('output_norm.weight', config.dim);
  if (typeof outputNorm === 'string') return outputNorm;
  // Without output.weight llama.cpp ties the output to the token embedding.
  const output = findTensor(file, 'output.weight') ? src.matrix('output.weight', config.dim, config.vocabSize) : tokenEmbedding;
  if (typeof output === 'string') return output;
  return { config, tokenEmbedding, layers, outputNorm, output, tokenizer };
}

function findTensor(file: GgufFile, name: string): boolean {
  return file.tensors.some((t) => t.name === name);
}

/** Parses and loads a GGUF file's bytes. */
export function loadLlamaFile(bytes: Uint8Array): LlamaModel | string {
  const parsed = parseGguf(bytes);
  if (!parsed.ok) return formatGgufError(parsed.error);
  return loadLlama(parsed.value);
}
