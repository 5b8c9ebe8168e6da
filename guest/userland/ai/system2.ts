// RayOS's System 2: the resident LLM. It loads the model from the volume with read(2) (or mmap(2)
// with --mmap), then
// serves a steady stream of inference — a prompt every `--interval` virtual seconds (from
// --prompts FILE, one per line, round-robin, or a built-in set) — and rewrites its metrics file
// after each one: `key=value` lines the System 1 dashboard and the scenarios read.
//
//   system2 -m MODEL [-t THREADS] [-n TOKENS] [--interval S] [--duration S] [--metrics PATH]
//           [--prompts FILE] [--nice N] [--print] [--mmap]
//
// Metrics (/run/rayos/metrics by default): model, model_bytes, memory_bytes, mem_model_bytes,
// mem_kv_bytes (the names system1's dashboard shows), threads, requests,
// prompt_tokens, gen_tokens, pp_tokens_per_s, tokens_per_s, ms_per_token (of the last request),
// avg_tokens_per_s (all requests), load_ms, uptime_s, state (serving|stopped). --print also prints
// a one-line summary to stdout after every request (RayOS's "metrics displayed every N seconds").

import type { Main, Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { intValue, lastValue, parseArgs } from './args';
import { fixed, formatKeyValues, mkdirs, writeFileAtomic } from './files';
import { GuestLlm, loadModel, readWholeFile, type GenerationStats } from './infer';
import { ComputePool } from './pool';

export const DEFAULT_METRICS_PATH = '/run/rayos/metrics';
const NR_SETPRIORITY = 140;
const DEFAULT_PROMPTS = [
  'System 2 status report:',
  'The conductor asks: summarise the queue.',
  'Describe the volume layout.',
];

interface Totals {
  requests: number;
  promptTokens: number;
  genTokens: number;
  tgNs: number;
}

function metricsText(path: string, llm: GuestLlm, threads: number, loadNs: number, uptimeNs: number, t: Totals, last: GenerationStats | undefined, state: string): string {
  const perS = (n: number, ns: number) => (ns > 0 ? (n * 1e9) / ns : 0);
  return formatKeyValues([
    ['model', path], ['model_bytes', llm.loaded.footprint.sizeBytes], ['memory_bytes', llm.memoryBytes],
    ['mem_model_bytes', llm.loaded.footprint.sizeBytes], ['mem_kv_bytes', llm.kvCacheBytes], ['threads', threads],
    ['state', state], ['requests', t.requests], ['prompt_tokens', t.promptTokens], ['gen_tokens', t.genTokens],
    ['pp_tokens_per_s', fixed(last ? perS(last.promptTokens, last.ppNs) : 0)],
    ['tokens_per_s', fixed(last ? perS(last.genTokens, last.tgNs) : 0)],
    ['ms_per_token', fixed(last && last.genTokens > 0 ? last.tgNs / last.genTokens / 1e6 : 0)],
    ['avg_tokens_per_s', fixed(perS(t.genTokens, t.tgNs))],
    ['load_ms', fixed(loadNs / 1e6)], ['uptime_s', fixed(uptimeNs / 1e9)],
  ]);
}

function* readPrompts(rt: Runtime, path: string | undefined): Sc<string[] | string> {
  if (!path) return DEFAULT_PROMPTS;
  const bytes = yield* readWholeFile(rt.sys, path, 1 << 20);
  if (typeof bytes === 'string') return bytes;
  const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 ? lines : DEFAULT_PROMPTS;
}

export const system2Main: Main = function* (rt) {
  const p = parseArgs(rt.argv.slice(1), ['-m', '-t', '-n', '--interval', '--duration', '--metrics', '--prompts', '--nice'], ['--print', '--mmap']);
  if (typeof p === 'string') return yield* fail(rt, p);
  const modelPath = lastValue(p, '-m');
  const threads = intValue(p, 1, '-t'), gen = intValue(p, 16, '-n');
  const intervalS = intValue(p, 5, '--interval'), durationS = intValue(p, 0, '--duration');
  const nice = lastValue(p, '--nice');
  for (const v of [threads, gen, intervalS, durationS]) if (typeof v === 'string') return yield* fail(rt, v);
  if (!modelPath) return yield* fail(rt, 'usage: system2 -m MODEL [-t N] [-n TOKENS] [--interval S] [--duration S] [--metrics PATH]');
  if (nice !== undefined && /^-?\d+$/.test(nice)) yield* rt.sys.raw(NR_SETPRIORITY, [0, 0, Number(nice)]);
  const metricsPath = lastValue(p, '--metrics') ?? DEFAULT_METRICS_PATH;
  yield* mkdirs(rt.sys, metricsPath.slice(0, metricsPath.lastIndexOf('/')));
  const prompts = yield* readPrompts(rt, lastValue(p, '--prompts'));
  if (typeof prompts === 'string') return yield* fail(rt, prompts);

  const start = yield* rt.sys.clockGettimeNs(1);
  const m = yield* loadModel(rt.sys, modelPath, p.flags.has('--mmap'));
  if (typeof m === 'string') return yield* fail(rt, m);
  const pool = yield* ComputePool.start(rt.sys, threads as number);
  if (typeof pool === 'number') return yield* fail(rt, 'cannot start threads');
  const llm = new GuestLlm(rt.sys, m, pool);
  const loadNs = (yield* rt.sys.clockGettimeNs(1)) - start;
  rt.err.put(`system2: loaded ${modelPath} (${fixed(m.footprint.sizeBytes / 1048576)} MiB, ${m.model.config.layers} layers) in ${fixed(loadNs / 1e6)} ms, ${pool.threads} threads\n`);
  yield* rt.err.flush();

  const totals: Totals = { requests: 0, promptTokens: 0, genTokens: 0, tgNs: 0 };
  let last: GenerationStats | undefined;
  const endNs = (durationS as number) > 0 ? start + (durationS as number) * 1e9 : Infinity;
  for (let tick = 0; ; tick++) {
    const now = yield* rt.sys.clockGettimeNs(1);
    if (now >= endNs) break;
    const r = yield* llm.generate(prompts[tick % prompts.length]!, gen as number);
    if (typeof r === 'string') return yield* fail(rt, r);
    last = r;
    totals.requests++;
    totals.promptTokens += r.promptTokens;
    totals.genTokens += r.genTokens;
    totals.tgNs += r.tgNs;
    const after = yield* rt.sys.clockGettimeNs(1);
    const err = yield* writeFileAtomic(rt.sys, metricsPath, metricsText(modelPath, llm, pool.threads, loadNs, after - start, totals, last, 'serving'));
    if (err) return yield* fail(rt, err);
    if (p.flags.has('--print')) {
      rt.out.put(`system2: uptime ${fixed((after - start) / 1e9)} s: requests ${totals.requests}, ${fixed((r.genTokens * 1e9) / Math.max(1, r.tgNs))} tokens/s, ${fixed(r.genTokens > 0 ? r.tgNs / r.genTokens / 1e6 : 0)} ms/token\n`);
      yield* rt.out.flush();
    }
    // Next request at the next interval boundary (no drift from the time inference took).
    const next = start + loadNs + (tick + 1) * (intervalS as number) * 1e9;
    if (next > after) yield* rt.sys.nanosleep(Math.min(next, endNs) - after);
  }
  const end = yield* rt.sys.clockGettimeNs(1);
  yield* writeFileAtomic(rt.sys, metricsPath, metricsText(modelPath, llm, pool.threads, loadNs, end - start, totals, last, 'stopped'));
  yield* pool.stop();
  return 0;
};

function* fail(rt: Runtime, message: string): Sc<number> {
  yield* rt.error(message);
  return 1;
}
