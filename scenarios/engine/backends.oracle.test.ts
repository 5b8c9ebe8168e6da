// The default suite and the Phase A acceptance tests on both backends: the same scenario files
// pass on the simulator and on real QEMU with Debian's Linux + BusyBox (needs qemu-system-arm,
// qemu-system-x86 and `twinbox assets fetch`). Run by `npm run test:oracle`.

import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveAssets } from '../../tools/assets/fetch';
import { selectBackend } from '../../emulator/backends/select';
import { loadScenarioFile } from './load';
import { formatFailure, runScenario } from './run-scenario';
import { collectScenarioFiles } from './suite';

const outDir = mkdtempSync(join(tmpdir(), 'twinbox-backends-'));
const collected = collectScenarioFiles(['scenarios/default', 'scenarios/phase-a', 'scenarios/phase-b']);
const files = collected.ok ? collected.files : [];

describe('scenarios/default, phase-a and phase-b on both backends', () => {
  it('has assets for real QEMU', () => {
    expect(haveAssets('aarch64') && haveAssets('x86_64'), 'run `twinbox assets fetch` first').toBe(true);
  });

  for (const backendName of ['sim', 'qemu']) {
    for (const file of files) {
      it(`${file} passes on ${backendName}`, async () => {
        const backend = await selectBackend(backendName);
        if (!backend.ok) throw new Error(backend.error);
        const loaded = loadScenarioFile(file);
        if (!loaded.ok) throw new Error(loaded.error);
        const r = await runScenario(loaded.scenario, { backend: backend.backend, outDir });
        expect(formatFailure(r)).toBe('');
      }, 180_000);
    }
  }
});
