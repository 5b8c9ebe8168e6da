import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGuest } from '../../emulator/backends/sim/testing/fake-guest';
import { runCommand, type RunOptions } from './run';

const dir = mkdtempSync(join(tmpdir(), 'twinbox-run-'));
const out = join(dir, 'out');

const PASS = (m: string) => `name: pass-${m}\nmachine: -M ${m}\nsteps:\n  - boot\n  - expect: "/ # "\n  - send: echo BOOT_OK\n  - expect: BOOT_OK\n  - send: poweroff\n  - power-off\n`;
const FAIL = 'name: fails\nmachine: -M virt\ntimeouts: { expect: 1s }\nsteps:\n  - boot\n  - send: sleep 5\n  - expect: nope\n';

mkdirSync(join(dir, 'suite', 'sub'), { recursive: true });
writeFileSync(join(dir, 'suite', 'a-virt.yaml'), PASS('virt'));
writeFileSync(join(dir, 'suite', 'b-q35.yml'), PASS('q35'));
writeFileSync(join(dir, 'suite', 'sub', 'c-fail.yaml'), FAIL);
writeFileSync(join(dir, 'suite', 'sub', 'd-broken.json'), '{"name": "broken", "machine": "-M virt", "steps": [{"expect": 5}]}');
writeFileSync(join(dir, 'suite', 'notes.txt'), 'not a scenario');

async function run(paths: string[], opts: Partial<RunOptions> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCommand(paths, { backend: 'sim', out, ...opts }, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    tty: false,
    sim: { guest: createFakeGuest },
  });
  return { code, stdout, stderr };
}

describe('twinbox run', () => {
  it('runs a folder in sorted order, ends with the summary line and fails on failure', async () => {
    const r = await run([join(dir, 'suite')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('2 passed, 2 failed');
    expect(r.stdout).toMatch(/PASS pass-virt \(.*a-virt\.yaml\) sha256 [0-9a-f]{64}/);
    expect(r.stdout).toContain('c-fail.yaml:7: step 3 (expect "nope") failed');
    expect(r.stdout).toContain('d-broken.json:1: steps[0].expect: must be string or object');
    expect(r.stdout.indexOf('pass-virt')).toBeLessThan(r.stdout.indexOf('pass-q35'));
    expect(r.stdout).toContain('  step 1: boot\n');
  });

  it('passes with exit 0 when everything passes, and prints the same hash for the same seed', async () => {
    const a = await run([join(dir, 'suite', 'a-virt.yaml')], { seed: '9' });
    const b = await run([join(dir, 'suite', 'a-virt.yaml')], { seed: '9' });
    expect(a.code).toBe(0);
    expect(a.stdout.trimEnd().endsWith('1 passed, 0 failed')).toBe(true);
    const hash = (s: string) => /sha256 ([0-9a-f]{64})/.exec(s)?.[1];
    expect(hash(a.stdout)).toBeDefined();
    expect(hash(a.stdout)).toBe(hash(b.stdout));
  });

  it('shards deterministically by sorted path', async () => {
    const names = async (shard: string) => {
      const r = await run([join(dir, 'suite')], { shard });
      return [...r.stdout.matchAll(/^(?:PASS|FAIL) (\S+)/gm)].map((m) => m[1]);
    };
    const one = await names('1/2');
    const two = await names('2/2');
    expect(one).toEqual(['pass-virt', 'fails']);
    expect(two).toEqual(['pass-q35', join(dir, 'suite', 'sub', 'd-broken.json')]);
    expect(await names('1/2')).toEqual(one);
  });

  it('writes JUnit XML', async () => {
    const junit = join(dir, 'reports', 'junit.xml');
    await run([join(dir, 'suite')], { junit });
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="twinbox" tests="4" failures="1" errors="1"');
    expect(xml).toContain('<testcase classname="');
    expect(xml).toMatch(/<failure message="not seen within 1s \(virtual time\)">/);
    expect(xml).not.toMatch(/[\x00-\x08]/);
  });

  it('refuses bad options and missing paths with exit 2', async () => {
    expect((await run([join(dir, 'nope')])).stderr).toContain('no such file or directory');
    expect((await run([join(dir, 'suite')], { shard: '3/2' })).code).toBe(2);
    expect((await run([join(dir, 'suite')], { seed: '-1' })).code).toBe(2);
    expect((await run([join(dir, 'suite')], { backend: 'bochs' })).stderr).toContain("unknown backend 'bochs'");
  });
});
