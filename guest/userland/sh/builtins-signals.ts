// kill and trap. Native programs install no signal handler functions, so a trapped
// signal is blocked and collected with a zero-timeout rt_sigtimedwait between commands
// (where ash runs trap actions too); "" ignores it (SIG_IGN), "-" restores SIG_DFL.

import { strerror } from '../libc/errno';
import { SIG_BLOCK, SIG_DFL, SIG_IGN, SIG_UNBLOCK } from '../libc/numbers';
import { allSignals, parseSignal, signalName, SIGTERM } from '../libc/signals';
import type { Sc } from '../libc/sys';
import { signalJob } from './jobctl';
import { findJob } from './jobs';
import type { Shell } from './shell';

function* plain(sh: Shell, message: string): Sc<void> {
  yield* sh.out.flush();
  sh.err.put(`sh: ${message}\n`);
  yield* sh.err.flush();
}

function* killList(sh: Shell, args: string[]): Sc<number> {
  if (args.length === 0) {
    for (const [n, name] of allSignals()) sh.out.put(`${String(n).padStart(2)}) ${name}\n`);
    return 0;
  }
  for (const a of args) {
    if (/^[0-9]+$/.test(a)) {
      const n = Number(a) > 128 ? Number(a) - 128 : Number(a);
      const name = signalName(n);
      if (name === undefined) {
        yield* plain(sh, `bad signal name '${a}'`);
        return 1;
      }
      sh.out.put(`${name}\n`);
    } else {
      const n = parseSignal(a);
      if (n === undefined) {
        yield* plain(sh, `bad signal name '${a}'`);
        return 1;
      }
      sh.out.put(`${n}\n`);
    }
  }
  return 0;
}

export function* killBuiltin(sh: Shell, argv: string[]): Sc<number> {
  let args = argv.slice(1);
  if (args[0] === '-l') return yield* killList(sh, args.slice(1));
  let sig = SIGTERM;
  if (args[0] === '-s' || args[0] === '-n') {
    const s = args[1] === undefined ? undefined : parseSignal(args[1]);
    if (s === undefined) {
      yield* plain(sh, `bad signal name '${args[1] ?? ''}'`);
      return 1;
    }
    sig = s;
    args = args.slice(2);
  } else if (args[0] !== undefined && args[0].startsWith('-') && args[0] !== '--') {
    const s = parseSignal(args[0].slice(1));
    if (s === undefined) {
      yield* plain(sh, `bad signal name '${args[0].slice(1)}'`);
      return 1;
    }
    sig = s;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    yield* plain(sh, 'you need to specify whom to kill');
    return 1;
  }
  let status = 0;
  for (const target of args) {
    let pids: number[];
    if (target.startsWith('%')) {
      const job = findJob(sh, target);
      if (!job) {
        yield* sh.diag(`${target}: no such job`);
        return 2;
      }
      const r = yield* signalJob(sh, job, sig);
      if (r < 0) {
        yield* plain(sh, `can't kill pid -${job.pgid ?? job.pids[0]}: ${strerror(r)}`);
        status = 1;
      }
      continue;
    } else if (/^-?[0-9]+$/.test(target)) {
      pids = [Number(target)];
    } else {
      yield* plain(sh, `invalid number '${target}'`);
      status = 1;
      continue;
    }
    for (const pid of pids) {
      const r = yield* sh.sys.kill(pid, sig);
      if (r < 0) {
        yield* plain(sh, `can't kill pid ${pid}: ${strerror(r)}`);
        status = 1;
      }
    }
  }
  return status;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function trapSignal(spec: string): number | undefined {
  if (spec === 'EXIT' || spec === '0') return 0;
  return parseSignal(spec);
}

export function* trapBuiltin(sh: Shell, argv: string[]): Sc<number> {
  const args = argv.slice(1);
  if (args.length === 0 || (args.length === 1 && args[0] === '-p')) {
    for (const [sig, action] of [...sh.state.traps].sort((a, b) => a[0] - b[0])) {
      sh.out.put(`trap -- ${quote(action)} ${sig === 0 ? 'EXIT' : signalName(sig) ?? String(sig)}\n`);
    }
    return 0;
  }
  let action: string | undefined = args[0]!;
  let sigs = args.slice(1);
  // "trap N..." with a number first resets those signals (POSIX).
  if (/^[0-9]+$/.test(action)) {
    sigs = args;
    action = undefined;
  } else if (action === '-') action = undefined;
  let status = 0;
  for (const spec of sigs) {
    const sig = trapSignal(spec);
    if (sig === undefined) {
      yield* sh.diag(`${spec}: bad trap`);
      status = 1;
      continue;
    }
    yield* setTrap(sh, sig, action);
  }
  return status;
}

function* setTrap(sh: Shell, sig: number, action: string | undefined): Sc<void> {
  if (action === undefined) sh.state.traps.delete(sig);
  else sh.state.traps.set(sig, action);
  if (sig === 0) return;
  const bit = 1n << BigInt(sig - 1);
  if (action === undefined || action === '') {
    yield* sh.sys.sigprocmask(SIG_UNBLOCK, bit);
    yield* sh.sys.signalDisposition(sig, action === '' ? SIG_IGN : SIG_DFL);
  } else {
    yield* sh.sys.signalDisposition(sig, SIG_DFL);
    yield* sh.sys.sigprocmask(SIG_BLOCK, bit);
  }
}

/** Runs the actions of trapped signals that have arrived (called between commands). */
export function* runPendingTraps(sh: Shell): Sc<void> {
  let mask = 0n;
  for (const [sig, action] of sh.state.traps) if (sig !== 0 && action !== '') mask |= 1n << BigInt(sig - 1);
  if (mask === 0n) return;
  for (let guard = 0; guard < 64; guard++) {
    const sig = yield* sh.sys.sigpoll(mask);
    if (sig <= 0) return;
    const action = sh.state.traps.get(sig);
    if (action === undefined) continue;
    const saved = sh.state.lastStatus;
    yield* sh.evalString(action);
    sh.state.lastStatus = saved;
  }
}
