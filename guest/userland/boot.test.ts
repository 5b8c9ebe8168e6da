import { describe, it, expect } from 'vitest';
import type { NativeEntry } from '../abi/native';
import { bootMachine } from '../testing/machine';
import { USERLAND_PROGRAMS } from './programs';

// End to end on the real guest kernel: a Machine boots, the kernel runs /sbin/init, init
// starts the shell on the console, and the Phase A commands are typed at the prompt.
function programs(): Record<string, NativeEntry> {
  const out: Record<string, NativeEntry> = {};
  for (const p of USERLAND_PROGRAMS) for (const path of p.paths) out[path] = p.main;
  return out;
}

const PHASE_A = [
  'echo hello',
  'ls /',
  'cat /proc/cpuinfo | head -n 5',
  'ps',
  "sh -c 'exit 42'; echo $?",
  'yes | head -n 1 | wc -c',
  'sleep 10 & sleep 1; kill -TERM $!; wait $! 2>/dev/null; echo $?',
  'poweroff',
];

describe('native userland on the guest kernel', () => {
  for (const type of ['virt', 'q35'] as const) {
    it(`boots ${type} to the ash prompt and runs the Phase A commands`, () => {
      const r = bootMachine({ type, programs: programs(), input: PHASE_A.map((l) => `${l}\n`) });
      const out = r.output.replace(/\r\n/g, '\n');
      expect(r.stop).toBe('powered-off');
      expect(out).toContain("built-in shell (ash)\nEnter 'help' for a list of built-in commands.\n\n/ # echo hello\nhello\n/ # ");
      expect(out).toMatch(/\/ # ls \/\n.*bin.*proc.*sbin/);
      expect(out).toMatch(/\/ # cat \/proc\/cpuinfo \| head -n 5\nprocessor\t: 0\n/);
      // These programs have no /init (rootfs.test.ts boots the /init script): the kernel falls
      // back to /sbin/init, whose login shell runs ps as a NOEXEC applet in its child.
      expect(out).toMatch(/\/ # ps\nPID   USER     COMMAND\n    1 root     \/sbin\/init\n +[0-9]+ root     \{sh\} -sh\n +[0-9]+ root     \{ps\} -sh\n/);
      expect(out).toContain("/ # sh -c 'exit 42'; echo $?\n42\n");
      expect(out).toContain('/ # yes | head -n 1 | wc -c\n2\n');
      // As BusyBox ash: no "[1] PID" for `&`; the job `wait` reaped is announced at the next prompt.
      expect(out).toContain('kill -TERM $!; wait $! 2>/dev/null; echo $?\n143\n[1]+  Terminated                 sleep 10\n/ # poweroff\n');
    });
  }

  it('answers an ordinary shell session on the real kernel', () => {
    const input = [
      'cd /tmp', 'cat > f <<EOF', 'line1', 'line2', 'EOF', 'wc -l f', 'sort -r f | head -n 1', 'sleep 1 &', 'jobs', 'sleep 2',
      'x=$(ls | wc -l); echo files=$x', 'ls /nonexist; echo rc=$?', 'cp f h; mv h i; ls', 'trap "echo bye" EXIT', 'exit',
      'echo respawned', 'poweroff',
    ];
    const r = bootMachine({ programs: programs(), input: input.map((l) => `${l}\n`) });
    const out = r.output.replace(/\r\n/g, '\n');
    expect(out).toContain('/tmp # cat > f <<EOF\n> line1\n> line2\n> EOF\n/tmp # wc -l f\n2 f\n/tmp # sort -r f | head -n 1\nline2\n');
    expect(out).toMatch(/\/tmp # sleep 1 &\n\/tmp # jobs\n\[1\]\+  Running                    sleep 1\n/);
    expect(out).toContain('/tmp # sleep 2\n[1]+  Done                       sleep 1\n');
    expect(out).toContain('files=1\n');
    expect(out).toContain('ls: /nonexist: No such file or directory\nrc=1\n');
    expect(out).toContain('/tmp # cp f h; mv h i; ls\nf  i\n');
    expect(out).toMatch(/\/tmp # exit\nbye\n\n\nBusyBox v1\.35\.0[^\n]*\n[^\n]*\n\n\/ # echo respawned\nrespawned\n/);
    expect(r.stop).toBe('powered-off');
  });

  it('is deterministic: same seed, same console bytes', () => {
    const a = bootMachine({ programs: programs(), input: ['ls /proc/1\n', 'poweroff\n'], seed: 3 });
    const b = bootMachine({ programs: programs(), input: ['ls /proc/1\n', 'poweroff\n'], seed: 3 });
    expect(a.output).toBe(b.output);
    expect(a.machine.scheduler.now).toBe(b.machine.scheduler.now);
  });
});
