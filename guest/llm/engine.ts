// The llama forward pass with a KV cache: a batch of tokens at consecutive positions goes through
// every block at once (batched prompt processing), one token at a time during generation.
//
//   x = embed(tokens)
//   per block:  x += Wo · attention(rope(Wq·n), rope(Wk·n), Wv·n)   with n = rmsnorm(x) · attn_norm
//               x += Wdown · (silu(Wgate·n) ⊙ Wup·n)                with n = rmsnorm(x) · ffn_norm
//   logits = Woutput · (rmsnorm(x) · output_norm)
//
// Like llama.cpp (default context: F16 K/V cache, no flash attention) the cache holds K and V
// rounded to half precision, and q and the attention weights are rounded to half before their
// products with the cache, because ggml converts the float operand to F16 for those matmuls.

import { roundF16 } from './gguf/f16';
import { matmul, matrixRow } from './matmul';
import type { LlamaConfig, LlamaLayer, LlamaModel } from './model';
import { RopeTable, rmsNorm, softmax, swiglu } from './ops';

const MAX_BATCH = 512;

export interface EngineState {
  nPast: number;
  keys: Float32Array[];
  values: Float32Array[];
}

/** K and V cache floats per engine, all layers (1 GiB): a hostile context_length cannot exhaust the host. */
const MAX_CACHE_FLOATS = 1 << 28;

export class LlamaEngine {
  readonly config: LlamaConfig;
  readonly contextLength: number;
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  private readonly rope: RopeTable;
  private nPast = 0;

  constructor(readonly model: LlamaModel, contextLength = model.config.contextLength) {
    this.config = model.config;
    const perPosition = 2 * model.layers.length * this.config.kvHeads * this.config.headDim;
    const wanted = Number.isFinite(contextLength) ? Math.floor(contextLength) : model.config.contextLength;
    this.contextLength = Math.max(1, Math.min(wanted, 1 << 16, Math.floor(MAX_CACHE_FLOATS / Math.max(1, perPosition))));
    const kvSize = this.contextLength * this.config.kvHeads * this.config.headDim;
    this.keys = model.layers.map(() => new Float32Array(kvSize));
    this.values = model.layers.map(() => new Float32Array(kvSize));
    this.rope = new RopeTable(this.contextLength, this.config.ropeDims, this.config.ropeFreqBase);
  }

  /** Tokens already in the KV cache. */
  get position(): number {
    return this.nPast;
  }

  reset(): void {
    this.nPast = 0;
  }

  /** The sequence state (positions and their K/V), for snapshots: restore then run equals run. */
  save(): EngineState {
    const kvDim = this.config.kvHeads * this.config.headDim;
    const used = this.nPast * kvDim;
    return { nPast: this.nPast, keys: this.keys.map((k) => k.slice(0, used)), values: this.values.map((v) => v.slice(0, used)) };
  }

  /** Restores a saved state; a state from another model shape or too long for this context is refused. */
  restore(state: EngineState): string | null {
    const kvDim = this.config.kvHeads * this.config.headDim;
    const used = state.nPast * kvDim;
    const fits = state.nPast >= 0 && state.nPast <= this.contextLength && state.keys.length === this.keys.length &&
      state.values.length === this.values.length && [...state.keys, ...state.values].every((a) => a.length === used);
    if (!fits) return 'engine: saved state does not fit this model and context';
    state.keys.forEach((k, l) => this.keys[l]!.set(k));
    state.values.forEach((v, l) => this.values[l]!.set(v));
    this.nPast = state.nPast;
    return null;
  }

  /** Forgets cached positions from `pos` on (as llama.cpp's sequence erase does for a suffix). */
  truncate(pos: number): void {
    this.nPast = Math.max(0, Math.min(this.nPast, pos));
  }

  /**
   * Appends `tokens` to the sequence and returns the logits after the last one (or after every one
   * when `allLogits`), vocabSize floats per token. Errors (bad token id, context full) are values.
   */
  evaluate(tokens: readonly number[], allLogits = false): Float32Array | string {
    if (tokens.length === 0) return 'engine: no tokens to evaluate';
    if (this.nPast + tokens.length > this.contextLength) {
      return `engine: context full (${this.nPast} + ${tokens.length} > ${this.contextLength})`;
    }
    for (const t of tokens) {
      if (!Number.isInteger(t) || t < 0 || t >= this.config.vocabSize) return `engine: token ${t} outside the vocabulary`;
    }
    const parts: Float32Array[] = [];
    for (let i = 0; i < tokens.length; i += MAX_BATCH) {
      const chunk = tokens.slice(i, i + MAX_BATCH);
      const last = i + MAX_BATCH >= tokens.length;
      if (allLogits || last) parts.push(this.forwardBatch(chunk, allLogits));
      else this.forwardBatch(chunk, false);
    }
    return parts.length === 1 ? parts[0]! : concat(parts);
  }

