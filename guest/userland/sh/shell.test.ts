import { describe, it, expect } from 'vitest';
import { sh } from '../testing/harness';
import { ORACLE_CASES } from './oracle-cases';
import answers from './oracle-answers.json';

const captured = answers as Record<string, string>;

describe('sh answers like BusyBox ash (captured from busybox 1.35 sh -c)', () => {
  for (const c of ORACLE_CASES) {
    it(c.replace(/\n/g, '\\n'), () => {
      expect(captured[c]).toBeDefined();
      expect(sh(c).out).toBe(captured[c]);
    });
  }
});

describe('sh on the stand-in kernel', () => {
  it('exits with the last status and with exit N', () => {
    expect(sh('false').status).toBe(1);
    expect(sh('exit 300').status).toBe(44);
    expect(sh('nosuch').status).toBe(127);
    expect(sh('fi').status).toBe(2);
  });

  it('expands globs against the file system, sorted, dotfiles only when asked', () => {
    const files = { '/d/b.txt': '', '/d/a.txt': '', '/d/.h.txt': '', '/d/c.log': '' };
    expect(sh('echo /d/*.txt; echo /d/.*.txt; echo /d/?.log; echo /d/[ab].*', { files }).out)
      .toBe('/d/a.txt /d/b.txt\n/d/.h.txt\n/d/c.log\n/d/a.txt /d/b.txt\n');
    expect(sh('cd /d && echo *', { files }).out).toBe('a.txt b.txt c.log\n');
    expect(sh('set -f; echo /d/*', { files }).out).toBe('/d/*\n');
  });

  it('redirects into files, appends, and reports open errors like ash', () => {
    const r = sh('echo one > /tmp/x; echo two >> /tmp/x; cat < /tmp/x; cat < /nope; echo > /no/dir/f; echo $?');
    expect(r.out).toBe("one\ntwo\nsh: can't open /nope: no such file\nsh: can't create /no/dir/f: nonexistent directory\n1\n");
    expect(r.kernel.fs.readFile('/tmp/x')).toBe('one\ntwo\n');
  });

  it('closes fds with N>&- and restores builtin redirections', () => {
    expect(sh('echo hidden >&-; echo $?; { echo in group; } > /tmp/g; echo after; cat /tmp/g').out)
      .toBe('sh: write error: Bad file descriptor\n1\nafter\nin group\n');
  });

  it('runs scripts with their name and line in messages', () => {
    const files = { '/s.sh': 'echo a\n\ncd /x\nnosuch\n' };
    expect(sh('sh /s.sh', { files }).out)
      .toBe("a\n/s.sh: cd: line 3: can't cd to /x: No such file or directory\n/s.sh: line 4: nosuch: not found\n");
  });

  it('passes arguments to scripts and sources files with .', () => {
    const files = { '/args.sh': 'echo "$0 $# $1 $2"\n', '/lib.sh': 'LIBVAR=loaded\n' };
    expect(sh('sh /args.sh x y; . /lib.sh; echo $LIBVAR', { files }).out).toBe('/args.sh 2 x y\nloaded\n');
  });

  it('reports background jobs at the prompt when interactive', () => {
    const k = sh('sh -i', { tty: true, input: 'sleep 1 &\nsleep 2\njobs\necho $?\nexit 4\n' });
    // As BusyBox ash on a terminal: no "[1] PID" line for `&`; the notice comes at the prompt after the job ends.
    expect(k.out).toContain('/ # / # [1]+  Done                       sleep 1\n/ # / # 0\n/ # ');
    expect(k.status).toBe(4);
  });

  it('leaves a job `wait` reaped for the notice at the next prompt, as ash under job control does', () => {
    const k = sh('sh -i', { tty: true, input: 'sleep 10 & sleep 1; kill -TERM $!; wait $! 2>/dev/null; echo $?\nsleep 1 & wait; echo $?\njobs\n' });
    expect(k.out).toContain('/ # 143\n[1]+  Terminated                 sleep 10\n/ # 0\n[1]+  Done                       sleep 1\n/ # / # ');
  });

  it('announces no jobs without a terminal (job control off)', () => {
    const k = sh('sh -i', { input: 'sleep 1 & sleep 2; echo $?\n' });
    expect(k.out).not.toContain('Done');
    expect(k.out).toContain('0\n');
  });

  it('continues an incomplete command with PS2', () => {
    const k = sh('sh -i', { tty: true, input: 'if true\nthen echo y\nfi\n' });
    expect(k.out).toContain('/ # > > y\n/ # ');
  });

  it('shows the cwd in the prompt, ~ for $HOME', () => {
    const k = sh('HOME=/tmp sh -i', { tty: true, input: 'cd /tmp\ncd /\n' });
    expect(k.out).toContain('/ # ~ # / # ');
  });

  it('runs trap actions for signals that arrive', () => {
    expect(sh('trap "echo got USR1" USR1; kill -USR1 $$; echo after').out).toBe('got USR1\nafter\n');
    expect(sh('trap "" TERM; kill $$; echo survived').out).toBe('survived\n');
  });
});

describe('prompt', () => {
  it('expands parameters in PS1 before the backslash escapes', () => {
    const k = sh('PS1=\'[$X] \\w \\$ \' X=v sh -i', { tty: true, input: 'echo hi\n' });
    expect(k.out).toContain('[v] / # hi\n[v] / # ');
  });
});
