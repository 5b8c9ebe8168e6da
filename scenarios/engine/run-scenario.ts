// Runs one scenario: its steps in order against a backend session, a marker in the
// transcript before each, stopping at the first failure. The engine is host-side code and
// may read the wall clock, but only for the safety limit and the report's durations —
// nothing from it reaches the session or the transcript.

import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Backend, HostHooks } from '../../emulator/backends/backend';
import { DEFAULT_CACHE } from '../../tools/assets/fetch';
import { describeStep, type EngineContext, type StepOutcome } from './context';
import { expectNotStep, expectStep, sendStep, waitStep } from './console-steps';
import { formatDurationNs } from './duration';
import { hostStep } from './host-step';
import { screenshotStep } from './screenshot-step';
import { statusStep } from './status-step';
import { bootStep, faultStep, powerOffStep, rebootStep, restoreStep, snapshotStep } from './machine-steps';
import { lastLines, normalizeTranscript, Transcript } from './transcript';
import type { Scenario, Step } from './types';

export interface StepReport {
  step: Step;
  ok: boolean;
  /** Virtual time when the step ended. */
  atNs: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  passed: boolean;
  seed: number;
  steps: StepReport[];
  /** Set when a step failed: what, where, and the console's last lines. */
  failure?: { step: Step; message: string; tail: string[] };
  sha256: string;
  transcriptPath: string;
  wallMs: number;
}

export interface ScenarioReporter {
  stepStart?(scenario: Scenario, step: Step): void;
  stepEnd?(scenario: Scenario, step: Step, outcome: StepOutcome): void;
}

export interface RunScenarioOptions {
  backend: Backend;
  /** Overrides the scenario's seed (`--seed`). */
  seed?: number;
  /** Transcript directory; default out/transcripts. */
  outDir?: string;
  /** Where `screenshot` steps write their PNGs (default OUT_DIR/screenshots). */
  screenshotDir?: string;
  reporter?: ScenarioReporter;
  /** Overrides the scenario's `timeouts.wall`. */
  wallLimitNs?: number;
  /** Extra host hook: consulted before the wall-clock limit. */
  shouldStop?: () => string | undefined;
}

const TAIL_LINES = 15;

export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const outDir = options.outDir ?? join('out', 'transcripts');
  const seed = options.seed ?? scenario.seed;
  const transcriptPath = join(outDir, `${transcriptName(scenario.file)}.transcript`);
  const ctx = makeContext(scenario, options, seed, outDir, started);
  ctx.transcript.marker(`scenario ${scenario.name} seed ${seed} backend ${options.backend.name}`);
  const steps: StepReport[] = [];
  let failure: ScenarioResult['failure'];
  for (const step of scenario.steps) {
    const outcome = await runOneStep(ctx, step, options.reporter);
    steps.push({ step, ok: outcome.ok, atNs: ctx.session?.nowNs ?? 0 });
    if (!outcome.ok) {
      const tail = ctx.session ? lastLines(ctx.session.outputText(), TAIL_LINES) : [];
      failure = { step, message: outcome.message, tail };
      ctx.transcript.marker(`FAILED step ${step.index + 1}: ${outcome.message.split('\n')[0]}`);
      break;
    }
  }
  if (!failure) ctx.transcript.marker('PASSED');
  await ctx.session?.close();
  ctx.transcript.write(transcriptPath);
  if (scenario.normalize.length > 0) {
    // The form two backends' runs are diffed in; the hash stays over the exact bytes.
    const text = Buffer.from(ctx.transcript.bytes()).toString('utf8');
    writeFileSync(transcriptPath.replace(/\.transcript$/, '.normalized.transcript'), normalizeTranscript(text, scenario.normalize));
  }
  return {
    scenario, passed: !failure, seed, steps, failure, sha256: ctx.transcript.sha256(), transcriptPath, wallMs: Date.now() - started,
  };
}

function makeContext(scenario: Scenario, options: RunScenarioOptions, seed: number, outDir: string, started: number): EngineContext {
  const wallLimitNs = options.wallLimitNs ?? scenario.timeouts.wallNs;
  const deadlineMs = started + wallLimitNs / 1e6;
  const hooks: HostHooks = {
    shouldStop: () =>
      options.shouldStop?.() ??
      (Date.now() > deadlineMs ? `wall-clock safety limit of ${formatDurationNs(wallLimitNs)} reached (timeouts.wall)` : undefined),
  };
  const baseDir = dirname(resolve(scenario.file));
  return {
    scenario, backend: options.backend, seed, hooks, transcript: new Transcript(), baseDir,
    session: undefined, cursor: 0, snapshots: new Map(), screenshotDir: options.screenshotDir ?? join(outDir, 'screenshots'),
    vars: {
      ...scenario.vars, seed: String(seed), name: scenario.name, scenario_dir: baseDir, out_dir: resolve(outDir), assets: DEFAULT_CACHE,
    },
  };
}

async function runOneStep(ctx: EngineContext, step: Step, reporter: ScenarioReporter | undefined): Promise<StepOutcome> {
  reporter?.stepStart?.(ctx.scenario, step);
  const t = ctx.session ? formatDurationNs(ctx.session.nowNs) : '0ns';
  ctx.transcript.marker(`step ${step.index + 1} line ${step.line} t=${t}: ${describeStep(step)}`);
  let outcome: StepOutcome;
  try {
    outcome = await dispatch(ctx, step);
  } catch (e) {
    // A bug in a backend or handler fails this scenario with its message instead of killing the run.
    outcome = { ok: false, message: `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  }
  reporter?.stepEnd?.(ctx.scenario, step, outcome);
  return outcome;
}

function dispatch(ctx: EngineContext, step: Step): Promise<StepOutcome> | StepOutcome {
  switch (step.kind) {
    case 'boot': return bootStep(ctx, step);
    case 'send': return sendStep(ctx, step);
    case 'expect': return expectStep(ctx, step);
    case 'expect-not': return expectNotStep(ctx, step);
    case 'wait': return waitStep(ctx, step);
    case 'power-off': return powerOffStep(ctx, step);
    case 'reset':
    case 'boot-again': return rebootStep(ctx, step);
    case 'snapshot': return snapshotStep(ctx, step);
    case 'restore': return restoreStep(ctx, step);
    case 'host': return hostStep(ctx, step);
    case 'fault': return faultStep(ctx, step);
    case 'screenshot': return screenshotStep(ctx, step);
    case 'status': return statusStep(ctx, step);
  }
}

/** A file name for the transcript that keeps scenarios from different folders apart. */
export function transcriptName(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  const base = rel.startsWith('..') ? resolve(file) : rel;
  return base.replace(/\.(ya?ml|json)$/i, '').replace(/^[/\\]+/, '').replace(/[/\\]/g, '__').replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The failure as the report prints it: step, expectation, last console lines. */
export function formatFailure(result: ScenarioResult): string {
  const f = result.failure;
  if (!f) return '';
  const lines = [
    `${result.scenario.file}:${f.step.line}: step ${f.step.index + 1} (${describeStep(f.step)}) failed`,
    `  ${f.message.split('\n').join('\n  ')}`,
    `  seed ${result.seed}; transcript ${result.transcriptPath}`,
  ];
  if (f.tail.length > 0) lines.push('  last console output:', ...f.tail.map((l) => `  | ${l}`));
  return lines.join('\n');
}
