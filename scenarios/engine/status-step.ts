// The `status` step: asks the backend for the machine's run state (QMP `query-status` on QEMU,
// the power state on the simulator) and checks it, e.g. `status: running` before power-off
// and `status: shutdown` after. The state read is named in the transcript.

import { fail, OK, type EngineContext, type StepOutcome } from './context';
import type { Step } from './types';

export async function statusStep(ctx: EngineContext, step: Extract<Step, { kind: 'status' }>): Promise<StepOutcome> {
  const s = ctx.session;
  if (!s) return fail('status: no machine yet (boot first)');
  if (!s.status) return fail(`status: the ${s.backend} backend cannot report its run state`);
  let state: string;
  try {
    state = (await s.status()).status;
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  ctx.transcript.marker(`status ${state}`);
  return state === step.expect ? OK : fail(`status: expected ${step.expect}, the machine is ${state}`);
}
