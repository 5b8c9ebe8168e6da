// The shell's builtin commands, by name. Special builtins (XCU 2.14) keep prefix
// assignments and may exit a non-interactive shell; the rest behave like commands.
// echo, printf, test and kill report errors as BusyBox applets do ("sh: message").

import { bgBuiltin } from './jobctl';
import { strerror } from '../libc/errno';
import { O_RDONLY } from '../libc/numbers';
import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';
import { echoText, printfText } from '../applets/printf-format';
import { alias, unalias } from './builtins-alias';
import { fg, getopts } from './builtins-getopts';
import { killBuiltin, trapBuiltin } from './builtins-signals';
import { VAR_BUILTINS } from './builtins-vars';
import { findJob, jobDone, jobLine, reapChildren, waitBuiltin } from './jobs';
import { ControlFlow } from './shell';
import type { Shell } from './shell';
import { runTest } from './testcmd';

export interface Builtin {
  special: boolean;
  run(sh: Shell, argv: string[]): Sc<number>;
}

function regular(run: Builtin['run']): Builtin {
  return { special: false, run };
}

function special(run: Builtin['run']): Builtin {
  return { special: true, run };
}

function* plainError(sh: Shell, message: string): Sc<void> {
  yield* sh.out.flush();
  sh.err.put(`sh: ${message}\n`);
  yield* sh.err.flush();
}

function numberArg(arg: string | undefined, fallback: number): number | undefined {
  if (arg === undefined) return fallback;
  return /^[0-9]+$/.test(arg) ? Number(arg) : undefined;
}

function* cd(sh: Shell, argv: string[]): Sc<number> {
  const args = argv.slice(1).filter((a) => a !== '-L' && a !== '-P');
  let dir = args[0] ?? sh.state.get('HOME') ?? '/';
  const dash = dir === '-';
  if (dash) dir = sh.state.get('OLDPWD') ?? '';
  const r = yield* sh.sys.chdir(dir);
  if (r < 0) {
    yield* sh.diag(`can't cd to ${dir}: ${strerror(r)}`);
    return 2;
  }
  const cwd = yield* sh.sys.getcwd();
  const old = sh.state.get('PWD');
  if (old !== undefined) sh.state.set('OLDPWD', old);
  if (typeof cwd === 'string') sh.state.set('PWD', cwd);
  if (dash && typeof cwd === 'string') sh.out.put(`${cwd}\n`);
  return 0;
}

function* pwd(sh: Shell): Sc<number> {
  const cwd = yield* sh.sys.getcwd();
  if (typeof cwd === 'number') {
    yield* sh.diag(`getcwd: ${strerror(cwd)}`);
    return 1;
  }
  sh.out.put(`${cwd}\n`);
  return 0;
}

function* test(sh: Shell, argv: string[]): Sc<number> {
  let args = argv.slice(1);
  if (argv[0] === '[') {
    if (args[args.length - 1] !== ']') {
      yield* plainError(sh, 'missing ]');
      return 2;
    }
    args = args.slice(0, -1);
  }
  const r = yield* runTest(args, sh.sys);
  if (r.status === 2) yield* plainError(sh, r.error);
  return r.status;
}

function* printf(sh: Shell, argv: string[]): Sc<number> {
  if (argv.length < 2) {
    yield* plainError(sh, 'usage: printf FORMAT [ARGUMENT]...');
    return 1;
  }
  const r = printfText(argv[1]!, argv.slice(2));
  sh.out.put(r.out);
  for (const e of r.errors) yield* plainError(sh, e);
  return r.status;
}

function* flow(sh: Shell, argv: string[]): Sc<number> {
  const kind = argv[0] === 'break' ? 'break' : 'continue';
  const n = numberArg(argv[1], 1);
  if (n === undefined || n === 0) {
    yield* sh.diag(`Illegal number: ${argv[1]}`);
    return 2;
  }
  if (sh.loopDepth === 0) return 0;
  throw new ControlFlow(kind, Math.min(n, sh.loopDepth));
}

function* exitOrReturn(sh: Shell, argv: string[]): Sc<number> {
  const n = argv[1] === undefined ? sh.state.lastStatus : /^-?[0-9]+$/.test(argv[1]) ? Number(argv[1]) & 0xff : undefined;
  if (n === undefined) {
    yield* sh.diag(`Illegal number: ${argv[1]}`);
    return 2;
  }
  const kind = argv[0] === 'return' && sh.funcDepth > 0 ? 'return' : 'exit';
  // ash refuses the first exit while jobs are stopped; a second one exits.
  if (kind === 'exit' && sh.state.jobControl && !sh.stoppedJobsWarned && sh.state.jobs.some((j) => j.stopSig !== undefined)) {
    sh.stoppedJobsWarned = true;
    yield* sh.out.flush();
    sh.err.put('You have stopped jobs.\n');
    yield* sh.err.flush();
    return 0;
  }
  throw new ControlFlow(kind, n);
}

