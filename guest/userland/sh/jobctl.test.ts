// Job control on the real guest kernel: the console is the shell's controlling terminal, keys
// are typed at set virtual times (so ^Z arrives while a job runs), and the transcript is
// compared with what BusyBox 1.35 ash prints on a real pty (jobs.oracle.test.ts checks the same keys).
import { describe, it, expect } from 'vitest';
import { JOB_SESSIONS, typedSession } from '../testing/typed-session';

describe('job control in the interactive native sh', () => {
  it('^Z stops the foreground job; jobs, bg, fg and kill act on it as in ash', () => {
    const out = typedSession([...JOB_SESSIONS[0]!, 'poweroff\n']);
    expect(out).toBe(
      '/ # sleep 30\n^Z\n[1]+  Stopped                    sleep 30\n' +
        '/ # jobs\n[1]+  Stopped                    sleep 30\n' +
        '/ # bg\n[1] sleep 30\n' +
        '/ # jobs\n[1]+  Running                    sleep 30\n' +
        '/ # fg\nsleep 30\n^Z\n[1]+  Stopped                    sleep 30\n' +
        '/ # echo $?\n148\n' +
        // SIGTERM stays pending in a stopped job: it is still listed as stopped.
        '/ # kill %1\n/ # jobs\n[1]+  Stopped                    sleep 30\n' +
        '/ # poweroff\n[    4.000031] reboot: Power down\n',
    );
  });

  it('stops a whole pipeline, lists the current job first, warns on exit, kills a stopped job', () => {
    const out = typedSession([...JOB_SESSIONS[1]!, 'poweroff\n']);
    expect(out).toContain('/ # sleep 40 | cat\n^Z\n[1]+  Stopped                    sleep 40 | cat\n/ # wait %1; echo w=$?\nw=148\n');
    expect(out).toContain('/ # jobs\n[2]+  Stopped                    sleep 50\n[1]-  Stopped                    sleep 40 | cat\n');
    expect(out).toContain('/ # exit\nYou have stopped jobs.\n/ # kill -9 %1\n/ # true\n[1]-  Killed                     sleep 40 | cat\n');
    expect(out).toContain('/ # fg %2\nsleep 50\n^Z\n[2]+  Stopped                    sleep 50\n/ # kill -9 %2\n/ # fg\nsleep 50\nKilled\n/ # true\n/ # poweroff\n');
  });

  it('announces a background job that stops reading the terminal (SIGTTIN) at the next prompt', () => {
    const out = typedSession([...JOB_SESSIONS[2]!, 'poweroff\n']);
    expect(out).toContain(
      '/ # cat &\n/ # true\n[1]+  Stopped (tty input)        cat\n/ # jobs\n[1]+  Stopped (tty input)        cat\n' +
        '/ # kill -9 %1\n/ # true\n[1]+  Killed                     cat\n/ # poweroff\n',
    );
  });

  it('gives each job its own process group and the terminal to the foreground one', () => {
    const out = typedSession(['cat /proc/self/stat\n', 'cat /proc/self/stat &\n', 'true\n', 'echo $$\n', 'poweroff\n']);
    // /proc/PID/stat: pid (comm) state ppid pgrp session tty_nr tpgid ...
    const stats = [...out.matchAll(/(\d+) \(cat\) \S (\d+) (\d+) (\d+) (\d+) (-?\d+)/gm)].map((m) => m.slice(1).map(Number));
    const shellPid = Number(/echo \$\$\n(\d+)\n/.exec(out)?.[1]);
    expect(stats.length).toBe(2);
    const [fg, bg] = stats as [number[], number[]];
    expect(fg[2]).toBe(fg[0]); // leads its own group
    expect(fg[5]).toBe(fg[0]); // and owns the terminal
    expect(bg[2]).toBe(bg[0]);
    expect(bg[5]).toBe(shellPid); // a background job leaves the terminal to the shell
    expect(fg[1]).toBe(shellPid);
  });
});
