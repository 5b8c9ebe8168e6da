// Progress output for `twinbox run`. On a TTY one live line per scenario is rewritten as
// each step starts; otherwise every step gets a plain line (CI logs). Both end each
// scenario with PASS/FAIL, its transcript hash, and on failure the full message.

import { describeStep } from './context';
import { formatFailure, type ScenarioReporter, type ScenarioResult } from './run-scenario';
import type { Scenario, Step } from './types';

export interface SuiteReporter extends ScenarioReporter {
  scenarioStart(scenario: Scenario, position: number, total: number): void;
  scenarioEnd(result: ScenarioResult): void;
  /** A file that could not be loaded: counts as a failed scenario. */
  loadError(file: string, error: string): void;
  summary(passed: number, failed: number): void;
}

export interface Writable {
  write(text: string): unknown;
}

const MAX_LIVE_WIDTH = 100;

export function createReporter(out: Writable, tty: boolean): SuiteReporter {
  let prefix = '';
  const live = (text: string): void => {
    const line = `${prefix} ${text}`;
    out.write(`\r\x1b[K${line.length > MAX_LIVE_WIDTH ? `${line.slice(0, MAX_LIVE_WIDTH - 1)}…` : line}`);
  };
  return {
    scenarioStart(scenario, position, total) {
      prefix = `[${position}/${total}] ${scenario.name}`;
      if (tty) live('starting');
      else out.write(`${prefix}: ${scenario.file}\n`);
    },
    stepStart(_scenario: Scenario, step: Step) {
      const what = `step ${step.index + 1}: ${describeStep(step)}`;
      if (tty) live(what);
      else out.write(`  ${what}\n`);
    },
    scenarioEnd(result) {
      if (tty) out.write('\r\x1b[K');
      const verdict = result.passed ? 'PASS' : 'FAIL';
      out.write(`${verdict} ${result.scenario.name} (${result.scenario.file}) sha256 ${result.sha256}\n`);
      if (!result.passed) out.write(`${formatFailure(result)}\n`);
    },
    loadError(file, error) {
      out.write(`FAIL ${file}\n  ${error}\n`);
    },
    summary(passed, failed) {
      out.write(`${passed} passed, ${failed} failed\n`);
    },
  };
}
