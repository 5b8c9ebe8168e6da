import { describe, it, expect } from 'vitest';
import { bootMachine } from '../testing/machine';
import { emitCpio } from '../fs/cpio';
import { testInit } from '../testing/usys';

describe('boot', () => {
  for (const type of ['virt', 'q35'] as const) {
    it(`boots ${type} to the built-in shell and powers off`, () => {
      const r = bootMachine({ type, input: ['echo hello\n', 'poweroff\n'] });
      expect(r.stop).toBe('powered-off');
      expect(r.output).toMatch(/^\[ {4}0\.000000\] (Booting Linux on physical CPU 0x0000000000|Linux version 6\.12\.0-twinbox)/);
      expect(r.output).toContain('Linux version 6.12.0-twinbox');
      expect(r.output).toContain(`Kernel command line: console=${type === 'virt' ? 'ttyAMA0' : 'ttyS0'}`);
      expect(r.output).toMatch(/\] Memory: \d+K\/262144K available/);
      expect(r.output).toContain('Run /init as init process');
      expect(r.output).toContain('/ # echo hello\r\nhello\r\n/ # poweroff\r\n');
      expect(r.output).toMatch(/reboot: Power down\r\n$/);
      expect(r.output).toContain(type === 'virt' ? 'ttyAMA0 at MMIO 0x9000000' : 'ttyS0 at I/O 0x3f8 (irq = 4');
    });
  }

  it('takes console input through the UART interrupt', () => {
    const r = bootMachine({ type: 'q35', input: ['echo a\n', 'echo b\n', 'poweroff\n'] });
    expect(r.kernel.irqHandlers.get(4)!.count).toBeGreaterThanOrEqual(3);
  });

  it('is deterministic: same seed, same bytes', () => {
    const a = bootMachine({ input: ['echo x\n', 'poweroff\n'], seed: 7 });
    const b = bootMachine({ input: ['echo x\n', 'poweroff\n'], seed: 7 });
    expect(Buffer.from(a.machine.console.transcript).equals(Buffer.from(b.machine.console.transcript))).toBe(true);
    expect(a.machine.scheduler.now).toBe(b.machine.scheduler.now);
  });

  it('reboot restarts the machine', () => {
    const r = bootMachine({ input: ['reboot\n'] });
    expect(r.stop).toBe('reset');
    expect(r.output).toContain('reboot: Restarting system');
  });

  it('runs /init from the initramfs when present, with the kernel command line', () => {
    const cpio = emitCpio([
      { name: 'sbin', mode: 0o040755, data: new Uint8Array(0) },
      { name: 'init', mode: 0o100755, data: new TextEncoder().encode('#!native prog0\n') },
    ]);
    const r = bootMachine({
      initrd: cpio,
      programs: { '/bin/testinit': testInit(function* (u) { yield* u.print(1, 'custom init\n'); }) },
      description: { append: 'console=ttyAMA0 quiet' },
    });
    expect(r.stop).toBe('powered-off');
    expect(r.output).toContain('custom init\r\n');
    expect(r.output).not.toContain('Booting Linux');
  });

  it('reports a broken initramfs and still boots', () => {
    const r = bootMachine({ initrd: new TextEncoder().encode('garbage!'.repeat(20)), input: ['poweroff\n'] });
    expect(r.output).toContain('Initramfs unpacking failed: bad magic');
    expect(r.stop).toBe('powered-off');
  });

  it('panics when init exits', () => {
    const r = bootMachine({ programs: { '/sbin/init': function* () { return 3; } } });
    expect(r.output).toContain('Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000300');
    expect(r.kernel.panicked).toBe(true);
  });
});
