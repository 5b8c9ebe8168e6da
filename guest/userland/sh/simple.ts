// Simple commands (XCU 2.9.1): expand words and assignments, then run a special builtin,
// a function, a regular builtin, or an external program found on PATH in a child.

import { EACCES, ENOENT, ENOEXEC, ENOTDIR, strerror } from '../libc/errno';
import type { Sc } from '../libc/sys';
import type { Command, SimpleCommand } from './ast';
import { BUILTINS } from './builtins';
import { noexecApplet, runNoexec } from './noexec';
import type { Builtin } from './builtins';
import { applyRedirs, restoreRedirs } from './redirect';
import { ControlFlow } from './shell';
import type { Shell } from './shell';

const DEFAULT_PATH = '/sbin:/usr/sbin:/bin:/usr/bin';

export function* runSimple(sh: Shell, cmd: SimpleCommand, tail: boolean): Sc<number> {
  sh.line = cmd.line;
  sh.substStatus = 0;
  const argv: string[] = [];
  for (const w of cmd.words) argv.push(...(yield* sh.expander.fields(w)));
  const assigns = new Map<string, string>();
  for (const a of cmd.assigns) {
    const eq = a.indexOf('=');
    assigns.set(a.slice(0, eq), yield* sh.expander.text(a.slice(eq + 1)));
  }
  const substStatus = sh.substStatus;
  if (sh.state.options.xtrace) {
    sh.err.put(`+ ${[...[...assigns].map(([k, v]) => `${k}=${v}`), ...argv].join(' ')}\n`);
    yield* sh.err.flush();
  }
  if (argv.length === 0) {
    if (!(yield* assignAll(sh, assigns))) return 2;
    if (cmd.redirs.length > 0) {
      const saved = yield* applyRedirs(sh, cmd.redirs, true);
      if (saved === undefined) return 1;
      yield* restoreRedirs(sh.sys, saved);
    }
    return substStatus;
  }
  const name = argv[0]!;
  if (name === 'exec') return yield* runExec(sh, cmd, argv.slice(1), assigns);
  const builtin = BUILTINS.get(name);
  if (builtin?.special) {
    if (!(yield* assignAll(sh, assigns))) return 2;
    return yield* runBuiltin(sh, cmd, builtin, name, argv);
  }
  const fn = sh.state.functions.get(name);
  if (fn) return yield* withTempVars(sh, assigns, () => runFunction(sh, cmd, fn, argv));
  if (builtin) return yield* withTempVars(sh, assigns, () => runBuiltin(sh, cmd, builtin, name, argv));
  if (tail) {
    if ((yield* applyRedirs(sh, cmd.redirs, false)) === undefined) return 1;
    return yield* execExternal(sh, argv, assigns);
  }
  const pid = yield* sh.spawn(function* (child: Shell) {
    if ((yield* applyRedirs(child, cmd.redirs, false)) === undefined) return 1;
    return yield* execExternal(child, argv, assigns);
  });
  if (pid < 0) return 2;
  return yield* sh.waitForeground([pid]);
}

function* assignAll(sh: Shell, assigns: ReadonlyMap<string, string>): Sc<boolean> {
  for (const [k, v] of assigns) {
    if (!sh.state.set(k, v)) {
      yield* sh.diag(`${k}: is read only`);
      if (!sh.state.interactive) throw new ControlFlow('exit', 2);
      return false;
    }
  }
  return true;
}

/** Prefix assignments visible only while a regular builtin or function runs. */
function* withTempVars(sh: Shell, assigns: ReadonlyMap<string, string>, body: () => Sc<number>): Sc<number> {
  if (assigns.size === 0) return yield* body();
  const saved = new Map([...assigns.keys()].map((k) => [k, sh.state.vars.get(k)] as const));
  if (!(yield* assignAll(sh, assigns))) return 2;
  try {
    return yield* body();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) sh.state.vars.delete(k);
      else sh.state.vars.set(k, v);
    }
  }
}

function* runBuiltin(sh: Shell, cmd: SimpleCommand, builtin: Builtin, name: string, argv: string[]): Sc<number> {
  const saved = yield* applyRedirs(sh, cmd.redirs, true);
  if (saved === undefined) return 1;
  const outer = sh.builtinName;
  sh.builtinName = name;
  let status = 1;
  try {
    status = yield* builtin.run(sh, argv);
  } finally {
    sh.builtinName = outer;
    yield* sh.flushAll();
    status = yield* reportWriteError(sh, status);
    yield* restoreRedirs(sh.sys, saved);
  }
  return status;
}

/** A builtin whose output could not be written fails like BusyBox's: "sh: write error: ...". */
function* reportWriteError(sh: Shell, status: number): Sc<number> {
  const e = sh.out.error;
  if (e === 0) return status;
  sh.out.error = 0;
  sh.err.put(`sh: write error: ${strerror(-e)}\n`);
  yield* sh.err.flush();
  return 1;
}

function* runFunction(sh: Shell, cmd: SimpleCommand, body: Command, argv: string[]): Sc<number> {
  const saved = yield* applyRedirs(sh, cmd.redirs, true);
  if (saved === undefined) return 1;
  const positional = sh.state.positional;
  sh.state.positional = argv.slice(1);
  sh.funcDepth++;
  sh.localFrames.push(new Map());
  try {
    return yield* sh.exec(body);
  } catch (e) {
    if (e instanceof ControlFlow && e.kind === 'return') return e.n;
    throw e;
  } finally {
    sh.funcDepth--;
    for (const [k, v] of sh.localFrames.pop() ?? []) {
      if (v === undefined) sh.state.vars.delete(k);
      else sh.state.vars.set(k, v);
    }
    sh.state.positional = positional;
    yield* sh.flushAll();
    yield* restoreRedirs(sh.sys, saved);
  }
}

/** exec: with arguments replace the shell; without, make the redirections permanent. */
function* runExec(sh: Shell, cmd: SimpleCommand, args: string[], assigns: Map<string, string>): Sc<number> {
  if ((yield* applyRedirs(sh, cmd.redirs, false)) === undefined) {
    if (!sh.state.interactive) throw new ControlFlow('exit', 1);
    return 1;
  }
  if (args.length === 0) return 0;
  const status = yield* execExternal(sh, args, assigns);
  throw new ControlFlow('exit', status);
}

/** PATH search and execve; returns only on failure, with ash's message and status. */
export function* execExternal(sh: Shell, argv: string[], assigns: ReadonlyMap<string, string>): Sc<number> {
  const name = argv[0]!;
  const env = sh.state.environment(assigns);
  yield* sh.flushAll();
  const applet = noexecApplet(name);
  if (applet) return yield* runNoexec(sh, applet, argv, env);
  const candidates = name.includes('/')
    ? [name]
    : (sh.state.get('PATH') ?? DEFAULT_PATH).split(':').map((d) => `${d === '' ? '.' : d}/${name}`);
  let failure = -ENOENT;
  for (const path of candidates) {
    let r = yield* sh.sys.execve(path, argv, env);
    if (r === -ENOEXEC) r = yield* sh.sys.execve('/bin/sh', ['sh', path, ...argv.slice(1)], env);
    if (r !== -ENOENT && r !== -ENOTDIR) failure = r;
    if (failure === -EACCES || (r !== -ENOENT && r !== -ENOTDIR)) break;
  }
  if (failure === -ENOENT) {
    yield* sh.diag(`${name}: not found`);
    return 127;
  }
  yield* sh.diag(`${name}: ${strerror(failure)}`);
  return 126;
}
