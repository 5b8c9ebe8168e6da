import { describe, it, expect } from 'vitest';
import { parseScenario } from './load';
import { registerFaultHandler, unregisterFaultHandler } from './faults';

const ok = (text: string) => {
  const r = parseScenario(text, 'x.yaml');
  if (!r.ok) throw new Error(r.error);
  return r.scenario;
};
const err = (text: string) => {
  const r = parseScenario(text, 'scenarios/x.yaml');
  if (r.ok) throw new Error('expected an error');
  return r.error;
};

const HEAD = 'name: t\nmachine: -M virt\nsteps:\n';

describe('parseScenario', () => {
  it('reads every step kind', () => {
    const s = ok(`name: all
machine: "-M q35 -append 'console=ttyS0 quiet'"
seed: 42
timeouts: { expect: 2s, power-off: 500ms, host: 1m, wall: 30s }
normalize: [{ regex: "id [0-9a-f]+", replace: "id X" }]
vars: { disk: /tmp/d.img }
steps:
  - boot
  - expect: "/ # "
  - send: echo hi
  - send: { keys: "abc^C" }
  - expect: { regex: "count (\\\\d+)", timeout: 200ms, capture: [n] }
  - expect-not: { text: panic, for: 1s }
  - wait: 1.5s
  - snapshot: s1
  - restore: s1
  - reset
  - power-off: { force: true }
  - boot-again
  - power-off
  - host: { run: "test -f \${disk}", exit: 1, output: "x" }
  - host: "true"
`);
    expect(s.seed).toBe(42);
    expect(s.machine).toEqual({ kind: 'args', args: ['-M', 'q35', '-append', 'console=ttyS0 quiet'] });
    expect(s.timeouts).toEqual({ expectNs: 2e9, powerOffNs: 5e8, hostNs: 60e9, wallNs: 30e9 });
    expect(s.steps.map((x) => x.kind)).toEqual([
      'boot', 'expect', 'send', 'send', 'expect', 'expect-not', 'wait', 'snapshot', 'restore', 'reset', 'power-off',
      'boot-again', 'power-off', 'host', 'host',
    ]);
    expect(s.steps[4]).toMatchObject({ pattern: { kind: 'regex', source: 'count (\\d+)' }, timeoutNs: 2e8, capture: ['n'], line: 12 });
    expect(s.steps[5]).toMatchObject({ kind: 'expect-not', forNs: 1e9 });
    expect(s.steps[6]).toMatchObject({ kind: 'wait', durationNs: 1.5e9 });
    expect(s.steps[10]).toMatchObject({ kind: 'power-off', force: true });
    expect(s.steps[13]).toMatchObject({ kind: 'host', exit: 1, output: { kind: 'regex', source: 'x' } });
  });

  it('accepts JSON and a machine given as a list or a profile', () => {
    const s = ok('{"name": "j", "machine": ["-M", "virt"], "steps": ["boot", {"boot": {"machine": {"profile": "p.yaml"}}}]}');
    expect(s.machine).toEqual({ kind: 'args', args: ['-M', 'virt'] });
    expect(s.steps[1]).toMatchObject({ kind: 'boot', machine: { kind: 'profile', path: 'p.yaml' } });
  });

  it.each([
    [`${HEAD}  - boot\n  - expect: 5\n`, 'scenarios/x.yaml:5: steps[1].expect: must be string or object'],
    [`${HEAD}  - boot\n  - frobnicate: 1\n`, "scenarios/x.yaml:5: steps[1]: unknown step 'frobnicate'"],
    [`${HEAD}  - boot\n  - reboot\n`, "scenarios/x.yaml:5: steps[1]: unknown step 'reboot'"],
    [`${HEAD}  - wait: 5 seconds\n`, "scenarios/x.yaml:4: steps[0].wait: '5 seconds' is not a duration (like 500ms, 5s, 2m)"],
    [`${HEAD}  - boot\n  - expect: { text: a, colour: red }\n`, "scenarios/x.yaml:5: steps[1].expect: unknown field 'colour'"],
    [`${HEAD}  - expect: { text: a, regex: b }\n`, "scenarios/x.yaml:4: steps[0].expect: give exactly one of 'text' or 'regex'"],
    [`${HEAD}  - expect: { regex: "a(" }\n`, 'scenarios/x.yaml:4: steps[0].expect.regex: bad regex'],
    [`${HEAD}  - send: { keys: "^1" }\n`, "scenarios/x.yaml:4: steps[0].send.keys: '^1' is not a control character"],
    [`${HEAD}  - boot: {}\n    expect: x\n`, 'scenarios/x.yaml:4: steps[0]: a step is one key'],
    [`${HEAD}  - fault: { kind: disk-on-fire }\n`, "scenarios/x.yaml:4: steps[0].fault.kind: fault kind 'disk-on-fire' not supported"],
    ['name: t\nsteps:\n  - boot\n', 'scenarios/x.yaml:3: steps: no machine'],
    ['name: t\nmachine: -M virt\nsped: 3\nsteps: [boot]\n', "scenarios/x.yaml:3: sped: unknown field 'sped'"],
    ['machine: -M virt\nsteps: [boot]\n', "scenarios/x.yaml:1: (top level): missing field 'name'"],
    ['name: t\nsteps: [boot\n', 'scenarios/x.yaml:'],
    ['name: t\nname: u\nsteps: [boot]\n', 'scenarios/x.yaml:2: Map keys must be unique'],
    [`${HEAD}  - expect: { text: a, for: 1s }\n`, "scenarios/x.yaml:4: steps[0].expect.for: 'for' belongs to expect-not"],
  ])('reports %j as %j', (text, message) => {
    expect(err(text)).toContain(message);
  });

  it('survives hostile YAML (an alias bomb) with an error, not an exception', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const r = parseScenario(`${bomb.join('\n')}\nname: t\nsteps: [boot]\n`, 'bomb.yaml');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(/^bomb\.yaml/);
  });

  it('accepts fault kinds once a handler is registered, with the handler checking parameters', () => {
    registerFaultHandler('test-fault', { validate: (p) => (p.rate === undefined ? 'rate is required' : undefined), apply: async () => undefined });
    try {
      expect(ok(`${HEAD}  - fault: { kind: test-fault, rate: 0.5 }\n`).steps[0]).toMatchObject({ kind: 'fault', fault: 'test-fault', params: { rate: 0.5 } });
      expect(err(`${HEAD}  - fault: { kind: test-fault }\n`)).toBe('scenarios/x.yaml:4: steps[0].fault: rate is required');
    } finally {
      unregisterFaultHandler('test-fault');
    }
  });
});
