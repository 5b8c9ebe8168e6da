// The `screenshot` step: the PNG of what a display shows now, from the backend's session
// (the sim's virtio-gpu scanout, QEMU's QMP screendump), written under the screenshot
// directory (--screenshot-dir, default OUT/screenshots). The file is named in the transcript.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fail, OK, type EngineContext, type StepOutcome } from './context';
import type { Step } from './types';

export async function screenshotStep(ctx: EngineContext, step: Extract<Step, { kind: 'screenshot' }>): Promise<StepOutcome> {
  const s = ctx.session;
  if (!s) return fail('screenshot: no machine yet (boot first)');
  if (!s.screenshot) return fail(`screenshot: the ${s.backend} backend cannot take screenshots`);
  let png: Uint8Array;
  try {
    png = await s.screenshot(step.display);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const dir = resolve(ctx.screenshotDir ?? join(ctx.vars.out_dir ?? 'out', 'screenshots'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, step.file);
  writeFileSync(path, png);
  ctx.transcript.marker(`screenshot ${step.file} (${png.length} bytes)`);
  return OK;
}
