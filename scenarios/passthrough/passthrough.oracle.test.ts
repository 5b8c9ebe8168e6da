// The q35-dual-display acceptance scenario on real QEMU 7.2 with Debian's Linux + BusyBox:
// the same file that passes on the simulator (scenarios.test.ts) must pass against the real
// kernel. neuronos-phase0.yaml is simulator-only (a real host's GPUs cannot be booted in QEMU).
// Needs qemu-system-x86 and `twinbox assets fetch`. Run by `npm run test:oracle`.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../emulator/backends/select';
import { haveAssets } from '../../tools/assets/fetch';
import { loadScenarioFile } from '../engine/load';
import { formatFailure, runScenario } from '../engine/run-scenario';

const outDir = mkdtempSync(join(tmpdir(), 'twinbox-passthrough-'));

describe('passthrough scenarios on real QEMU and Linux', () => {
  it('has assets for real QEMU', () => {
    expect(haveAssets('x86_64'), 'run `twinbox assets fetch` first').toBe(true);
  });

  it('q35-dual-display.yaml passes on qemu', async () => {
    const backend = await selectBackend('qemu');
    if (!backend.ok) throw new Error(backend.error);
    const loaded = loadScenarioFile(fileURLToPath(new URL('./q35-dual-display.yaml', import.meta.url)));
    if (!loaded.ok) throw new Error(loaded.error);
    const r = await runScenario(loaded.scenario, { backend: backend.backend, outDir });
    expect(formatFailure(r)).toBe('');
  }, 180_000);
});
