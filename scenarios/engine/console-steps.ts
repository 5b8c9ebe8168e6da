// Steps that talk to the serial console: send, expect, expect-not, wait.

import type { BackendName, WaitFailed } from '../../emulator/backends/backend';
import { findPattern } from '../../emulator/backends/match';
import { clockName, fail, OK, type EngineContext, type StepOutcome } from './context';
import { formatDurationNs } from './duration';
import { interpolate } from './interpolate';
import { lineBytes, parseKeys } from './keys';
import type { Pattern, Step } from './types';

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

export function noSession(): StepOutcome {
  return fail('no machine is running: add a `boot` step first');
}

export function sendStep(ctx: EngineContext, step: StepOf<'send'>): StepOutcome {
  if (!ctx.session) return noSession();
  const text = interpolate(step.text, ctx.vars);
  if (!text.ok) return fail(text.error);
  if (step.mode === 'line') {
    ctx.session.send(lineBytes(text.text));
    return OK;
  }
  const keys = parseKeys(text.text);
  if (!keys.ok) return fail(keys.error);
  ctx.session.send(keys.bytes);
  return OK;
}

/** The pattern with variables filled in, ready for the backend. */
function resolvePattern(p: Pattern, vars: Record<string, string>): { ok: true; value: string | RegExp } | { ok: false; error: string } {
  const src = interpolate(p.kind === 'text' ? p.text : p.source, vars);
  if (!src.ok) return src;
  if (p.kind === 'text') return { ok: true, value: src.text };
  try {
    return { ok: true, value: new RegExp(src.text, p.flags) };
  } catch (e) {
    return { ok: false, error: `bad regex after substitution: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function explainWait(r: WaitFailed, timeoutNs: number, backend: BackendName): string {
  switch (r.reason) {
    case 'timeout': return `not seen within ${formatDurationNs(timeoutNs)} (${clockName(backend)})`;
    case 'idle': return 'guest idle waiting for console input, so it can never appear';
    case 'powered-off': return 'the machine is powered off';
    case 'input-wanted': return 'guest waits for console input';
    default: return r.message ?? r.reason;
  }
}

export async function expectStep(ctx: EngineContext, step: StepOf<'expect'>): Promise<StepOutcome> {
  const session = ctx.session;
  if (!session) return noSession();
  const pattern = resolvePattern(step.pattern, ctx.vars);
  if (!pattern.ok) return fail(pattern.error);
  const timeoutNs = step.timeoutNs ?? ctx.scenario.timeouts.expectNs;
  const r = await session.waitFor(pattern.value, timeoutNs, ctx.cursor);
  if (!r.ok) return fail(explainWait(r, timeoutNs, session.backend));
  ctx.cursor = r.endOffset;
  Object.assign(ctx.vars, r.named);
  for (let i = 0; i < step.capture.length; i++) {
    const g = r.groups[i + 1];
    if (g === undefined) return fail(`capture '${step.capture[i]}': the regex has no group ${i + 1}`);
    ctx.vars[step.capture[i]] = g;
  }
  return OK;
}

export async function expectNotStep(ctx: EngineContext, step: StepOf<'expect-not'>): Promise<StepOutcome> {
  const session = ctx.session;
  if (!session) return noSession();
  const pattern = resolvePattern(step.pattern, ctx.vars);
  if (!pattern.ok) return fail(pattern.error);
  if (step.forNs === 0) {
    const hit = findPattern(pattern.value, session.outputText(ctx.cursor), ctx.cursor);
    return hit ? fail(`appeared in the output: ${JSON.stringify(hit.groups[0])}`) : OK;
  }
  const r = await session.waitFor(pattern.value, step.forNs, ctx.cursor);
  if (r.ok) return fail(`appeared in the output: ${JSON.stringify(r.groups[0])}`);
  if (r.reason === 'stopped' || r.reason === 'error') return fail(explainWait(r, step.forNs, session.backend));
  return OK;
}

export async function waitStep(ctx: EngineContext, step: StepOf<'wait'>): Promise<StepOutcome> {
  if (!ctx.session) return noSession();
  const r = await ctx.session.waitNs(step.durationNs);
  return r.ok ? OK : fail(explainWait(r, step.durationNs, ctx.session.backend));
}
