// The inference library the guest's AI programs share: load a GGUF through read(2) or mmap(2), run the
// engine (guest/llm) on it, and charge every forward pass to virtual time through the worker
// pool — one step per layer plus one for the output head, the points where ggml's threads meet.
// The engine computes the real logits on the host; the cost model says how long the simulated
// CPU takes for them.

import { forwardWork, modelFootprint, splitWork, type ModelFootprint } from '../../llm/cost-model';
import { LlamaEngine } from '../../llm/engine';
import { formatGgufError, parseGguf } from '../../llm/gguf/parse';
import type { GgufFile } from '../../llm/gguf/types';
import { loadLlama, type LlamaModel } from '../../llm/model';
import { argmax } from '../../llm/sampler';
import { strerror } from '../libc/errno';
import { NR, O_RDONLY } from '../libc/numbers';
import type { Sc, Sys } from '../libc/sys';
import type { ComputePool } from './pool';

/** The engine's batch: a longer prompt goes through in passes of this many tokens. */
export const BATCH_TOKENS = 512;
/** Files bigger than this are refused before reading (the guest's RAM is finite). */
const MAX_MODEL_BYTES = 1 << 30;
const CLOCK_MONOTONIC = 1;

/** Reads a whole file with read(2): its bytes, or an error message. */
export function* readWholeFile(sys: Sys, path: string, maxBytes = MAX_MODEL_BYTES): Sc<Uint8Array | string> {
  const fd = yield* sys.open(path, O_RDONLY);
  if (fd < 0) return `${path}: ${strerror(fd)}`;
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const r = yield* sys.read(fd, 1 << 16);
    if (typeof r === 'number') {
      yield* sys.close(fd);
      return `${path}: ${strerror(r)}`;
    }
    if (r.length === 0) break;
    total += r.length;
    if (total > maxBytes) {
      yield* sys.close(fd);
      return `${path}: larger than ${maxBytes} bytes`;
    }
    parts.push(r);
  }
  yield* sys.close(fd);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const PROT_READ = 1, MAP_PRIVATE = 2;

/** Maps a whole file (PROT_READ, MAP_PRIVATE, kept mapped as llama.cpp keeps its model) and reads it through the mapping. */
export function* mapWholeFile(sys: Sys, path: string, maxBytes = MAX_MODEL_BYTES): Sc<Uint8Array | string> {
  const fd = yield* sys.open(path, O_RDONLY);
  if (fd < 0) return `${path}: ${strerror(fd)}`;
  const st = yield* sys.fstat(fd);
  if (typeof st === 'number') {
    yield* sys.close(fd);
    return `${path}: ${strerror(st)}`;
  }
  if (st.sizeBytes > maxBytes) {
    yield* sys.close(fd);
    return `${path}: larger than ${maxBytes} bytes`;
  }
  if (st.sizeBytes === 0) {
    yield* sys.close(fd);
    return new Uint8Array(0);
  }
  const addr = yield* sys.raw(NR.mmap, [0, st.sizeBytes, PROT_READ, MAP_PRIVATE, fd, 0]);
  yield* sys.close(fd);
  if (addr < 0 && addr > -4096) return `${path}: mmap: ${strerror(addr)}`;
  const bytes = sys.mem.read(addr, st.sizeBytes);
  return bytes ? new Uint8Array(bytes) : `${path}: mapping unreadable`;
}

export interface LoadedModel {
  path: string;
  file: GgufFile;
  model: LlamaModel;
  footprint: ModelFootprint;
  /** "llama ?B Q8_0", as llama.cpp describes a model. */
  description: string;
}

const FILE_TYPES: Record<number, string> = { 0: 'all F32', 1: 'F16', 2: 'Q4_0', 7: 'Q8_0' };

