import { describe, it, expect } from 'vitest';
import { createReporter } from './reporters';
import { parseScenario } from './load';
import type { ScenarioResult } from './run-scenario';

const loaded = parseScenario('name: r\nmachine: -M virt\nsteps:\n  - boot\n  - expect: "/ # "\n', 'scenarios/r.yaml');
if (!loaded.ok) throw new Error(loaded.error);
const scenario = loaded.scenario;
const result = (passed: boolean): ScenarioResult => ({
  scenario, passed, seed: 1, steps: [], sha256: 'ab'.repeat(32), transcriptPath: 'out/t', wallMs: 1,
  failure: passed ? undefined : { step: scenario.steps[1], message: 'not seen within 10s (virtual time)', tail: ['/ # '] },
});

function drive(tty: boolean, passed: boolean): string {
  let out = '';
  const r = createReporter({ write: (t: string) => (out += t) }, tty);
  r.scenarioStart(scenario, 1, 1);
  for (const s of scenario.steps) r.stepStart?.(scenario, s);
  r.scenarioEnd(result(passed));
  r.summary(passed ? 1 : 0, passed ? 0 : 1);
  return out;
}

describe('reporters', () => {
  it('rewrites one live line per step on a TTY', () => {
    const out = drive(true, true);
    expect(out).toContain('\r\x1b[K[1/1] r step 2: expect "/ # "');
    expect(out.endsWith(`\r\x1b[KPASS r (scenarios/r.yaml) sha256 ${'ab'.repeat(32)}\n1 passed, 0 failed\n`)).toBe(true);
  });

  it('prints plain lines otherwise, with the failure in full', () => {
    const out = drive(false, false);
    expect(out).not.toContain('\x1b');
    expect(out).toContain('[1/1] r: scenarios/r.yaml\n  step 1: boot\n  step 2: expect "/ # "\n');
    expect(out).toContain('scenarios/r.yaml:5: step 2 (expect "/ # ") failed\n  not seen within 10s (virtual time)');
    expect(out).toContain('  | / # ');
    expect(out.endsWith('0 passed, 1 failed\n')).toBe(true);
  });
});
