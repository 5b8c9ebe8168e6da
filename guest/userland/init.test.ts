import { describe, it, expect } from 'vitest';
import { bootFake } from './testing/harness';

describe('init on the stand-in kernel', () => {
  it('runs /etc/init.d/rcS, then a login shell on the console, and respawns it', () => {
    const k = bootFake({ tty: true, input: 'echo first\nexit\necho second\n', files: { '/etc/init.d/rcS': 'echo rcS ran\n' } });
    k.untilNs = 1e12;
    k.spawn('/sbin/init', ['/sbin/init'], []);
    k.run();
    expect(k.consoleOut).toContain('rcS ran\n');
    expect(k.consoleOut).toMatch(/\/ # first\n\/ # [\s\S]*BusyBox v1\.35\.0[\s\S]*\/ # second\n/);
    expect(k.procs.get(1)?.zombie).toBe(false);
  });

  it('stops respawning a shell that exits at once', () => {
    const k = bootFake({ tty: true, input: '' });
    k.untilNs = 1e12;
    k.spawn('/sbin/init', ['/sbin/init'], []);
    k.run();
    expect(k.consoleOut.match(/built-in shell/g)?.length).toBe(5);
  });
});
