// What the steps of one scenario run share: the backend, the live session (after `boot`),
// the expect cursor (a byte offset into the session's console output: each match moves it
// past the matched text), variables and named snapshots.

import type { Backend, BackendName, HostHooks, Session, SessionSnapshot } from '../../emulator/backends/backend';
import { formatDurationNs } from './duration';
import type { Transcript } from './transcript';
import type { Pattern, Scenario, Step } from './types';

export type StepOutcome = { ok: true } | { ok: false; message: string };

export interface EngineContext {
  readonly scenario: Scenario;
  readonly backend: Backend;
  readonly seed: number;
  readonly hooks: HostHooks;
  readonly transcript: Transcript;
  /** Directory of the scenario file: profile paths are relative to it. */
  readonly baseDir: string;
  session: Session | undefined;
  cursor: number;
  readonly vars: Record<string, string>;
  readonly snapshots: Map<string, SessionSnapshot>;
  /** Where `screenshot` steps write (`--screenshot-dir`; default OUT/screenshots). */
  readonly screenshotDir?: string;
}

export const OK: StepOutcome = { ok: true };

export function fail(message: string): StepOutcome {
  return { ok: false, message };
}

/** Durations in steps are virtual on the simulator and wall time on QEMU; messages say which. */
export function clockName(backend: BackendName): string {
  return backend === 'sim' ? 'virtual time' : 'wall time';
}

export function describePattern(p: Pattern): string {
  return p.kind === 'text' ? JSON.stringify(p.text) : `/${p.source}/${p.flags}`;
}

/** One line saying what a step does, for progress lines, markers and failures. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'boot': return step.machine ? `boot ${step.machine.kind === 'args' ? step.machine.args.join(' ') : step.machine.path}` : 'boot';
    case 'send': return step.mode === 'line' ? `send ${JSON.stringify(step.text)}` : `send keys ${JSON.stringify(step.text)}`;
    case 'expect': return `expect ${describePattern(step.pattern)}${step.timeoutNs !== undefined ? ` within ${formatDurationNs(step.timeoutNs)}` : ''}`;
    case 'expect-not': return `expect-not ${describePattern(step.pattern)}${step.forNs > 0 ? ` for ${formatDurationNs(step.forNs)}` : ''}`;
    case 'wait': return `wait ${formatDurationNs(step.durationNs)}`;
    case 'power-off': return step.force ? 'power-off (force)' : 'power-off';
    case 'snapshot': return `snapshot ${step.name}`;
    case 'restore': return `restore ${step.name}`;
    case 'host': return `host ${step.run}`;
    case 'fault': return `fault ${step.fault}`;
    case 'screenshot': return `screenshot ${step.file}${step.display ? ` of display ${step.display}` : ''}`;
    case 'status': return `status ${step.expect}`;
    default: return step.kind;
  }
}
