// setsid and cttyhack: what an initramfs /init uses to give the console shell a session
// and a controlling terminal (`setsid cttyhack /bin/sh`), with BusyBox 1.35's behaviour.

import { ENOENT, ENOTDIR, strerror } from '../libc/errno';
import { O_RDONLY, O_RDWR, TIOCSCTTY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Sc, Sys } from '../libc/sys';
import { fromUtf8 } from '../libc/text';

const DEFAULT_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

/** execvp through `sys` (the child's own, after a fork); returns only on failure, with the status (127 not found, 126 otherwise). */
function* execvp(rt: Runtime, sys: Sys, cmd: readonly string[]): Sc<number> {
  const name = cmd[0]!;
  const paths = name.includes('/') ? [name] : (rt.env.get('PATH') ?? DEFAULT_PATH).split(':').map((d) => `${d || '.'}/${name}`);
  let r = -ENOENT;
  for (const p of paths) {
    r = yield* sys.execve(p, cmd, rt.envp());
    if (r !== -ENOENT && r !== -ENOTDIR) break;
  }
  yield* sys.write(2, new TextEncoder().encode(`${rt.name}: can't execute '${name}': ${strerror(r)}\n`));
  return r === -ENOENT || r === -ENOTDIR ? 127 : 126;
}

/**
 * setsid [-c] PROG ARGS: a process-group leader cannot start a session, so (as BusyBox) it
 * forks first and the parent exits 0; -c also makes the terminal on stdin the controlling one.
 */
export function* setsid(rt: Runtime): Sc<number> {
  let args = rt.argv.slice(1);
  const ctty = args[0] === '-c';
  if (ctty) args = args.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    rt.err.put('Usage: setsid [-c] PROG ARGS\n');
    return 1;
  }
  const pid = yield* rt.sys.getpid();
  if ((yield* rt.sys.getpgid(0)) === pid) {
    yield* rt.flush();
    const child = yield* rt.sys.fork(function* (ctx) {
      const sys = rt.sys.forChild(ctx.mem);
      const status = yield* startSession(rt, ctty, args, sys);
      yield* sys.exit(status);
      return status;
    });
    if (child < 0) {
      yield* rt.error(`fork: ${strerror(child)}`);
      return 1;
    }
    return 0;
  }
  yield* rt.flush();
  return yield* startSession(rt, ctty, args, rt.sys);
}

function* startSession(rt: Runtime, ctty: boolean, args: readonly string[], sys: Sys): Sc<number> {
  const r = yield* sys.setsid();
  if (r < 0) {
    yield* sys.write(2, new TextEncoder().encode(`${rt.name}: setsid: ${strerror(r)}\n`));
    return 1;
  }
  if (ctty) yield* sys.ioctl(0, TIOCSCTTY, 1);
  return yield* execvp(rt, sys, args);
}

/** The console's real device from /sys/class/tty/console/active ("tty0 ttyS0\n": the last one). */
function* activeConsole(rt: Runtime): Sc<string | undefined> {
  const fd = yield* rt.sys.open('/sys/class/tty/console/active', O_RDONLY);
  if (fd < 0) return undefined;
  const bytes = yield* rt.sys.read(fd, 256);
  yield* rt.sys.close(fd);
  if (typeof bytes === 'number') return undefined;
  const names = fromUtf8(bytes).trim().split(/\s+/).filter((n) => n !== '');
  return names.length > 0 ? `/dev/${names[names.length - 1]}` : undefined;
}

/**
 * cttyhack [PROG ARGS]: with no controlling terminal (/dev/tty does not open), reopen stdio
 * on the console's real device and take it as the controlling terminal, then exec PROG
 * (default /bin/sh) — the console device itself can never be a controlling terminal.
 */
export function* cttyhack(rt: Runtime): Sc<number> {
  const cmd = rt.argv.length > 1 ? rt.argv.slice(1) : ['/bin/sh'];
  let fd = yield* rt.sys.open('/dev/tty', O_RDWR);
  if (fd < 0) {
    const device = yield* activeConsole(rt);
    if (device !== undefined) {
      fd = yield* rt.sys.open(device, O_RDWR);
      if (fd < 0) yield* rt.error(`can't open '${device}': ${strerror(fd)}`);
    }
  }
  if (fd >= 0) {
    for (const target of [0, 1, 2]) if (fd !== target) yield* rt.sys.dup3(fd, target);
    if (fd > 2) yield* rt.sys.close(fd);
    yield* rt.sys.ioctl(0, TIOCSCTTY, 1);
  }
  yield* rt.flush();
  return yield* execvp(rt, rt.sys, cmd);
}
