import { describe, it, expect } from 'vitest';
import { SimBackend } from './backend';
import { createFakeGuest } from './testing/fake-guest';
import { testDescription } from './testing/descriptions';
import type { MachineType } from '../../machine/description/types';

const S = 1_000_000_000;
const backend = new SimBackend({ guest: createFakeGuest });

async function boot(machine: MachineType = 'virt', seed = 1) {
  return backend.bootSim(testDescription(machine), { seed });
}

describe('SimSession', () => {
  for (const machine of ['virt', 'q35'] as const) {
    it(`boots ${machine}, answers a command and powers off`, async () => {
      const s = await boot(machine);
      const prompt = await s.waitFor('/ # ', S, 0);
      expect(prompt.ok).toBe(true);
      s.send('echo BOOT_OK\n');
      const r = await s.waitFor(/^BOOT_OK$/m, S, prompt.ok ? prompt.endOffset : 0);
      expect(r).toMatchObject({ ok: true, groups: ['BOOT_OK'] });
      s.send('poweroff\n');
      expect(await s.waitForPowerOff(S)).toEqual({ ok: true });
      expect(s.power).toBe('off');
      expect(s.outputText()).toContain('reboot: Power down');
    });
  }

  it('times out in virtual time, exactly at the deadline', async () => {
    const s = await boot();
    s.send('sleep 5\n');
    const t0 = s.nowNs;
    const r = await s.waitFor('never', 2 * S, 0);
    expect(r).toEqual({ ok: false, reason: 'timeout' });
    expect(s.nowNs - t0).toBe(2 * S);
  });

  it('reports idle when the guest waits for input nobody sends', async () => {
    const s = await boot();
    expect(await s.waitFor('never', 10 * S, 0)).toEqual({ ok: false, reason: 'idle' });
  });

  it('waitNs lets virtual time pass even on an idle machine', async () => {
    const s = await boot();
    const t0 = s.nowNs;
    expect(await s.waitNs(3 * S)).toEqual({ ok: true });
    expect(s.nowNs).toBe(t0 + 3 * S);
  });

  it('captures named and numbered regex groups', async () => {
    const s = await boot();
    s.send('count\n');
    const r = await s.waitFor(/count (?<n>\d+)/, S, 0);
    expect(r).toMatchObject({ ok: true, groups: ['count 1', '1'], named: { n: '1' } });
  });

  it('follows a guest reboot and boots again after power-off, one log throughout', async () => {
    const s = await boot();
    s.send('reboot\n');
    const r = await s.waitFor(/Booting[^]*Booting/, S, 0);
    expect(r.ok).toBe(true);
    expect(s.bootCount).toBe(2);
    await s.powerOff();
    await s.bootAgain();
    expect(s.bootCount).toBe(3);
    expect(s.outputText().match(/Booting fake guest/g)).toHaveLength(3);
    await expect(s.bootAgain()).rejects.toThrow(/still running/);
  });

  it('a guest reboot during a wait keeps the time the wait had left', async () => {
    const s = await boot();
    s.send('sleep 3\n');
    s.send('reboot\n');
    s.send('spin\n');
    expect(await s.waitFor('never', 5 * S, 0)).toEqual({ ok: false, reason: 'timeout' });
    expect(s.bootCount).toBe(2);
    expect(s.nowNs).toBeGreaterThan(1.99 * S);
    expect(s.nowNs).toBeLessThan(2 * S);
  });

  it('turns a guest exception into an error result, not a host crash', async () => {
    const s = await boot();
    s.send('crash\n');
    const r = await s.waitFor('never', S, 0);
    expect(r).toMatchObject({ ok: false, reason: 'error' });
    expect(r.ok === false && r.message).toMatch(/crash requested/);
  });

  it('stops when a host hook says so', async () => {
    let calls = 0;
    const s = await backend.bootSim(testDescription('virt'), {
      seed: 1, hooks: { shouldStop: () => (++calls > 2 ? 'wall-clock limit' : undefined) },
    });
    s.send('spin\n');
    const r = await s.waitFor('never', 1e6 * S, 0);
    expect(r).toEqual({ ok: false, reason: 'stopped', message: 'wall-clock limit' });
  });

  for (const machine of ['virt', 'q35'] as const) {
    it(`restores through the machine core's snapshots (${machine})`, async () => {
      const core = new SimBackend({ guest: createFakeGuest });
      const s = await core.bootSim(testDescription(machine), { seed: 3 });
      s.send('count\n');
      await s.waitFor('count 1', S, 0);
      const snap = await s.snapshot('one');
      s.send('count\n');
      await s.waitFor('count 2', S, 0);
      const mark = s.outputLength;
      const nowBefore = snap.atNs;
      await s.restore(snap);
      expect(s.nowNs).toBe(nowBefore);
      s.send('count\n');
      expect(await s.waitFor(/count \d/, S, mark)).toMatchObject({ ok: true, groups: ['count 2'] });
      const other = await boot();
      await expect(other.restore(snap)).rejects.toThrow(/not taken by this session/);
    });
  }

  it('runToEnd asks for input while the guest idles with input open, then ends at power-off', async () => {
    const s = await boot('q35');
    expect(await s.runToEnd()).toEqual({ ok: false, reason: 'input-wanted' });
    s.send('echo hi\r');
    expect(await s.runToEnd()).toEqual({ ok: false, reason: 'input-wanted' });
    expect(s.outputText()).toContain('/ # echo hi\nhi\n/ # ');
    s.send('poweroff\n');
    expect(await s.runToEnd()).toEqual({ ok: true });
  });

  it('runToEnd stops at a virtual-time limit', async () => {
    const s = await boot();
    s.send('spin\n');
    expect(await s.runToEnd(S)).toEqual({ ok: false, reason: 'timeout' });
    expect(s.nowNs).toBe(S);
  });

  it('runToEnd with input closed and an idle guest says idle', async () => {
    const s = await boot();
    s.closeInput();
    expect(await s.runToEnd()).toEqual({ ok: false, reason: 'idle' });
  });

  it('same seed, same output; another seed, another boot id', async () => {
    const run = async (seed: number) => {
      const s = await boot('virt', seed);
      s.send('echo hi\n');
      s.send('poweroff\n');
      await s.waitForPowerOff(S);
      return s.outputText();
    };
    expect(await run(7)).toBe(await run(7));
    expect(await run(7)).not.toBe(await run(8));
  });
});
