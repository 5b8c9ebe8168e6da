// Process applets reading /proc: ps (BusyBox's default "PID USER COMMAND" columns) and
// kill, plus uptime-style helpers.

import { strerror } from '../libc/errno';
import { O_DIRECTORY, O_RDONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { allSignals, parseSignal, signalName } from '../libc/signals';
import { InStream } from '../libc/stdio';
import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';
import { loadTable, nameOf } from './users';

function* readSmall(rt: Runtime, path: string): Sc<string | undefined> {
  const fd = yield* rt.sys.open(path, O_RDONLY);
  if (fd < 0) return undefined;
  const data = yield* new InStream(rt.sys, fd).all();
  yield* rt.sys.close(fd);
  return fromUtf8(data);
}

export interface PsRow {
  pid: number;
  user: string;
  command: string;
}

/** On a terminal BusyBox cuts each line to the width minus one; `widthCols` 0 = no limit. */
export function formatPs(rows: readonly PsRow[], widthCols = 0): string {
  const cut = (line: string): string => (widthCols > 0 ? line.slice(0, widthCols - 1) : line);
  return ['PID   USER     COMMAND', ...rows.map((r) => `${String(r.pid).padStart(5)} ${r.user.slice(0, 8).padEnd(8)} ${r.command}`)]
    .map((l) => `${cut(l)}\n`).join('');
}

/**
 * The COMMAND column: the command line, or [comm] for kernel threads / empty cmdline. As
 * BusyBox's read_cmdline, a comm that argv[0]'s basename does not start with (a script run
 * by its interpreter, a login shell's "-sh", a name set by prctl) is shown first in braces.
 */
export function psCommand(cmdline: string, stat: string): string {
  const args = cmdline.split('\0');
  if (args[args.length - 1] === '') args.pop();
  const comm = /\((.*)\)/s.exec(stat)?.[1];
  if (args.length === 0) return `[${comm ?? '?'}]`;
  const base = args[0].slice(args[0].lastIndexOf('/') + 1);
  const shown = args.join(' ');
  return comm !== undefined && base.slice(0, comm.length) !== comm ? `{${comm}} ${shown}` : shown;
}

export function* ps(rt: Runtime): Sc<number> {
  const dir = yield* rt.sys.open('/proc', O_RDONLY | O_DIRECTORY);
  if (dir < 0) {
    yield* rt.error(`can't open '/proc': ${strerror(dir)}`);
    return 1;
  }
  const ents = yield* rt.sys.getdents(dir);
  yield* rt.sys.close(dir);
  if (typeof ents === 'number') return 1;
  const passwd = yield* loadTable(rt, '/etc/passwd');
  const pids = ents.filter((e) => /^[0-9]+$/.test(e.name)).map((e) => Number(e.name)).sort((a, b) => a - b);
  const rows: PsRow[] = [];
  for (const pid of pids) {
    const stat = yield* readSmall(rt, `/proc/${pid}/stat`);
    if (stat === undefined) continue;
    const cmdline = (yield* readSmall(rt, `/proc/${pid}/cmdline`)) ?? '';
    const st = yield* rt.sys.stat(`/proc/${pid}`);
    const uid = typeof st === 'number' ? 0 : st.uid;
    rows.push({ pid, user: nameOf(passwd, uid), command: psCommand(cmdline, stat) });
  }
  const ws = (yield* rt.sys.isatty(1)) ? yield* rt.sys.ioctlWinsize(1) : undefined;
  rt.out.put(formatPs(rows, ws === undefined ? 0 : ws.cols || 80));
  return 0;
}

export function* kill(rt: Runtime): Sc<number> {
  let args = rt.argv.slice(1);
  if (args[0] === '-l') {
    if (args.length === 1) {
      for (const [n, name] of allSignals()) rt.out.put(`${String(n).padStart(2)}) ${name}\n`);
      return 0;
    }
    for (const a of args.slice(1)) {
      const n = /^[0-9]+$/.test(a) ? signalName(Number(a) > 128 ? Number(a) - 128 : Number(a)) : parseSignal(a);
      if (n === undefined) {
        yield* rt.error(`bad signal name '${a}'`);
        return 1;
      }
      rt.out.put(`${n}\n`);
    }
    return 0;
  }
  let sig = 15;
  const first = args[0];
  if (first === '-s' || first === '-n') {
    const s = parseSignal(args[1] ?? '');
    if (s === undefined) {
      yield* rt.error(`bad signal name '${args[1] ?? ''}'`);
      return 1;
    }
    sig = s;
    args = args.slice(2);
  } else if (first !== undefined && first.startsWith('-') && first !== '--' && args.length > 1) {
    const s = parseSignal(first.slice(1));
    if (s === undefined) {
      yield* rt.error(`bad signal name '${first.slice(1)}'`);
      return 1;
    }
    sig = s;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    yield* rt.error('you need to specify whom to kill');
    return 1;
  }
  let status = 0;
  for (const a of args) {
    if (!/^-?[0-9]+$/.test(a)) {
      yield* rt.error(`invalid number '${a}'`);
      status = 1;
      continue;
    }
    const r = yield* rt.sys.kill(Number(a), sig);
    if (r < 0) {
      yield* rt.error(`can't kill pid ${a}: ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}
