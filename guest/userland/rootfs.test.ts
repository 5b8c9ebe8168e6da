import { describe, it, expect } from 'vitest';
import { Machine } from '../../emulator/machine/machine';
import { createGuestWith } from '../index';
import { NativeRegistry } from '../kernel/native-registry';
import { testDescription } from '../testing/machine';
import { installUserland } from './index';
import { INIT_SCRIPT } from './rootfs';

// The native root as `twinbox` boots it: the registry installUserland fills, so /init is
// the script and the kernel runs it with the native sh.
function bootNativeRoot(type: 'virt' | 'q35', input: string[], untilNs = 100e9): { output: string; stop: string } {
  const registry = new NativeRegistry();
  installUserland(registry);
  const m = new Machine(testDescription(type), 1);
  m.start(createGuestWith({ registry }));
  for (const line of input) m.console.type(line);
  m.console.closeInput();
  const stop = m.run({ untilNs });
  return { output: Buffer.from(m.console.transcript).toString('utf8').replace(/\r\n/g, '\n'), stop };
}

describe('native root /init script', () => {
  it('has the real initramfs /init structure', () => {
    expect(INIT_SCRIPT.startsWith('#!/bin/sh\n')).toBe(true);
    expect(INIT_SCRIPT).toContain('\nwhile true; do setsid cttyhack /bin/sh; done\n');
  });

  for (const type of ['virt', 'q35'] as const) {
    it(`${type}: ps shows init, the shell and ps itself as BusyBox on Linux does`, () => {
      const r = bootNativeRoot(type, ['ps\n', 'poweroff -f\n']);
      expect(r.output).toContain('Run /init as init process');
      expect(r.output).toMatch(/\/ # ps\nPID   USER     COMMAND\n    1 root     \{init\} \/bin\/sh \/init\n +[0-9]+ root     \/bin\/sh\n +[0-9]+ root     \{ps\} \/bin\/sh\n\/ # /);
      expect(r.stop).toBe('powered-off');
    });
  }

  it('runs NOEXEC applets in the forked shell child under their own comm; others are exec\'d', () => {
    const r = bootNativeRoot('virt', ['head -n 1 /proc/self/stat | cut -d" " -f2\n', 'cat /proc/self/stat | cut -d" " -f2\n',
      'head -c 40 /proc/self/cmdline | tr "\\0" " "; echo\n', 'poweroff -f\n']);
    expect(r.output).toContain('| cut -d" " -f2\n(head)\n');
    expect(r.output).toContain('/ # cat /proc/self/stat | cut -d" " -f2\n(cat)\n');
    // head's own command line is still the shell's: nothing was exec'd.
    expect(r.output).toMatch(/tr "\\0" " "; echo\n\/bin\/sh \n/);
  });

  it('setsid starts a new session (group leader or not) and cttyhack keeps the console as the terminal', () => {
    const r = bootNativeRoot('virt', [
      'setsid sh -c \'read a < /proc/self/stat; set -- $a; echo leader pid=$1 sid=$6\'; sleep 1\n',
      'sh -c \'setsid sh -c "read a < /proc/self/stat; set -- \\$a; echo member pid=\\$1 sid=\\$6"; true\'\n',
      'cttyhack sh -c \'read a < /proc/self/stat; set -- $a; echo tty=$7\'\n',
      'poweroff -f\n',
    ]);
    for (const kind of ['leader', 'member']) {
      const m = new RegExp(`${kind} pid=([0-9]+) sid=([0-9]+)`).exec(r.output);
      expect(m).not.toBeNull();
      expect(m?.[1]).toBe(m?.[2]);
    }
    // 204:64 = ttyAMA0 as tty_nr (major << 8 | minor).
    expect(r.output).toContain(`tty=${(204 << 8) | 64}\n`);
  });
});
