import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBackend } from '../../emulator/backends/sim/backend';
import { createFakeGuest } from '../../emulator/backends/sim/testing/fake-guest';
import { registerFaultHandler, unregisterFaultHandler } from './faults';
import { loadScenarioFile, parseScenario } from './load';
import { formatFailure, runScenario } from './run-scenario';

const backend = new SimBackend({ guest: createFakeGuest });
const outDir = mkdtempSync(join(tmpdir(), 'twinbox-engine-'));

function scenario(text: string, file = 'scenarios/t.yaml') {
  const r = parseScenario(text, file);
  if (!r.ok) throw new Error(r.error);
  return r.scenario;
}

const BOOT = `name: boot
machine: -M virt
steps:
  - boot
  - expect: "/ # "
  - send: echo BOOT_OK
  - expect: { regex: "^BOOT_OK", flags: m }
  - send: count
  - expect: { regex: "count (\\\\d+)", capture: [n] }
  - send: echo got \${n}
  - expect: got 1
  - wait: 2s
  - send: poweroff
  - power-off
`;

describe('runScenario', () => {
  for (const m of ['virt', 'q35']) {
    it(`passes a boot-and-poweroff scenario on ${m} and writes a transcript with step markers`, async () => {
      const r = await runScenario(scenario(BOOT.replace('-M virt', `-M ${m}`), `scenarios/boot-${m}.yaml`), { backend, outDir });
      expect(formatFailure(r)).toBe('');
      expect(r.passed).toBe(true);
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
      const text = readFileSync(r.transcriptPath, 'utf8');
      expect(text).toContain('### step 7 line 10 t=');
      expect(text).toContain('got 1');
      expect(text.trimEnd().endsWith('### PASSED')).toBe(true);
    });
  }

  it('writes a normalized transcript beside the exact one when the scenario has rules', async () => {
    const s = scenario(BOOT.replace('steps:', 'normalize: [{ regex: "boot id [0-9a-f]+", replace: "boot id X" }]\nsteps:'), 'scenarios/norm.yaml');
    const r = await runScenario(s, { backend, outDir });
    const normalized = readFileSync(r.transcriptPath.replace(/\.transcript$/, '.normalized.transcript'), 'utf8');
    expect(normalized).toContain('boot id X\n');
    expect(readFileSync(r.transcriptPath, 'utf8')).toMatch(/boot id [0-9a-f]{8}\n/);
  });

  it('same scenario and seed give the same hash; another seed another', async () => {
    const s = scenario(BOOT);
    const a = await runScenario(s, { backend, outDir, seed: 5 });
    const b = await runScenario(s, { backend, outDir, seed: 5 });
    const c = await runScenario(s, { backend, outDir, seed: 6 });
    expect(a.sha256).toBe(b.sha256);
    expect(c.sha256).not.toBe(a.sha256);
  });

  it('a failed expect names the step, the expectation and the last console lines', async () => {
    const r = await runScenario(scenario(`name: f
machine: -M virt
timeouts: { expect: 3s }
steps:
  - boot
  - send: sleep 10
  - expect: nothing-like-this
`), { backend, outDir });
    expect(r.passed).toBe(false);
    const msg = formatFailure(r);
    expect(msg).toContain('scenarios/t.yaml:7: step 3 (expect "nothing-like-this") failed');
    expect(msg).toContain('not seen within 3s (virtual time)');
    expect(msg).toContain('| / # sleep 10');
    expect(msg).toContain('seed 1');
  });

  it('says when the guest is idle waiting for input', async () => {
    const r = await runScenario(scenario(`name: idle\nmachine: -M virt\nsteps:\n  - boot\n  - expect: never\n`), { backend, outDir });
    expect(r.failure?.message).toBe('guest idle waiting for console input, so it can never appear');
  });

  it('expect-not fails when the text shows up and passes otherwise', async () => {
    const r = await runScenario(scenario(`name: n
machine: -M virt
steps:
  - boot
  - expect: "/ # "
  - expect-not: Booting
  - send: echo oops
  - expect-not: { text: oops, for: 1s }
`), { backend, outDir });
    expect(r.failure?.step.index).toBe(4);
    expect(r.failure?.message).toContain('appeared in the output: "oops"');
  });

  it('snapshot, reset, restore and boot-again work through the session', async () => {
    const r = await runScenario(scenario(`name: s
machine: -M q35
steps:
  - boot
  - expect: "/ # "
  - send: count
  - expect: count 1
  - snapshot: one
  - send: count
  - expect: count 2
  - restore: one
  - send: count
  - expect: count 2
  - reset
  - expect: Booting fake guest
  - send: count
  - expect: count 1
  - power-off: { force: true }
  - boot-again
  - expect: Booting fake guest
  - restore: nope
`), { backend, outDir });
    expect(r.failure?.step.index).toBe(17);
    expect(r.failure?.message).toContain("no snapshot named 'nope'");
  });

  it('power-off that never comes fails clearly', async () => {
    const r = await runScenario(scenario(`name: p\nmachine: -M virt\nsteps:\n  - boot\n  - power-off: { timeout: 1s }\n`), { backend, outDir });
    expect(r.failure?.message).toContain('guest did not power off within 1s');
  });

  it('host steps check exit status and output, with variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinbox-host-'));
    writeFileSync(join(dir, 'f.txt'), 'clean filesystem\n');
    const r = await runScenario(scenario(`name: h
machine: -M virt
vars: { file: ${join(dir, 'f.txt')} }
steps:
  - host: { run: "cat \${file}", output: "^clean" }
  - host: { run: "exit 3", exit: 3 }
  - host: { run: "echo bad; exit 4" }
`), { backend, outDir });
    expect(r.failure?.step.index).toBe(2);
    expect(r.failure?.message).toContain('host command exited 4, expected 0: echo bad; exit 4');
    expect(r.failure?.message).toContain('| bad');
  });

  it('steps before boot fail with a clear message', async () => {
    const r = await runScenario(scenario(`name: b\nmachine: -M virt\nsteps:\n  - send: hi\n`), { backend, outDir });
    expect(r.failure?.message).toBe('no machine is running: add a `boot` step first');
  });

  it('boots a machine profile named relative to the scenario file', async () => {
    const r = await runScenario(scenario(`name: prof
machine: { profile: ../profiles/virt-minimal.yaml }
steps:
  - boot
  - expect: Booting fake guest on virt
  - boot: { machine: { profile: ../profiles/nope.yaml } }
`), { backend, outDir });
    expect(r.failure?.step.index).toBe(2);
    expect(r.failure?.message).toContain('nope.yaml');
  });

  it('a bad machine fails the boot step by name', async () => {
    const r = await runScenario(scenario(`name: b\nmachine: -M virt -frobnicate\nsteps:\n  - boot\n`), { backend, outDir });
    expect(r.failure?.message).toContain("'-frobnicate'");
  });

  it('the wall-clock safety limit stops a guest that never stops', async () => {
    const r = await runScenario(scenario(`name: w
machine: -M virt
timeouts: { wall: 200ms, expect: 100000s }
steps:
  - boot
  - send: spin
  - expect: never
`), { backend, outDir });
    expect(r.failure?.message).toBe('wall-clock safety limit of 200ms reached (timeouts.wall)');
  });

  it('runs registered fault handlers', async () => {
    const seen: unknown[] = [];
    registerFaultHandler('test-note', { apply: async (ctx, params) => { seen.push(params.what); ctx.session.send('echo fault\n'); return undefined; } });
    try {
      const r = await runScenario(scenario(`name: f
machine: -M virt
steps:
  - boot
  - fault: { kind: test-note, what: 7 }
  - expect: fault
`), { backend, outDir });
      expect(formatFailure(r)).toBe('');
      expect(seen).toEqual([7]);
    } finally {
      unregisterFaultHandler('test-note');
    }
  });
});

describe('the default suite against the fake guest', () => {
  for (const file of ['scenarios/default/boot-virt.yaml', 'scenarios/default/boot-q35.yaml']) {
    it(`${file} passes`, async () => {
      const loaded = loadScenarioFile(file);
      if (!loaded.ok) throw new Error(loaded.error);
      const r = await runScenario(loaded.scenario, { backend, outDir });
      expect(formatFailure(r)).toBe('');
    });
  }
});
