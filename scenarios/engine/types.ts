// A scenario after loading: the file's fields checked, durations in nanoseconds (virtual
// time on the simulator), regexes compiled, and every step tagged with its source line so
// a failure can point at it.

import type { RunState } from '../../emulator/backends/qemu/qmp-status';

export type MachineSpec = { kind: 'args'; args: string[] } | { kind: 'profile'; path: string };

export type Pattern = { kind: 'text'; text: string } | { kind: 'regex'; source: string; flags: string };

interface StepBase {
  /** 1-based line of the step in its file. */
  line: number;
  /** Index in `steps`. */
  index: number;
}

export type Step = StepBase &
  (
    | { kind: 'boot'; machine?: MachineSpec; seed?: number }
    | { kind: 'send'; mode: 'line' | 'keys'; text: string }
    | { kind: 'expect'; pattern: Pattern; timeoutNs?: number; capture: string[] }
    | { kind: 'expect-not'; pattern: Pattern; forNs: number }
    | { kind: 'wait'; durationNs: number }
    | { kind: 'power-off'; force: boolean; timeoutNs?: number }
    | { kind: 'reset' }
    | { kind: 'boot-again' }
    | { kind: 'snapshot'; name: string }
    | { kind: 'restore'; name: string }
    | { kind: 'host'; run: string; exit: number; output?: Pattern; timeoutNs?: number }
    | { kind: 'fault'; fault: string; params: Record<string, unknown> }
    | { kind: 'screenshot'; file: string; display: number }
    | { kind: 'status'; expect: RunState }
  );

export type StepKind = Step['kind'];

export interface NormalizeRule {
  regex: string;
  flags: string;
  replace: string;
}

export interface ScenarioTimeouts {
  expectNs: number;
  powerOffNs: number;
  /** Host commands run in wall time. */
  hostNs: number;
  /** Wall-clock safety limit for the whole scenario. */
  wallNs: number;
}

export interface Scenario {
  /** Path as given (for messages and reports). */
  file: string;
  name: string;
  description: string;
  machine?: MachineSpec;
  seed: number;
  timeouts: ScenarioTimeouts;
  normalize: NormalizeRule[];
  vars: Record<string, string>;
  steps: Step[];
}

export const DEFAULT_TIMEOUTS: ScenarioTimeouts = {
  expectNs: 10e9,
  powerOffNs: 10e9,
  hostNs: 60e9,
  wallNs: 120e9,
};

export const DEFAULT_SEED = 1;
