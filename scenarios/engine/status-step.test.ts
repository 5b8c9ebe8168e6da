// The `status` step on the simulator: `running` while the guest runs, `shutdown` after power-off
// (as QMP query-status and QEMU's exit report them); a wrong state fails the step.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBackend } from '../../emulator/backends/sim/backend';
import { parseScenario } from './load';
import { formatFailure, runScenario } from './run-scenario';

const outDir = mkdtempSync(join(tmpdir(), 'twinbox-status-'));

function scenario(text: string) {
  const r = parseScenario(text, 'scenarios/status.yaml');
  if (!r.ok) throw new Error(r.error);
  return r.scenario;
}

const STATUS = `name: status
machine: -M virt -m 256M -nographic
steps:
  - boot
  - expect: "/ # "
  - status: running
  - send: poweroff -f
  - power-off
  - status: shutdown
`;

describe('status step', () => {
  it('reads running, then shutdown after power-off, and names them in the transcript', async () => {
    const r = await runScenario(scenario(STATUS), { backend: new SimBackend(), outDir });
    expect(formatFailure(r)).toBe('');
    const t = readFileSync(r.transcriptPath, 'utf8');
    expect(t).toMatch(/### status running[\s\S]*### status shutdown/);
  });

  it('fails when the state differs', async () => {
    const r = await runScenario(scenario(STATUS.replace('status: running', 'status: paused')), { backend: new SimBackend(), outDir });
    expect(r.passed).toBe(false);
    expect(r.failure?.message).toMatch(/expected paused, the machine is running/);
  });

  it('refuses a state QEMU does not have when loading', () => {
    const r = parseScenario(STATUS.replace('status: running', 'status: flying'), 'scenarios/bad.yaml');
    expect(r.ok).toBe(false);
  });
});
