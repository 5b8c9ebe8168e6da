// `host`: a command run on the host (through /bin/sh), e.g. `e2fsck -fn ${drive0}` on a
// disk image after the guest powered off. It runs in wall time with its own timeout. Its
// output is not put in the transcript (it may hold host paths or timestamps); only the
// exit status is, through the step marker's outcome.

import { spawnSync } from 'node:child_process';
import { fail, OK, type EngineContext, type StepOutcome } from './context';
import { formatDurationNs } from './duration';
import { interpolate } from './interpolate';
import { lastLines } from './transcript';
import type { Step } from './types';

const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export function hostStep(ctx: EngineContext, step: Extract<Step, { kind: 'host' }>): StepOutcome {
  const cmd = interpolate(step.run, ctx.vars);
  if (!cmd.ok) return fail(cmd.error);
  const timeoutNs = step.timeoutNs ?? ctx.scenario.timeouts.hostNs;
  const r = spawnSync('/bin/sh', ['-c', cmd.text], {
    encoding: 'utf8',
    timeout: Math.ceil(timeoutNs / 1e6),
    maxBuffer: MAX_OUTPUT_BYTES,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const tail = (): string => lastLines(output, 10).map((l) => `    | ${l}`).join('\n');
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return fail(`host command timed out after ${formatDurationNs(timeoutNs)} (wall time): ${cmd.text}`);
  }
  if (r.error) return fail(`host command could not run: ${r.error.message}`);
  if (r.status !== step.exit) {
    const how = r.status === null ? `was killed by ${r.signal ?? 'a signal'}` : `exited ${r.status}`;
    return fail(`host command ${how}, expected ${step.exit}: ${cmd.text}\n${tail()}`);
  }
  if (step.output && step.output.kind === 'regex' && !new RegExp(step.output.source, step.output.flags).test(output)) {
    return fail(`host command output does not match /${step.output.source}/${step.output.flags}: ${cmd.text}\n${tail()}`);
  }
  return OK;
}
