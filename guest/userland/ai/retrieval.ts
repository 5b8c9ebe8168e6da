// Retrieval for the conductor's prompts: documents on the volume are embedded as the mean of
// their tokens' embedding rows (the model's token_embd, L2-normalised), the question likewise,
// and the k documents of highest cosine similarity are put before the question. Pure functions
// plus the directory loader; `retrieve` is the command-line front end.

import type { LlamaModel } from '../../llm/model';
import { matrixRow } from '../../llm/matmul';
import type { Work } from '../../llm/cost-model';
import { O_DIRECTORY, O_RDONLY } from '../libc/numbers';
import type { Main } from '../libc/runtime';
import type { Sc, Sys } from '../libc/sys';
import { intValue, lastValue, parseArgs } from './args';
import { loadModel, readWholeFile } from './infer';
import { ComputePool } from './pool';

export interface Doc {
  name: string;
  text: string;
  vector: Float32Array;
}

/** Documents bigger than this are embedded from their first part only. */
const MAX_DOC_BYTES = 64 * 1024;
const MAX_DOCS = 1024;

/** Mean of the token embeddings of `text`, L2-normalised (a zero vector for no tokens). */
export function embedText(model: LlamaModel, text: string): Float32Array {
  const dim = model.config.dim;
  const sum = new Float32Array(dim);
  const row = new Float32Array(dim);
  const ids = model.tokenizer.encode(text, false);
  const tokens = typeof ids === 'string' ? [] : ids;
  for (const id of tokens) {
    matrixRow(model.tokenEmbedding, id, row);
    for (let i = 0; i < dim; i++) sum[i]! += row[i]!;
  }
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += sum[i]! * sum[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dim; i++) sum[i]! /= norm;
  return sum;
}

/** The work of embedding `tokens` tokens: one embedding row read and added per token. */
export function embedWork(model: LlamaModel, tokens: number, rowBytes: number): Work {
  return { flops: tokens * model.config.dim, bytes: tokens * rowBytes };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * (b[i] ?? 0);
    na += a[i]! * a[i]!;
    nb += (b[i] ?? 0) * (b[i] ?? 0);
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** The k most similar documents, best first; ties by name, so the order is total. */
export function topK(docs: readonly Doc[], query: Float32Array, k: number): { doc: Doc; score: number }[] {
  return docs
    .map((doc) => ({ doc, score: cosine(doc.vector, query) }))
    .sort((x, y) => y.score - x.score || (x.doc.name < y.doc.name ? -1 : x.doc.name > y.doc.name ? 1 : 0))
    .slice(0, Math.max(0, k));
}

/** The prompt: retrieved passages, then the question. */
export function buildPrompt(hits: readonly { doc: Doc }[], question: string): string {
  const context = hits.map((h) => `[${h.doc.name}] ${h.doc.text.trim()}`).join('\n');
  return `${context}${context ? '\n' : ''}Q: ${question.trim()}\nA:`;
}

/** Reads and embeds the regular files of `dir` (sorted by name), charging the embedding work. */
export function* loadDocs(sys: Sys, dir: string, model: LlamaModel, rowBytes: number, pool: ComputePool): Sc<Doc[] | string> {
  const fd = yield* sys.open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return `${dir}: cannot open`;
  const ents = yield* sys.getdents(fd);
  yield* sys.close(fd);
  if (typeof ents === 'number') return `${dir}: cannot list`;
  const names = ents.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort().slice(0, MAX_DOCS);
  const docs: Doc[] = [];
  for (const name of names) {
    const bytes = yield* readWholeFile(sys, `${dir}/${name}`, MAX_DOC_BYTES * 16);
    if (typeof bytes === 'string') continue; // a directory or unreadable entry is not a document
    const text = new TextDecoder().decode(bytes.subarray(0, MAX_DOC_BYTES));
    yield* pool.run(embedWork(model, bytes.length, rowBytes));
    docs.push({ name, text, vector: embedText(model, text) });
  }
  return docs;
}

/** `retrieve -m MODEL -d DIR [-k 3] QUESTION...`: prints `score name` lines, best first. */
export const retrieveMain: Main = function* (rt) {
  const p = parseArgs(rt.argv.slice(1), ['-m', '-d', '-k']);
  if (typeof p === 'string') {
    yield* rt.error(p);
    return 1;
  }
  const modelPath = lastValue(p, '-m'), dir = lastValue(p, '-d'), k = intValue(p, 3, '-k');
  if (!modelPath || !dir || typeof k === 'string' || p.operands.length === 0) {
    yield* rt.error(typeof k === 'string' ? k : 'usage: retrieve -m MODEL -d DIR [-k N] QUESTION');
    return 1;
  }
  const m = yield* loadModel(rt.sys, modelPath);
  if (typeof m === 'string') {
    yield* rt.error(m);
    return 1;
  }
  const pool = (yield* ComputePool.start(rt.sys, 1)) as ComputePool;
  const docs = yield* loadDocs(rt.sys, dir, m.model, m.footprint.embeddingRowBytes, pool);
  if (typeof docs === 'string') {
    yield* rt.error(docs);
    return 1;
  }
  const question = p.operands.join(' ');
  for (const h of topK(docs, embedText(m.model, question), k)) rt.out.put(`${h.score.toFixed(4)} ${h.doc.name}\n`);
  return 0;
};