/** Loads a GGUF with read(2), or through mmap(2) when `useMmap` (llama.cpp's default). */
export function* loadModel(sys: Sys, path: string, useMmap = false): Sc<LoadedModel | string> {
  const bytes = useMmap ? yield* mapWholeFile(sys, path) : yield* readWholeFile(sys, path);
  if (typeof bytes === 'string') return bytes;
  const parsed = parseGguf(bytes);
  if (!parsed.ok) return `${path}: ${formatGgufError(parsed.error)}`;
  const model = loadLlama(parsed.value);
  if (typeof model === 'string') return `${path}: ${model}`;
  const ft = parsed.value.metadata.find((kv) => kv.key === 'general.file_type')?.value;
  const ftName = ft && ft.type !== 'array' && typeof ft.value === 'number' ? FILE_TYPES[ft.value] ?? `ftype ${ft.value}` : '?';
  return { path, file: parsed.value, model, footprint: modelFootprint(parsed.value), description: `llama ?B ${ftName}` };
}

export interface GenerationStats {
  text: string;
  /** The generated token ids (without the prompt). */
  tokens: number[];
  promptTokens: number;
  genTokens: number;
  ppNs: number;
  tgNs: number;
}

/** One inference context: the engine with its KV cache, charged through a pool. */
export class GuestLlm {
  readonly engine: LlamaEngine;

  constructor(
    readonly sys: Sys,
    readonly loaded: LoadedModel,
    readonly pool: ComputePool,
    contextTokens?: number,
  ) {
    this.engine = new LlamaEngine(loaded.model, contextTokens);
  }

  /** Bytes of the F16 K and V cache for the whole context. */
  get kvCacheBytes(): number {
    const c = this.loaded.model.config;
    return 2 * 2 * c.layers * c.kvHeads * c.headDim * this.engine.contextLength;
  }

  /** Bytes the model and the KV cache take. */
  get memoryBytes(): number {
    return this.loaded.footprint.sizeBytes + this.kvCacheBytes;
  }

  *nowNs(): Sc<number> {
    return yield* this.sys.clockGettimeNs(CLOCK_MONOTONIC);
  }

  /** Evaluates tokens (in batches), charging each pass; the last token's logits or an error. */
  *evaluate(tokens: readonly number[]): Sc<Float32Array | string> {
    let logits: Float32Array | string = 'engine: no tokens to evaluate';
    for (let i = 0; i < tokens.length; i += BATCH_TOKENS) {
      const batch = tokens.slice(i, i + BATCH_TOKENS);
      const c = this.loaded.model.config;
      const work = forwardWork(c, this.loaded.footprint, batch.length, this.engine.position);
      for (const step of splitWork(work, c.layers + 1)) yield* this.pool.run(step);
      logits = this.engine.evaluate(batch);
      if (typeof logits === 'string') return logits;
    }
    return logits;
  }

  /** Greedy generation from a prompt, timed on the virtual clock. */
  *generate(prompt: string, maxTokens: number): Sc<GenerationStats | string> {
    const tok = this.loaded.model.tokenizer;
    const ids = tok.encode(prompt);
    if (typeof ids === 'string') return ids;
    const room = this.engine.contextLength - maxTokens;
    const promptIds = ids.length > room ? [ids[0]!, ...ids.slice(ids.length - room + 1)] : ids;
    this.engine.reset();
    const t0 = yield* this.nowNs();
    let logits = yield* this.evaluate(promptIds);
    const t1 = yield* this.nowNs();
    const out: number[] = [];
    for (let i = 0; i < maxTokens; i++) {
      if (typeof logits === 'string') return logits;
      const next = argmax(logits);
      if (next === tok.spec.eos) break;
      out.push(next);
      if (i + 1 < maxTokens) logits = yield* this.evaluate([next]);
    }
    const t2 = yield* this.nowNs();
    return { text: tok.decode(out), tokens: out, promptTokens: promptIds.length, genTokens: out.length, ppNs: t1 - t0, tgNs: t2 - t1 };
  }
}
