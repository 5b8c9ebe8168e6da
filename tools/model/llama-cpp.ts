// llama.cpp as the oracle and the performance anchor, through node-llama-cpp (its prebuilt CPU
// binary; nothing is compiled). Contexts use llama.cpp's defaults that twinbox's engine mirrors:
// F16 K/V cache, no flash attention, CPU only, an explicit thread count.

import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { throughput } from '../../guest/llm/bench';
import type { ThroughputResult } from '../../guest/llm/bench';

export interface LlamaCppSession {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  bos: number;
  eos: number;
  /** Token ids as llama.cpp tokenizes `text`, <s> first. */
  tokenize(text: string): number[];
  /** Logits after each of `tokens` (a fresh sequence), vocabSize floats per token. */
  logits(tokens: number[], vocabSize: number): Promise<Float32Array>;
  /** Greedy continuation of `tokens`, stopping at </s> or after maxTokens. */
  greedy(tokens: number[], maxTokens: number): Promise<number[]>;
  dispose(): Promise<void>;
}

let llamaInstance: Promise<Llama> | null = null;

async function llama(): Promise<Llama> {
  if (llamaInstance === null) {
    llamaInstance = import('node-llama-cpp').then((m) => m.getLlama({ gpu: false, build: 'never', logLevel: m.LlamaLogLevel.error }));
  }
  return llamaInstance;
}

export async function openLlamaCpp(modelPath: string, contextSize: number, threads: number): Promise<LlamaCppSession | string> {
  let l: Llama;
  try {
    l = await llama();
  } catch (e) {
    llamaInstance = null;
    return `node-llama-cpp unavailable: ${(e as Error).message}`;
  }
  const model = await l.loadModel({ modelPath });
  const context = await model.createContext({ contextSize, batchSize: contextSize, threads, flashAttention: false, sequences: 1 });
  // One sequence, cleared before each use: a disposed sequence's slot is not free again at once.
  const seq = context.getSequence();
  const bos = model.tokens.bos ?? 1;
  const eos = model.tokens.eos ?? 2;
  const session: LlamaCppSession = {
    model, context, sequence: seq, bos, eos,
    tokenize: (text) => [bos, ...model.tokenize(text).map(Number)],
    async logits(tokens, vocabSize) {
      await seq.clearHistory();
      const items = tokens.map((t) => [t as Token, { generateNext: { logits: true } }] as [Token, { generateNext: { logits: true } }]);
      const res = await seq.controlledEvaluate(items);
      const out = new Float32Array(tokens.length * vocabSize);
      res.forEach((r, i) => {
        for (const [id, v] of r?.next.logits ?? []) out[i * vocabSize + id] = v;
      });
      return out;
    },
    async greedy(tokens, maxTokens) {
      await seq.clearHistory();
      const out: number[] = [];
      for await (const t of seq.evaluate(tokens as Token[], { temperature: 0 })) {
        if (t === eos) break;
        out.push(t);
        if (out.length >= maxTokens) break;
      }
      return out;
    },
    async dispose() {
      await context.dispose();
      await model.dispose();
    },
  };
  return session;
}

/** llama.cpp's pp and tg on the same prompt tokens, wall clock from `nowMs`. */
export async function benchLlamaCpp(
  modelPath: string, prompt: number[], genTokens: number, threads: number, nowMs: () => number,
): Promise<ThroughputResult | string> {
  const s = await openLlamaCpp(modelPath, prompt.length + genTokens + 8, threads);
  if (typeof s === 'string') return s;
  try {
    const seq = s.sequence;
    await seq.clearHistory();
    const items = prompt.map((t, i) => (i === prompt.length - 1 ? [t as Token, { generateNext: { token: true } }] as [Token, { generateNext: { token: true } }] : t as Token));
    const t0 = nowMs();
    const res = await seq.controlledEvaluate(items);
    const t1 = nowMs();
    const first = res[res.length - 1]?.next.token;
    if (first === undefined || first === null) return 'llama.cpp: no token after the prompt';
    // Each yielded token costs one evaluation, as in twinbox's loop: genTokens evaluations.
    let n = 0;
    for await (const t of seq.evaluate([first], { temperature: 0 })) {
      void t;
      if (++n >= genTokens) break;
    }
    const t2 = nowMs();
    return throughput(`llama.cpp (node-llama-cpp, ${threads} thread${threads === 1 ? '' : 's'})`, prompt.length, genTokens, t1 - t0, t2 - t1);
  } finally {
    await s.dispose();
  }
}