  private forwardBatch(tokens: readonly number[], allLogits: boolean): Float32Array {
    const { dim, vocabSize, rmsEps } = this.config;
    const n = tokens.length;
    const x = new Float32Array(n * dim);
    for (let t = 0; t < n; t++) matrixRow(this.model.tokenEmbedding, tokens[t]!, x.subarray(t * dim, (t + 1) * dim));
    for (let l = 0; l < this.model.layers.length; l++) this.block(l, this.model.layers[l]!, x, n);
    this.nPast += n;
    const first = allLogits ? 0 : n - 1;
    const rows = n - first;
    const normed = new Float32Array(rows * dim);
    rmsNorm(x.subarray(first * dim), this.model.outputNorm, rmsEps, rows, normed);
    const logits = new Float32Array(rows * vocabSize);
    matmul(this.model.output, normed, rows, logits);
    return logits;
  }

  private block(l: number, w: LlamaLayer, x: Float32Array, n: number): void {
    const { dim, ffnDim, rmsEps } = this.config;
    const normed = new Float32Array(n * dim);
    rmsNorm(x, w.attnNorm, rmsEps, n, normed);
    const attn = this.attention(l, w, normed, n);
    const attnOut = new Float32Array(n * dim);
    matmul(w.wo, attn, n, attnOut);
    for (let i = 0; i < n * dim; i++) x[i] = x[i]! + attnOut[i]!;
    rmsNorm(x, w.ffnNorm, rmsEps, n, normed);
    const gate = new Float32Array(n * ffnDim);
    const up = new Float32Array(n * ffnDim);
    matmul(w.wGate, normed, n, gate);
    matmul(w.wUp, normed, n, up);
    swiglu(gate, up, n * ffnDim);
    const down = new Float32Array(n * dim);
    matmul(w.wDown, gate, n, down);
    for (let i = 0; i < n * dim; i++) x[i] = x[i]! + down[i]!;
  }

  /** Grouped-query causal attention for n new tokens; returns the concatenated head outputs. */
  private attention(l: number, w: LlamaLayer, normed: Float32Array, n: number): Float32Array {
    const { dim, heads, kvHeads, headDim } = this.config;
    const kvDim = kvHeads * headDim;
    const q = new Float32Array(n * dim);
    const k = new Float32Array(n * kvDim);
    const v = new Float32Array(n * kvDim);
    matmul(w.wq, normed, n, q);
    matmul(w.wk, normed, n, k);
    matmul(w.wv, normed, n, v);
    const keys = this.keys[l]!;
    const values = this.values[l]!;
    for (let t = 0; t < n; t++) {
      const pos = this.nPast + t;
      this.rope.apply(q, t * dim, heads, headDim, pos);
      for (let i = t * dim; i < (t + 1) * dim; i++) q[i] = roundF16(q[i]!);
      this.rope.apply(k, t * kvDim, kvHeads, headDim, pos);
      for (let i = 0; i < kvDim; i++) {
        keys[pos * kvDim + i] = roundF16(k[t * kvDim + i]!);
        values[pos * kvDim + i] = roundF16(v[t * kvDim + i]!);
      }
    }
    const out = new Float32Array(n * dim);
    const scores = new Float32Array(this.nPast + n);
    const scale = Math.fround(1 / Math.sqrt(headDim));
    const group = heads / kvHeads;
    for (let t = 0; t < n; t++) {
      const len = this.nPast + t + 1;
      for (let h = 0; h < heads; h++) {
        const qo = t * dim + h * headDim;
        const ko = Math.floor(h / group) * headDim;
        for (let p = 0; p < len; p++) {
          let dot = 0;
          for (let i = 0; i < headDim; i++) dot += q[qo + i]! * keys[p * kvDim + ko + i]!;
          scores[p] = Math.fround(dot) * scale;
        }
        softmax(scores, len);
        for (let p = 0; p < len; p++) {
          const a = roundF16(scores[p]!);
          if (a === 0) continue;
          for (let i = 0; i < headDim; i++) out[qo + i] = out[qo + i]! + a * values[p * kvDim + ko + i]!;
        }
      }
    }
    return out;
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
