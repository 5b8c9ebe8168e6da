import { describe, it, expect } from 'vitest';
import { sh } from '../testing/harness';
import { APPLET_CASES, ORACLE_FILES } from './oracle-cases';
import answers from './oracle-answers.json';

const captured = answers as Record<string, string>;
const files = Object.fromEntries(Object.entries(ORACLE_FILES).map(([k, v]) => [`/w/${k}`, v]));

describe('applets answer like BusyBox 1.35 (captured answers)', () => {
  for (const c of APPLET_CASES) {
    it(c, () => {
      expect(captured[c]).toBeDefined();
      expect(sh(`cd /w; ${c}`, { files }).out).toBe(captured[c]);
    });
  }
});

describe('applets on the stand-in kernel', () => {
  it('ls lays out columns on a terminal and one per line otherwise', () => {
    const f = { '/d/alpha': '', '/d/beta': '', '/d/gamma': '' };
    expect(sh('ls /d', { files: f, tty: true }).out).toBe('alpha  beta   gamma\n');
    expect(sh('ls /d | cat', { files: f, tty: true }).out).toBe('alpha\nbeta\ngamma\n');
  });

  it('ls -l prints BusyBox long lines with the total', () => {
    const r = sh('ls -l /d', { files: { '/d/a': 'hi\n' } });
    expect(r.out).toBe('total 1\n-rw-r--r--    1 root     root             3 Jan  1  2024 a\n');
  });

  it('poweroff syncs and calls reboot(POWER_OFF)', () => {
    const r = sh('poweroff');
    expect(r.kernel.powerOff).toBe(0x4321fedc);
  });

  it('kill reports missing processes like BusyBox', () => {
    expect(sh('/bin/kill -9 999; echo $?').out).toBe("kill: can't kill pid 999: No such process\n1\n");
  });

  it('yes stops at a closed pipe', () => {
    expect(sh('yes | head -n 2; echo done').out).toBe('y\ny\ndone\n');
  });
});
