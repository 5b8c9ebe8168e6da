// llama-bench in the guest: `llama-bench -m MODEL [-p 512] [-n 128] [-t N] [-r 5] [--prio 0..3] [-mmp 0|1]`.
// Like llama.cpp's tool it loads each model, runs a warm-up and then `-r` repetitions of each
// test — pp<P> (one batched prompt of P tokens) and tg<N> (N tokens decoded one at a time from an
// empty cache) — for every thread count, and prints the markdown table with the mean and sample
// standard deviation of tokens/s. Times are virtual: the engine's work charged through the CPU
// model, so the figures are those of the simulated machine, the same for the same seed.

import { benchPrompt } from '../../llm/bench';
import type { Main, Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { intList, intValue, parseArgs, type ParsedArgs } from './args';
import { formatFooter, formatHeader, formatRow, type BenchRow } from './bench-format';
import { GuestLlm, loadModel, readWholeFile, type LoadedModel } from './infer';
import { ComputePool } from './pool';

const NR_SETPRIORITY = 140;
const PRIO_PROCESS = 0;
/** --prio as llama.cpp maps it to a nice value (set_process_priority). */
const PRIO_NICE = [0, -5, -10, -20];
export const BENCH_BUILD = 'twinbox-guest (1)';

interface BenchPlan {
  models: string[];
  prompts: number[];
  gens: number[];
  threads: number[];
  reps: number;
  prio: number;
  mmap: boolean;
}

/** Logical CPUs, as `processor` lines of /proc/cpuinfo (1 if unreadable). */
export function* onlineCpus(rt: Runtime): Sc<number> {
  const text = yield* readWholeFile(rt.sys, '/proc/cpuinfo', 1 << 20);
  if (typeof text === 'string') return 1;
  const n = new TextDecoder().decode(text).split('\n').filter((l) => /^processor\s*:/.test(l)).length;
  return Math.max(1, n);
}

function plan(p: ParsedArgs, defaultThreads: number): BenchPlan | string {
  const models = [...(p.values.get('-m') ?? []), ...(p.values.get('--model') ?? [])].flatMap((v) => v.split(','));
  const prompts = intList(p, [512], '-p', '--n-prompt');
  const gens = intList(p, [128], '-n', '--n-gen');
  const threads = intList(p, [defaultThreads], '-t', '--threads');
  const reps = intValue(p, 5, '-r', '--repetitions');
  const prio = intValue(p, 0, '--prio');
  const mmap = intValue(p, 1, '-mmp', '--mmap');
  for (const v of [prompts, gens, threads, reps, prio, mmap]) if (typeof v === 'string') return v;
  const out = p.values.get('-o') ?? p.values.get('--output') ?? ['md'];
  if (out[out.length - 1] !== 'md') return `output format ${out[out.length - 1]} is not supported (md only)`;
  if (models.length === 0) return 'no model given (-m)';
  if ((threads as number[]).some((t) => t < 1)) return 'threads must be at least 1';
  if ((prio as number) > 3) return '--prio must be 0..3';
  if ((mmap as number) > 1) return '-mmp must be 0 or 1';
  return { models, prompts: prompts as number[], gens: gens as number[], threads: threads as number[], reps: Math.max(1, reps as number), prio: prio as number, mmap: mmap === 1 };
}

/** One test's repetitions: tokens/s of each. */
function* runTest(llm: GuestLlm, kind: 'pp' | 'tg', n: number, reps: number): Sc<number[] | string> {
  const tokens = benchPrompt(llm.loaded.model, Math.max(n, 2));
  const pass = function* (count: number): Sc<string | null> {
    llm.engine.reset();
    if (kind === 'pp') {
      const r = yield* llm.evaluate(tokens.slice(0, count));
      return typeof r === 'string' ? r : null;
    }
    for (let i = 0; i < count; i++) {
      const r = yield* llm.evaluate([tokens[i % tokens.length]!]);
      if (typeof r === 'string') return r;
    }
    return null;
  };
  const warm = yield* pass(kind === 'pp' ? Math.min(n, 32) : 1);
  if (warm) return warm;
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = yield* llm.nowNs();
    const err = yield* pass(n);
    if (err) return err;
    const t1 = yield* llm.nowNs();
    samples.push(t1 > t0 ? (n * 1e9) / (t1 - t0) : 0);
  }
  return samples;
}

function* benchModel(rt: Runtime, m: LoadedModel, pl: BenchPlan): Sc<number> {
  const ctx = Math.max(...pl.prompts, ...pl.gens, 1);
  for (const t of pl.threads) {
    const pool = yield* ComputePool.start(rt.sys, t);
    if (typeof pool === 'number') {
      yield* rt.perror('cannot start threads', pool);
      return 1;
    }
    const llm = new GuestLlm(rt.sys, m, pool, ctx);
    const tests: ['pp' | 'tg', number][] = [...pl.prompts.filter((n) => n > 0).map((n) => ['pp', n] as ['pp', number]), ...pl.gens.filter((n) => n > 0).map((n) => ['tg', n] as ['tg', number])];
    for (const [kind, n] of tests) {
      const samples = yield* runTest(llm, kind, n, pl.reps);
      if (typeof samples === 'string') {
        yield* pool.stop();
        yield* rt.error(samples);
        return 1;
      }
      const row: BenchRow = { model: m.description, sizeBytes: m.footprint.sizeBytes, params: m.footprint.params, backend: 'CPU', threads: t, test: `${kind}${n}`, samples };
      rt.out.put(formatRow(row));
      yield* rt.out.flush();
    }
    yield* pool.stop();
  }
  return 0;
}

export const llamaBenchMain: Main = function* (rt) {
  const p = parseArgs(rt.argv.slice(1), ['-m', '--model', '-p', '--n-prompt', '-n', '--n-gen', '-t', '--threads', '-r', '--repetitions', '--prio', '-o', '--output', '-mmp', '--mmap']);
  if (typeof p === 'string') {
    yield* rt.error(p);
    return 1;
  }
  const pl = plan(p, yield* onlineCpus(rt));
  if (typeof pl === 'string') {
    yield* rt.error(pl);
    return 1;
  }
  if (pl.prio > 0) yield* rt.sys.raw(NR_SETPRIORITY, [PRIO_PROCESS, 0, PRIO_NICE[pl.prio]!]);
  rt.out.put(formatHeader());
  yield* rt.out.flush();
  for (const path of pl.models) {
    const m = yield* loadModel(rt.sys, path, pl.mmap);
    if (typeof m === 'string') {
      yield* rt.error(`error: failed to load model '${path}': ${m}`);
      return 1;
    }
    const status = yield* benchModel(rt, m, pl);
    if (status !== 0) return status;
  }
  rt.out.put(formatFooter(BENCH_BUILD));
  return 0;
};
