// Every scenario file under scenarios/ must load and must pass on the simulator with the real
// guest kernel. Scenarios that boot Debian's assets (`${assets}`, from `twinbox assets fetch`)
// run in the oracle suite instead (scenarios/engine/backends.oracle.test.ts), where CI has them.

import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
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
const needsAssets = (file: string) => readFileSync(join(ROOT, file), 'utf8').includes('${assets}');
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

    if (needsAssets(file)) continue;
    it(`${file} passes on the simulator`, async () => {
      const r = loadScenarioFile(join(ROOT, file));
      if (!r.ok) throw new Error(r.error);
      const result = await runScenario(r.scenario, { backend: new SimBackend(), outDir });
      expect(formatFailure(result)).toBe('');
    });
  }

  it('the default boot scenario gives the same hash twice', async () => {
    const r = loadScenarioFile(join(HERE, 'default', 'boot-virt.yaml'));
    if (!r.ok) throw new Error(r.error);
    const a = await runScenario(r.scenario, { backend: new SimBackend(), outDir });
    const b = await runScenario(r.scenario, { backend: new SimBackend(), outDir });
    expect(a.sha256).toBe(b.sha256);
  });
});
