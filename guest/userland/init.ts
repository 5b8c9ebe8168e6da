// /sbin/init (PID 1): mounts the kernel filesystems, runs /etc/init.d/rcS when present,
// then keeps a login shell on the console — BusyBox init's built-in default table without
// the "askfirst" prompt, i.e. `::sysinit:/etc/init.d/rcS` + `::respawn:-/bin/sh` (see
// docs/userland.md for why). It reaps orphans, and stops respawning a shell that keeps
// exiting at once (a console at end of input) instead of looping forever.

import type { NativeContext, NativeProgram } from '../abi/native';
import { O_RDONLY, SIG_DFL, TIOCSCTTY } from './libc/numbers';
import { Sys } from './libc/sys';
import type { Sc } from './libc/sys';

const INIT_ENV = ['HOME=/', 'PATH=/sbin:/usr/sbin:/bin:/usr/bin', 'SHELL=/bin/sh', 'USER=root'];
const MOUNTS: ReadonlyArray<readonly [string, string, string]> = [
  ['proc', '/proc', 'proc'],
  ['sysfs', '/sys', 'sysfs'],
  ['devtmpfs', '/dev', 'devtmpfs'],
  ['devpts', '/dev/pts', 'devpts'],
];
/** A shell that lives less than this is a quick exit; this many in a row stop the respawning. */
const QUICK_EXIT_NS = 1e9;
const MAX_QUICK_EXITS = 5;
const IDLE_SLEEP_NS = 3600e9;

function* mountKernelFilesystems(sys: Sys): Sc<void> {
  for (const [source, target, type] of MOUNTS) {
    yield* sys.mkdir(target, 0o755);
    yield* sys.mount(source, target, type, 0, '');
  }
}

/** Runs a command in a child and waits for it; returns the pid or -errno. */
function* spawnAndWait(sys: Sys, path: string, argv: string[], env: string[], session: boolean): Sc<number> {
  const pid = yield* sys.fork(function* (ctx: NativeContext) {
    const child = sys.forChild(ctx.mem);
    if (session) {
      yield* child.setsid();
      yield* child.ioctl(0, TIOCSCTTY, 0);
    }
    for (const sig of [1, 2, 3, 15]) yield* child.signalDisposition(sig, SIG_DFL);
    yield* child.execve(path, argv, env);
    yield* child.write(2, new TextEncoder().encode(`init: can't run '${path}'\n`));
    yield* child.exit(127);
    return 127;
  });
  if (pid < 0) return pid;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const r = yield* sys.wait4(-1, 0);
    if (typeof r === 'number' || r.pid === pid) break;
  }
  return pid;
}

export function* initMain(ctx: NativeContext): NativeProgram {
  const sys = yield* Sys.create(ctx.mem);
  if (typeof sys === 'number') return 1;
  const env = [...INIT_ENV, ...ctx.envp.filter((e) => e.startsWith('TERM='))];
  yield* mountKernelFilesystems(sys);
  const rcs = yield* sys.open('/etc/init.d/rcS', O_RDONLY);
  if (rcs >= 0) {
    yield* sys.close(rcs);
    yield* spawnAndWait(sys, '/bin/sh', ['/bin/sh', '/etc/init.d/rcS'], env, false);
  }
  let quickExits = 0;
  while (quickExits < MAX_QUICK_EXITS) {
    const startNs = yield* sys.clockGettimeNs(1);
    const pid = yield* spawnAndWait(sys, '/bin/sh', ['-sh'], env, true);
    if (pid < 0) break;
    const livedNs = (yield* sys.clockGettimeNs(1)) - startNs;
    quickExits = livedNs < QUICK_EXIT_NS ? quickExits + 1 : 0;
  }
  // Keep reaping orphans; PID 1 must never exit.
  for (;;) {
    const r = yield* sys.wait4(-1, 0);
    if (typeof r === 'number') yield* sys.nanosleep(IDLE_SLEEP_NS);
  }
}
