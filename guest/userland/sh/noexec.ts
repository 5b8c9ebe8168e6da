// BusyBox's NOEXEC applets: with FEATURE_SH_STANDALONE (Debian's build) ash runs an applet
// marked NOEXEC in its forked child without execve — the applet's main is called in the
// child, which renames itself with prctl(PR_SET_NAME), so ps shows it as `{ps} /bin/sh`
// (the comm in braces, then the shell's own command line). Applets are found by name
// before PATH, as standalone ash does.

import type { NativeEntry } from '../../abi/native';
import { APPLETS } from '../applets/index';
import type { Sc } from '../libc/sys';
import type { Shell } from './shell';

/**
 * The native applets BusyBox 1.35 declares APPLET_NOEXEC (their //applet: lines in
 * procps/ps.c, coreutils/ls.c, coreutils/head.c). Others are exec'd as before.
 */
export const NOEXEC_APPLETS: ReadonlySet<string> = new Set(['ps', 'ls', 'head']);

const ENTRIES = new Map<string, NativeEntry>(APPLETS.filter(([name]) => NOEXEC_APPLETS.has(name)));

/** The applet's entry when `name` (a bare command name) runs as a NOEXEC applet. */
export function noexecApplet(name: string): NativeEntry | undefined {
  return name.includes('/') ? undefined : ENTRIES.get(name);
}

/**
 * Runs a NOEXEC applet in place of the current (child) process: sets comm to the applet
 * name and calls its main, which exits the process; returns only if it does not.
 */
export function* runNoexec(sh: Shell, entry: NativeEntry, argv: readonly string[], envp: readonly string[]): Sc<number> {
  yield* sh.flushAll();
  yield* sh.sys.setProcessName(argv[0]!);
  const gen = entry({ argv, envp, mem: sh.sys.mem });
  return yield* gen;
}