function* dot(sh: Shell, argv: string[]): Sc<number> {
  const file = argv[1];
  if (file === undefined) return 0;
  const candidates = file.includes('/') ? [file] : [...(sh.state.get('PATH') ?? '').split(':').map((d) => `${d || '.'}/${file}`), file];
  for (const path of candidates) {
    const fd = yield* sh.sys.open(path, O_RDONLY);
    if (fd < 0) continue;
    const chunks: Uint8Array[] = [];
    for (;;) {
      const c = yield* sh.sys.read(fd, 65536);
      if (typeof c === 'number' || c.length === 0) break;
      chunks.push(c);
    }
    yield* sh.sys.close(fd);
    const src = chunks.map((c) => fromUtf8(c)).join('');
    const positional = sh.state.positional;
    if (argv.length > 2) sh.state.positional = argv.slice(2);
    try {
      return yield* sh.evalString(src);
    } finally {
      if (argv.length > 2) sh.state.positional = positional;
    }
  }
  yield* sh.diag(`can't open '${file}'`);
  if (!sh.state.interactive) throw new ControlFlow('exit', 2);
  return 2;
}

function* umask(sh: Shell, argv: string[]): Sc<number> {
  const symbolic = argv[1] === '-S';
  const arg = symbolic ? argv[2] : argv[1];
  if (arg === undefined) {
    const cur = yield* sh.sys.umask(0);
    yield* sh.sys.umask(cur);
    if (symbolic) {
      const perm = (bits: number): string => (bits & 4 ? '' : 'r') + (bits & 2 ? '' : 'w') + (bits & 1 ? '' : 'x');
      sh.out.put(`u=${perm(cur >> 6)},g=${perm((cur >> 3) & 7)},o=${perm(cur & 7)}\n`);
    } else {
      sh.out.put(`${cur.toString(8).padStart(4, '0')}\n`);
    }
    return 0;
  }
  if (!/^[0-7]+$/.test(arg)) {
    yield* sh.diag(`Illegal mode: ${arg}`);
    return 1;
  }
  yield* sh.sys.umask(parseInt(arg, 8) & 0o777);
  return 0;
}

/** jobs [%job...]: with no argument, the current job first, as ash walks its most-recently-used list. */
function* jobs(sh: Shell, argv: string[]): Sc<number> {
  yield* reapChildren(sh);
  const list = argv.length > 1 ? argv.slice(1).map((a) => findJob(sh, a)) : [...sh.state.jobs].reverse();
  for (const [k, job] of list.entries()) {
    if (job === undefined) {
      yield* sh.diag(`${argv[k + 1]}: no such job`);
      return 2;
    }
    sh.out.put(jobLine(sh, job));
  }
  // Listed finished jobs are forgotten, so the prompt does not announce them again.
  sh.state.jobs = sh.state.jobs.filter((j) => !(list.includes(j) && jobDone(j)));
  return 0;
}

function* typeBuiltin(sh: Shell, argv: string[]): Sc<number> {
  let status = 0;
  for (const name of argv.slice(1)) {
    if (sh.state.functions.has(name)) sh.out.put(`${name} is a function\n`);
    else if (BUILTINS.has(name) || name === 'exec') sh.out.put(`${name} is a shell builtin\n`);
    else {
      const path = yield* lookPath(sh, name);
      if (path === undefined) {
        sh.out.put(`${name}: not found\n`);
        status = 127;
      } else sh.out.put(`${name} is ${path}\n`);
    }
  }
  return status;
}

function* lookPath(sh: Shell, name: string): Sc<string | undefined> {
  if (name.includes('/')) return name;
  for (const dir of (sh.state.get('PATH') ?? '/sbin:/usr/sbin:/bin:/usr/bin').split(':')) {
    const p = `${dir || '.'}/${name}`;
    if ((yield* sh.sys.access(p, 1)) === 0) return p;
  }
  return undefined;
}

function* commandV(sh: Shell, argv: string[]): Sc<number> {
  if (argv[1] !== '-v') {
    yield* sh.diag('only "command -v" is supported');
    return 2;
  }
  let status = 0;
  for (const name of argv.slice(2)) {
    if (sh.state.functions.has(name) || BUILTINS.has(name)) sh.out.put(`${name}\n`);
    else {
      const path = yield* lookPath(sh, name);
      if (path === undefined) status = 127;
      else sh.out.put(`${path}\n`);
    }
  }
  return status;
}

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [':', special(function* () { return 0; })],
  ['true', regular(function* () { return 0; })],
  ['false', regular(function* () { return 1; })],
  ['echo', regular(function* (sh, argv) { sh.out.put(echoText(argv.slice(1))); return 0; })],
  ['printf', regular(printf)],
  ['test', regular(test)],
  ['[', regular(test)],
  ['cd', regular(cd)],
  ['pwd', regular(pwd)],
  ['break', special(flow)],
  ['continue', special(flow)],
  ['exit', special(exitOrReturn)],
  ['return', special(exitOrReturn)],
  ['eval', special(function* (sh, argv) { return yield* sh.evalString(argv.slice(1).join(' ')); })],
  ['.', special(dot)],
  ['source', special(dot)],
  ['umask', regular(umask)],
  ['wait', regular(function* (sh, argv) { return yield* waitBuiltin(sh, argv.slice(1)); })],
  ['jobs', regular(jobs)],
  ['kill', regular(killBuiltin)],
  ['trap', special(trapBuiltin)],
  ['type', regular(typeBuiltin)],
  ['command', regular(commandV)],
  ['getopts', regular(getopts)],
  ['alias', regular(alias)],
  ['unalias', regular(unalias)],
  ['fg', regular(fg)],
  ['bg', regular(bgBuiltin)],
  ...VAR_BUILTINS,
]);
