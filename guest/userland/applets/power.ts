// poweroff, reboot, halt. BusyBox signals its init unless -f; this userland's init does
// not run shutdown actions, so these sync and call reboot(2) directly, as `-f` does
// (documented in docs/userland.md). -d DELAY sleeps first; -n skips the sync.

import { LINUX_REBOOT_CMD_HALT, LINUX_REBOOT_CMD_POWER_OFF, LINUX_REBOOT_CMD_RESTART } from '../libc/numbers';
import { strerror } from '../libc/errno';
import type { Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { options } from './common';

function* shutdown(rt: Runtime, cmd: number): Sc<number> {
  const o = yield* options(rt, 'd:nfw');
  if (!o) return 1;
  const delay = Number(o.values.get('d') ?? '0');
  if (delay > 0) yield* rt.sys.nanosleep(delay * 1e9);
  if (o.flags.has('w')) return 0;
  if (!o.flags.has('n')) yield* rt.sys.sync();
  yield* rt.flush();
  const r = yield* rt.sys.reboot(cmd);
  if (r < 0) {
    yield* rt.error(strerror(r));
    return 1;
  }
  return 0;
}

export function* poweroff(rt: Runtime): Sc<number> {
  return yield* shutdown(rt, LINUX_REBOOT_CMD_POWER_OFF);
}

export function* reboot(rt: Runtime): Sc<number> {
  return yield* shutdown(rt, LINUX_REBOOT_CMD_RESTART);
}

export function* halt(rt: Runtime): Sc<number> {
  return yield* shutdown(rt, LINUX_REBOOT_CMD_HALT);
}
