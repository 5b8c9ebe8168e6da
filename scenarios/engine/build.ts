// From schema-checked scenario data to a Scenario: durations to nanoseconds, regexes
// compiled once to catch mistakes at load time, `send` keys decoded, fault kinds checked
// against the registered handlers. The schema settled the shapes; this settles meanings.

import { parseDurationNs } from './duration';
import { isRunState, RUN_STATES } from '../../emulator/backends/qemu/qmp-status';
import { faultHandler, registeredFaultKinds } from './faults';
// Registers the `link` and `pcap` fault kinds.
import './net-faults';
import { parseKeys } from './keys';
import { formatPath, type Locate, type PathSegment } from './paths';
import { splitShellWords } from '../../emulator/machine/description/shell-words';
import {
  DEFAULT_SEED, DEFAULT_TIMEOUTS, type MachineSpec, type NormalizeRule, type Pattern, type Scenario, type Step,
} from './types';

export type BuildResult = { ok: true; scenario: Scenario } | { ok: false; line: number; error: string };

type Obj = Record<string, unknown>;

class BuildError extends Error {
  constructor(readonly path: PathSegment[], message: string) {
    super(message);
  }
}

export function buildScenario(data: Obj, file: string, locate: Locate): BuildResult {
  try {
    const timeouts = (data.timeouts ?? {}) as Obj;
    const scenario: Scenario = {
      file,
      name: String(data.name),
      description: typeof data.description === 'string' ? data.description : '',
      machine: data.machine === undefined ? undefined : machineSpec(data.machine, ['machine']),
      seed: typeof data.seed === 'number' ? data.seed : DEFAULT_SEED,
      timeouts: {
        expectNs: durationOr(timeouts.expect, DEFAULT_TIMEOUTS.expectNs, ['timeouts', 'expect']),
        powerOffNs: durationOr(timeouts['power-off'], DEFAULT_TIMEOUTS.powerOffNs, ['timeouts', 'power-off']),
        hostNs: durationOr(timeouts.host, DEFAULT_TIMEOUTS.hostNs, ['timeouts', 'host']),
        wallNs: durationOr(timeouts.wall, DEFAULT_TIMEOUTS.wallNs, ['timeouts', 'wall']),
      },
      normalize: ((data.normalize ?? []) as Obj[]).map((r, i) => normalizeRule(r, ['normalize', i])),
      vars: { ...((data.vars ?? {}) as Record<string, string>) },
      steps: (data.steps as unknown[]).map((s, i) => buildStep(s, i, locate)),
    };
    if (!scenario.machine && !scenario.steps.some((s) => s.kind === 'boot' && s.machine)) {
      throw new BuildError(['steps'], 'no machine: give `machine:` at the top or in a `boot` step');
    }
    return { ok: true, scenario };
  } catch (e) {
    if (e instanceof BuildError) return { ok: false, line: locate(e.path), error: `${formatPath(e.path)}: ${e.message}` };
    throw e;
  }
}

function buildStep(raw: unknown, index: number, locate: Locate): Step {
  const path: PathSegment[] = ['steps', index];
  const base = { index, line: locate(path) };
  if (typeof raw === 'string') return { ...base, kind: raw } as Step;
  const [kind, value] = Object.entries(raw as Obj)[0];
  const at = [...path, kind];
  const v = (value ?? {}) as Obj;
  switch (kind) {
    case 'boot':
      return { ...base, kind, machine: v.machine === undefined ? undefined : machineSpec(v.machine, [...at, 'machine']), seed: v.seed as number | undefined };
    case 'send':
      return sendStep(base, value, at);
    case 'expect':
    case 'expect-not':
      return expectStep(base, kind, value, at);
    case 'wait':
      return { ...base, kind, durationNs: duration(value, at) };
    case 'power-off':
      return { ...base, kind, force: v.force === true, timeoutNs: v.timeout === undefined ? undefined : duration(v.timeout, [...at, 'timeout']) };
    case 'reset':
    case 'boot-again':
      return { ...base, kind };
    case 'snapshot':
    case 'restore':
      return { ...base, kind, name: String(value) };
    case 'host':
      return hostStep(base, value, at);
    case 'fault':
      return faultStep(base, v, at);
    case 'screenshot':
      return screenshotStep(base, value, at);
    case 'status':
      if (!isRunState(value)) throw new BuildError(at, `status '${String(value)}' is not a QEMU run state (${RUN_STATES.join(', ')})`);
      return { ...base, kind, expect: value };
    default:
      throw new BuildError(path, `unknown step '${kind}'`);
  }
}

type Base = { index: number; line: number };

function sendStep(base: Base, value: unknown, at: PathSegment[]): Step {
  if (typeof value === 'string') return { ...base, kind: 'send', mode: 'line', text: value };
  const v = value as Obj;
  if (typeof v.line === 'string') return { ...base, kind: 'send', mode: 'line', text: v.line };
  const keys = String(v.keys);
  const parsed = parseKeys(keys);
  if (!parsed.ok) throw new BuildError([...at, 'keys'], parsed.error);
  return { ...base, kind: 'send', mode: 'keys', text: keys };
}

