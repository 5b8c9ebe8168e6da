// Steps that work the machine itself: boot, power-off, reset, boot-again, snapshot,
// restore, and fault injection through the registered handlers.

import { clockName, fail, OK, type EngineContext, type StepOutcome } from './context';
import { noSession } from './console-steps';
import { formatDurationNs } from './duration';
import { faultHandler } from './faults';
import { interpolate } from './interpolate';
import { resolveMachine } from './machine';
import type { Step } from './types';

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

export async function bootStep(ctx: EngineContext, step: StepOf<'boot'>): Promise<StepOutcome> {
  const raw = step.machine ?? ctx.scenario.machine;
  if (!raw) return fail('no machine to boot');
  let spec = raw;
  if (raw.kind === 'args') {
    // Machine arguments may name files through variables: `-initrd ${assets}/aarch64/initramfs.cpio.gz`.
    const args: string[] = [];
    for (const a of raw.args) {
      const r = interpolate(a, ctx.vars);
      if (!r.ok) return fail(`machine: ${r.error}`);
      args.push(r.text);
    }
    spec = { kind: 'args', args };
  }
  const desc = await resolveMachine(spec, ctx.baseDir, `${ctx.scenario.file}:${step.line}`);
  if (!desc.ok) return fail(`machine: ${desc.error}`);
  if (ctx.session) await ctx.session.close();
  ctx.session = undefined;
  try {
    ctx.session = await ctx.backend.boot(desc.value, { seed: step.seed ?? ctx.seed, hooks: ctx.hooks });
  } catch (e) {
    return fail(`boot failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  // The boot log printed at power-on is already in the session's output: take it first.
  ctx.transcript.console(ctx.session.outputBytes(0));
  ctx.session.onOutput((bytes) => ctx.transcript.console(bytes));
  ctx.cursor = 0;
  desc.value.drives.forEach((d, i) => {
    ctx.vars[`drive${i}`] = d.file;
  });
  return OK;
}

export async function powerOffStep(ctx: EngineContext, step: StepOf<'power-off'>): Promise<StepOutcome> {
  const session = ctx.session;
  if (!session) return noSession();
  if (step.force) {
    await session.powerOff();
    return OK;
  }
  if (session.power === 'off') return OK;
  const timeoutNs = step.timeoutNs ?? ctx.scenario.timeouts.powerOffNs;
  const r = await session.waitForPowerOff(timeoutNs);
  if (r.ok) return OK;
  if (r.reason === 'timeout' || r.reason === 'idle') {
    return fail(`guest did not power off within ${formatDurationNs(timeoutNs)} (${clockName(session.backend)})${r.reason === 'idle' ? '; it is idle waiting for input' : ''}`);
  }
  return fail(r.message ?? r.reason);
}

/** reset and boot-again: a fresh boot in the same session; expectations look at the new boot's output only. */
export async function rebootStep(ctx: EngineContext, step: StepOf<'reset'> | StepOf<'boot-again'>): Promise<StepOutcome> {
  const session = ctx.session;
  if (!session) return noSession();
  const start = session.outputLength;
  try {
    if (step.kind === 'reset') await session.reset();
    else await session.bootAgain();
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  ctx.cursor = start;
  return OK;
}

export async function snapshotStep(ctx: EngineContext, step: StepOf<'snapshot'>): Promise<StepOutcome> {
  if (!ctx.session) return noSession();
  try {
    ctx.snapshots.set(step.name, await ctx.session.snapshot(step.name));
  } catch (e) {
    return fail(`snapshot failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return OK;
}

export async function restoreStep(ctx: EngineContext, step: StepOf<'restore'>): Promise<StepOutcome> {
  const session = ctx.session;
  if (!session) return noSession();
  const snap = ctx.snapshots.get(step.name);
  if (!snap) return fail(`no snapshot named '${step.name}' (take one with \`snapshot: ${step.name}\` first)`);
  const start = session.outputLength;
  try {
    await session.restore(snap);
  } catch (e) {
    return fail(`restore failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  ctx.cursor = start;
  return OK;
}

export async function faultStep(ctx: EngineContext, step: StepOf<'fault'>): Promise<StepOutcome> {
  if (!ctx.session) return noSession();
  const handler = faultHandler(step.fault);
  if (!handler) return fail(`fault kind '${step.fault}' not supported`);
  try {
    const problem = await handler.apply({ session: ctx.session, vars: ctx.vars }, step.params);
    return problem ? fail(problem) : OK;
  } catch (e) {
    return fail(`fault ${step.fault}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
