// Every scenario file under scenarios/ must load (always checked), and must pass on the
// simulator with the real guest kernel. The second part is gated on guest/index.ts
// existing, and says so in the test name while it is skipped.

import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimBackend } from '../emulator/backends/sim/backend';
import { loadScenarioFile } from './engine/load';
import { formatFailure, runScenario } from './engine/run-scenario';
import { collectScenarioFiles } from './engine/suite';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..');
const collected = collectScenarioFiles([HERE]);
const files = collected.ok ? collected.files.map((f) => relative(ROOT, f)) : [];
const HAS_GUEST = existsSync(join(ROOT, 'guest', 'index.ts'));
const SKIP_REASON = 'skipped: guest/index.ts (the guest kernel) does not exist yet';
const runOrSkip = HAS_GUEST ? it : it.skip;
const outDir = mkdtempSync(join(tmpdir(), 'twinbox-scenarios-'));

describe('scenario files', () => {
  it('are found, including the default suite', () => {
    expect(collected.ok).toBe(true);
    expect(files).toContain('scenarios/default/boot-virt.yaml');
    expect(files).toContain('scenarios/default/boot-q35.yaml');
  });

  for (const file of files) {
    it(`${file} loads`, () => {
      const r = loadScenarioFile(join(ROOT, file));
      expect(r.ok ? '' : r.error).toBe('');
    });

    runOrSkip(`${file} passes on the simulator${HAS_GUEST ? '' : ` (${SKIP_REASON})`}`, async () => {
      const r = loadScenarioFile(join(ROOT, file));
      if (!r.ok) throw new Error(r.error);
      const result = await runScenario(r.scenario, { backend: new SimBackend(), outDir });
      expect(formatFailure(result)).toBe('');
    });
  }

  runOrSkip(`the default boot scenario gives the same hash twice${HAS_GUEST ? '' : ` (${SKIP_REASON})`}`, async () => {
    const r = loadScenarioFile(join(HERE, 'default', 'boot-virt.yaml'));
    if (!r.ok) throw new Error(r.error);
    const a = await runScenario(r.scenario, { backend: new SimBackend(), outDir });
    const b = await runScenario(r.scenario, { backend: new SimBackend(), outDir });
    expect(a.sha256).toBe(b.sha256);
  });
});