function expectStep(base: Base, kind: 'expect' | 'expect-not', value: unknown, at: PathSegment[]): Step {
  const pattern = patternOf(value, at);
  const v = (typeof value === 'object' && value !== null ? value : {}) as Obj;
  if (kind === 'expect') {
    if (v.for !== undefined) throw new BuildError([...at, 'for'], "'for' belongs to expect-not; expect takes 'timeout'");
    const capture = (v.capture ?? []) as string[];
    if (capture.length > 0 && pattern.kind !== 'regex') throw new BuildError([...at, 'capture'], 'capture needs a regex');
    const timeoutNs = v.timeout === undefined ? undefined : duration(v.timeout, [...at, 'timeout']);
    return { ...base, kind, pattern, timeoutNs, capture };
  }
  if (v.timeout !== undefined || v.capture !== undefined) {
    throw new BuildError(at, "expect-not takes 'for' (how long to watch), not 'timeout' or 'capture'");
  }
  return { ...base, kind, pattern, forNs: v.for === undefined ? 0 : duration(v.for, [...at, 'for']) };
}

function patternOf(value: unknown, at: PathSegment[]): Pattern {
  if (typeof value === 'string') return { kind: 'text', text: value };
  const v = value as Obj;
  if ((v.text === undefined) === (v.regex === undefined)) throw new BuildError(at, "give exactly one of 'text' or 'regex'");
  if (typeof v.text === 'string') return { kind: 'text', text: v.text };
  return regexPattern(String(v.regex), typeof v.flags === 'string' ? v.flags : '', [...at, 'regex']);
}

function regexPattern(source: string, flags: string, at: PathSegment[]): Pattern {
  try {
    new RegExp(source, flags);
  } catch (e) {
    throw new BuildError(at, `bad regex: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { kind: 'regex', source, flags };
}

function hostStep(base: Base, value: unknown, at: PathSegment[]): Step {
  const v = (typeof value === 'string' ? { run: value } : value) as Obj;
  const flags = typeof v.flags === 'string' ? v.flags : '';
  return {
    ...base,
    kind: 'host',
    run: String(v.run),
    exit: typeof v.exit === 'number' ? v.exit : 0,
    output: typeof v.output === 'string' ? regexPattern(v.output, flags, [...at, 'output']) : undefined,
    timeoutNs: v.timeout === undefined ? undefined : duration(v.timeout, [...at, 'timeout']),
  };
}

function faultStep(base: Base, v: Obj, at: PathSegment[]): Step {
  const kind = String(v.kind);
  const handler = faultHandler(kind);
  if (!handler) {
    const known = registeredFaultKinds();
    const hint = known.length === 0 ? 'no fault kinds are registered in this build' : `known: ${known.join(', ')}`;
    throw new BuildError([...at, 'kind'], `fault kind '${kind}' not supported (${hint})`);
  }
  const params: Obj = { ...v };
  delete params.kind;
  const problem = handler.validate?.(params);
  if (problem) throw new BuildError(at, problem);
  return { ...base, kind: 'fault', fault: kind, params };
}

function machineSpec(value: unknown, at: PathSegment[]): MachineSpec {
  if (typeof value === 'string') {
    const split = splitShellWords(value);
    if (!split.ok) throw new BuildError(at, split.error);
    return { kind: 'args', args: split.value };
  }
  if (Array.isArray(value)) return { kind: 'args', args: value.map(String) };
  return { kind: 'profile', path: String((value as Obj).profile) };
}

function normalizeRule(r: Obj, at: PathSegment[]): NormalizeRule {
  const flags = typeof r.flags === 'string' ? r.flags : '';
  regexPattern(String(r.regex), flags, [...at, 'regex']);
  return { regex: String(r.regex), flags, replace: String(r.replace) };
}

function duration(value: unknown, at: PathSegment[]): number {
  const ns = parseDurationNs(String(value));
  if (ns === undefined) throw new BuildError(at, `'${String(value)}' is not a duration (like 500ms, 5s, 2m)`);
  return ns;
}

function durationOr(value: unknown, fallbackNs: number, at: PathSegment[]): number {
  return value === undefined ? fallbackNs : duration(value, at);
}

/** `screenshot: NAME.png` or `screenshot: {file: NAME.png, display: N}`: a PNG file name, no directories. */
function screenshotStep(base: Base, value: unknown, at: PathSegment[]): Step {
  const v = (typeof value === 'object' && value !== null ? value : { file: value }) as Obj;
  const file = String(v.file ?? '');
  if (!/^[A-Za-z0-9._-]+\.png$/.test(file) || file.startsWith('.')) throw new BuildError([...at, 'file'], `screenshot file '${file}' must be a NAME.png (letters, digits, . _ -)`);
  const display = v.display === undefined ? 0 : Number(v.display);
  if (!Number.isInteger(display) || display < 0 || display > 15) throw new BuildError([...at, 'display'], 'display is 0..15');
  return { ...base, kind: 'screenshot', file, display };
}
