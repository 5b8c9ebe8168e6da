import { describe, expect, it } from 'vitest';
import { Machine } from './machine';
import { createEchoGuest } from './testing/echo-guest';
import { bareDescription } from './testing/descriptions';
import type { MachineType } from './description/types';

function session(type: MachineType, input: string[], seed = 1): { text: string; machine: Machine; stop: string } {
  const m = new Machine(bareDescription(type), seed);
  m.start(createEchoGuest);
  for (const line of input) m.console.type(line + '\n');
  m.console.closeInput();
  const stop = m.run();
  return { text: Buffer.from(m.console.transcript).toString('utf8'), machine: m, stop };
}

describe.each(['virt', 'q35'] as const)('Machine %s', (type) => {
  it('boots a guest that drives the console UART through its interrupt controller', () => {
    const { text, stop } = session(type, ['echo hello', 'poweroff']);
    expect(text).toContain(`echo-guest on ${type}`);
    expect(text).toContain('echo hello\nhello\n# ');
    expect(text).toContain('Power down');
    expect(stop).toBe('powered-off');
  });

  it('feeds piped input only when the guest waits for it, so time passes as typed', () => {
    const { machine, text } = session(type, ['sleep 2', 'echo after', 'poweroff']);
    expect(text.indexOf('after\n')).toBeGreaterThan(text.indexOf('sleep 2'));
    expect(machine.scheduler.now).toBeGreaterThanOrEqual(2e9);
  });

  it('is deterministic: same input and seed, byte-identical transcript and clock', () => {
    const a = session(type, ['echo one', 'sleep 1', 'echo two', 'poweroff']);
    const b = session(type, ['echo one', 'sleep 1', 'echo two', 'poweroff']);
    expect(b.text).toBe(a.text);
    expect(b.machine.scheduler.now).toBe(a.machine.scheduler.now);
    expect(b.machine.stepCount).toBe(a.machine.stepCount);
  });

  it('goes idle when input ends without a power-off', () => {
    const { stop } = session(type, ['echo x']);
    expect(stop).toBe('idle');
  });

  it('reports a reset request and honours -no-reboot', () => {
    const m = new Machine(bareDescription(type, { noReboot: true }), 1);
    m.start(createEchoGuest);
    m.console.type('reboot\n');
    expect(m.run()).toBe('powered-off');
    const r = new Machine(bareDescription(type), 1);
    r.start(createEchoGuest);
    r.console.type('reboot\n');
    expect(r.run()).toBe('reset');
  });
});
