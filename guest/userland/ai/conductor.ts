// RayOS's Conductor: a task queue in front of the model. Tasks are files in a spool directory
// (task-queue.ts has the naming and priority rules); the conductor takes the most urgent one,
// retrieves the k documents of the volume closest to its question (retrieval.ts), runs the prompt
// through the engine, writes the result to the volume (`RESULTS/<id>.out`), and only then removes
// the task — so a task is never lost: it has a result, or it is still in the spool. After each
// task, and when idle, it rewrites its status file (`key=value` lines).
//
//   conductor -m MODEL [-t THREADS] [-n TOKENS] [-k DOCS] [--spool DIR] [--results DIR]
//             [--docs DIR] [--poll S] [--duration S] [--status PATH]

import { strerror } from '../libc/errno';
import { O_DIRECTORY, O_RDONLY } from '../libc/numbers';
import type { Main, Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { intValue, lastValue, parseArgs } from './args';
import { fixed, formatKeyValues, mkdirs, writeFileAtomic } from './files';
import { GuestLlm, loadModel, readWholeFile } from './infer';
import { ComputePool } from './pool';
import { buildPrompt, embedText, loadDocs, topK, type Doc } from './retrieval';
import { compareTasks, orderTasks, parseTaskBody, type TaskBody, type TaskRef } from './task-queue';

export const DEFAULT_SPOOL = '/var/spool/conductor';
export const DEFAULT_RESULTS = '/data/results';
export const DEFAULT_STATUS = '/run/rayos/conductor';

interface Conf {
  spool: string;
  results: string;
  status: string;
  k: number;
  gen: number;
  pollNs: number;
  endNs: number;
}

interface Counters {
  processed: number;
  failed: number;
  lastId: string;
  lastMs: number;
}

interface QueuedTask extends TaskRef {
  body: TaskBody;
}

/** The spool's tasks, each read once, in the order they run (a body's priority line wins). */
function* listSpool(rt: Runtime, dir: string): Sc<QueuedTask[] | number> {
  const fd = yield* rt.sys.open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return fd;
  const ents = yield* rt.sys.getdents(fd);
  yield* rt.sys.close(fd);
  if (typeof ents === 'number') return ents;
  const out: QueuedTask[] = [];
  for (const ref of orderTasks(ents.map((e) => e.name))) {
    const bytes = yield* readWholeFile(rt.sys, `${dir}/${ref.name}`, 1 << 20);
    if (typeof bytes === 'string') continue; // vanished or unreadable: looked at again next round
    const body = parseTaskBody(new TextDecoder().decode(bytes));
    out.push({ ...ref, priority: body.priority ?? ref.priority, body });
  }
  return out.sort(compareTasks);
}

function* runTask(rt: Runtime, llm: GuestLlm, docs: readonly Doc[], c: Conf, t: QueuedTask, startNs: number): Sc<{ ok: boolean; ms: number } | string> {
  const body = t.body;
  const hits = docs.length > 0 ? topK(docs, embedText(llm.loaded.model, body.question), c.k) : [];
  const r = yield* llm.generate(buildPrompt(hits, body.question), c.gen);
  const now = yield* rt.sys.clockGettimeNs(1);
  const lines: [string, string | number][] = [
    ['id', t.id], ['priority', t.priority], ['question', JSON.stringify(body.question)],
    ['retrieved', hits.map((h) => h.doc.name).join(',')],
  ];
  if (typeof r === 'string') lines.push(['error', JSON.stringify(r)]);
  else {
    lines.push(['prompt_tokens', r.promptTokens], ['gen_tokens', r.genTokens], ['pp_ms', fixed(r.ppNs / 1e6)], ['tg_ms', fixed(r.tgNs / 1e6)]);
    lines.push(['answer', JSON.stringify(r.text)], ['answer_tokens', r.tokens.join(',')]);
  }
  lines.push(['finished_ns', now - startNs]);
  const err = yield* writeFileAtomic(rt.sys, `${c.results}/${t.id}.out`, formatKeyValues(lines));
  if (err) return err;
  yield* rt.sys.sync();
  const un = yield* rt.sys.unlink(`${c.spool}/${t.name}`);
  if (un < 0) return `${t.name}: ${strerror(un)}`;
  return { ok: typeof r !== 'string', ms: typeof r === 'string' ? 0 : (r.ppNs + r.tgNs) / 1e6 };
}

function statusText(state: string, queued: number, n: Counters, uptimeNs: number): string {
  return formatKeyValues([
    ['state', state], ['queued', queued], ['processed', n.processed], ['failed', n.failed],
    ['last_id', n.lastId], ['last_ms', fixed(n.lastMs)], ['uptime_s', fixed(uptimeNs / 1e9)],
  ]);
}

function* loop(rt: Runtime, llm: GuestLlm, docs: readonly Doc[], c: Conf, startNs: number): Sc<number> {
  const n: Counters = { processed: 0, failed: 0, lastId: '', lastMs: 0 };
  for (;;) {
    const now = yield* rt.sys.clockGettimeNs(1);
    if (now >= c.endNs) break;
    const tasks = yield* listSpool(rt, c.spool);
    if (typeof tasks === 'number') return yield* fail(rt, `${c.spool}: ${strerror(tasks)}`);
    const next = tasks[0];
    if (next === undefined) {
      yield* writeFileAtomic(rt.sys, c.status, statusText('idle', 0, n, now - startNs));
      yield* rt.sys.nanosleep(Math.min(c.pollNs, c.endNs - now));
      continue;
    }
    const r = yield* runTask(rt, llm, docs, c, next, startNs);
    if (typeof r === 'string') {
      yield* rt.error(r);
      yield* rt.sys.nanosleep(c.pollNs);
      continue;
    }
    if (r.ok) n.processed++;
    else n.failed++;
    n.lastId = next.id;
    n.lastMs = r.ms;
    const after = yield* rt.sys.clockGettimeNs(1);
    yield* writeFileAtomic(rt.sys, c.status, statusText('busy', tasks.length - 1, n, after - startNs));
  }
  const end = yield* rt.sys.clockGettimeNs(1);
  yield* writeFileAtomic(rt.sys, c.status, statusText('stopped', 0, n, end - startNs));
  return 0;
}

export const conductorMain: Main = function* (rt) {
  const p = parseArgs(rt.argv.slice(1), ['-m', '-t', '-n', '-k', '--spool', '--results', '--docs', '--poll', '--duration', '--status']);
  if (typeof p === 'string') return yield* fail(rt, p);
  const modelPath = lastValue(p, '-m');
  const nums = [intValue(p, 1, '-t'), intValue(p, 16, '-n'), intValue(p, 2, '-k'), intValue(p, 1, '--poll'), intValue(p, 0, '--duration')];
  for (const v of nums) if (typeof v === 'string') return yield* fail(rt, v);
  const [threads, gen, k, pollS, durationS] = nums as number[];
  if (!modelPath) return yield* fail(rt, 'usage: conductor -m MODEL [-t N] [-n TOKENS] [-k DOCS] [--spool DIR] [--results DIR] [--docs DIR]');
  const startNs = yield* rt.sys.clockGettimeNs(1);
  const c: Conf = {
    spool: lastValue(p, '--spool') ?? DEFAULT_SPOOL, results: lastValue(p, '--results') ?? DEFAULT_RESULTS,
    status: lastValue(p, '--status') ?? DEFAULT_STATUS, k: k!, gen: gen!, pollNs: Math.max(1, pollS!) * 1e9,
    endNs: durationS! > 0 ? startNs + durationS! * 1e9 : Infinity,
  };
  for (const dir of [c.spool, c.results, c.status.slice(0, c.status.lastIndexOf('/'))]) {
    const r = yield* mkdirs(rt.sys, dir);
    if (r < 0) return yield* fail(rt, `${dir}: ${strerror(r)}`);
  }
  const m = yield* loadModel(rt.sys, modelPath);
  if (typeof m === 'string') return yield* fail(rt, m);
  const pool = yield* ComputePool.start(rt.sys, threads!);
  if (typeof pool === 'number') return yield* fail(rt, 'cannot start threads');
  const docsDir = lastValue(p, '--docs');
  const docs = docsDir ? yield* loadDocs(rt.sys, docsDir, m.model, m.footprint.embeddingRowBytes, pool) : [];
  if (typeof docs === 'string') return yield* fail(rt, docs);
  rt.err.put(`conductor: ${modelPath}, ${docs.length} documents, spool ${c.spool}, results ${c.results}\n`);
  yield* rt.err.flush();
  const status = yield* loop(rt, new GuestLlm(rt.sys, m, pool), docs, c, startNs);
  yield* pool.stop();
  return status;
};

function* fail(rt: Runtime, message: string): Sc<number> {
  yield* rt.error(message);
  return 1;
}
