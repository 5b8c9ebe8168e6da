// sh's entry point: option handling (-c, script file, stdin, -i), the environment import,
// and the read-parse-execute loop with ash's prompt ("\w \$ " → "/ # " for root) and job
// notices. Interactive input is read a line at a time (the tty's canonical mode does the
// editing; BusyBox's own line editor is not modelled).

import type { NativeContext, NativeProgram } from '../../abi/native';
import { strerror } from '../libc/errno';
import { O_RDONLY, SIG_IGN } from '../libc/numbers';
import { InStream } from '../libc/stdio';
import { Sys } from '../libc/sys';
import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';
import type { Node } from './ast';
import { enableJobControl } from './jobctl';
import { notifyDoneJobs } from './jobs';
import { ShellSyntaxError } from './lexer';
import { Parser, parseAll } from './parser';
import { expandPrompt } from './prompt';
import { ControlFlow, INTERACTIVE_IGNORED, Shell } from './shell';
import { ShellState } from './state';

export const SH_BANNER = "\n\nBusyBox v1.35.0 (twinbox native) built-in shell (ash)\nEnter 'help' for a list of built-in commands.\n\n";

export function* shMain(ctx: NativeContext): NativeProgram {
  const sys = yield* Sys.create(ctx.mem);
  if (typeof sys === 'number') return 2;
  const state = new ShellState();
  const sh = new Shell(sys, state);
  yield* initState(sh, ctx);
  const status = yield* sh.guard(() => dispatch(sh, ctx.argv));
  const final = yield* runExitTrap(sh, status);
  yield* sh.flushAll();
  yield* sys.exit(final);
  return final;
}

function* initState(sh: Shell, ctx: NativeContext): Sc<void> {
  const st = sh.state;
  for (const e of ctx.envp) {
    const eq = e.indexOf('=');
    if (eq > 0) st.vars.set(e.slice(0, eq), { value: e.slice(eq + 1), exported: true, readonly: false });
  }
  st.shellPid = yield* sh.sys.getpid();
  st.set('PPID', String(yield* sh.sys.getppid()));
  if (st.get('IFS') === undefined) st.set('IFS', ' \t\n');
  if (st.get('PATH') === undefined) st.set('PATH', '/sbin:/usr/sbin:/bin:/usr/bin');
  if (st.get('PS1') === undefined) st.set('PS1', '\\w \\$ ');
  if (st.get('PS2') === undefined) st.set('PS2', '> ');
  if (st.get('PS4') === undefined) st.set('PS4', '+ ');
  const cwd = yield* sh.sys.getcwd();
  if (typeof cwd === 'string') st.set('PWD', cwd);
  st.arg0 = ctx.argv[0] ?? 'sh';
}

function* dispatch(sh: Shell, argv: readonly string[]): Sc<number> {
  const st = sh.state;
  let i = 1;
  let command: string | undefined;
  let forceInteractive = false;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c') command = argv[++i] ?? '';
    else if (a === '-i') forceInteractive = true;
    else if (a === '-s' || a === '-l' || a === '--') continue;
    else if (/^-[efxu]+$/.test(a)) for (const f of a.slice(1)) setFlag(sh, f);
    else break;
  }
  const rest = argv.slice(i);
  if (command !== undefined) {
    if (rest.length > 0) st.arg0 = rest[0]!;
    st.positional = rest.slice(1);
    st.source = { kind: 'command' };
    return yield* runSource(sh, command, true);
  }
  if (rest.length > 0 && !argv.includes('-s')) {
    st.arg0 = rest[0]!;
    st.positional = rest.slice(1);
    st.source = { kind: 'script', name: rest[0]! };
    const src = yield* readFile(sh, rest[0]!);
    if (typeof src === 'number') {
      sh.err.put(`sh: can't open '${rest[0]}': ${strerror(src)}\n`);
      return 2;
    }
    return yield* runSource(sh, src, false);
  }
  st.positional = rest;
  const tty = (yield* sh.sys.isatty(0)) && (yield* sh.sys.isatty(2));
  st.interactive = forceInteractive || tty;
  st.jobControl = st.interactive && tty;
  st.source = { kind: st.interactive ? 'interactive' : 'command' };
  if (st.interactive) for (const sig of INTERACTIVE_IGNORED) yield* sh.sys.signalDisposition(sig, SIG_IGN);
  if (st.jobControl) yield* enableJobControl(sh);
  if ((argv[0] ?? '').startsWith('-')) yield* loginProfile(sh);
  return yield* interactiveLoop(sh);
}

function setFlag(sh: Shell, f: string): void {
  const o = sh.state.options;
  if (f === 'e') o.errexit = true;
  else if (f === 'f') o.noglob = true;
  else if (f === 'x') o.xtrace = true;
  else if (f === 'u') o.nounset = true;
}

function* readFile(sh: Shell, path: string): Sc<string | number> {
  const fd = yield* sh.sys.open(path, O_RDONLY);
  if (fd < 0) return fd;
  const bytes = yield* new InStream(sh.sys, fd).all();
  yield* sh.sys.close(fd);
  return fromUtf8(bytes);
}

function* loginProfile(sh: Shell): Sc<void> {
  for (const path of ['/etc/profile', `${sh.state.get('HOME') ?? '/'}/.profile`]) {
    const src = yield* readFile(sh, path);
    if (typeof src === 'string') yield* sh.guard(() => runSource(sh, src, false));
  }
}

/** Runs a whole program text command by command; a syntax error stops it with status 2. */
function* runSource(sh: Shell, src: string, allowTailExec: boolean): Sc<number> {
  const parser = new Parser(src, sh.state.aliases);
  let status = 0;
  let first = true;
  const single = allowTailExec && isSingleCommand(src);
  for (;;) {
    let node: Node | undefined;
    try {
      node = parser.parseCommand();
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      sh.line = parser.currentLine();
      yield* sh.diag(`syntax error: ${e.message}`);
      return 2;
    }
    if (node === undefined) return status;
    // Like ash's EV_EXIT: `sh -c 'cmd'` execs a lone simple command without forking.
    const lone = single && first && node.kind === 'simple' && sh.state.traps.size === 0;
    status = lone ? yield* sh.runTail(node) : yield* sh.exec(node);
    first = false;
  }
}

function isSingleCommand(src: string): boolean {
  try {
    return parseAll(src).length === 1;
  } catch {
    return false;
  }
}

function* runExitTrap(sh: Shell, status: number): Sc<number> {
  const action = sh.state.traps.get(0);
  if (action === undefined) return status;
  sh.state.traps.delete(0);
  sh.state.lastStatus = status;
  const r = yield* sh.guard(function* () {
    yield* sh.evalString(action);
    return status;
  });
  return r;
}

function* interactiveLoop(sh: Shell): Sc<number> {
  const input = new InStream(sh.sys, 0);
  const st = sh.state;
  if (st.interactive) sh.out.put(SH_BANNER);
  let pending = '';
  for (let guard = 0; guard < Number.MAX_SAFE_INTEGER; guard++) {
    if (st.interactive) {
      if (pending === '' && st.jobControl) yield* notifyDoneJobs(sh);
      yield* sh.out.flush();
      const ps = pending === '' ? yield* expandPrompt(sh, st.get('PS1') ?? '') : st.get('PS2') ?? '> ';
      sh.err.put(ps);
      yield* sh.err.flush();
    }
    const line = yield* input.line();
    if (line === undefined) {
      if (pending !== '') {
        yield* sh.diag('syntax error: unexpected end of file');
        return 2;
      }
      return st.lastStatus;
    }
    pending += line.endsWith('\n') ? line : `${line}\n`;
    const nodes = parseChunk(pending, st.aliases);
    if (nodes === 'incomplete') continue;
    pending = '';
    if (nodes instanceof ShellSyntaxError) {
      yield* sh.diag(`syntax error: ${nodes.message}`);
      st.lastStatus = 2;
      if (!st.interactive) return 2;
      continue;
    }
    for (const node of nodes) {
      const r = yield* runInteractive(sh, node);
      if (r !== undefined) return r;
    }
  }
  return st.lastStatus;
}

function parseChunk(src: string, aliases: ReadonlyMap<string, string>): Node[] | 'incomplete' | ShellSyntaxError {
  const parser = new Parser(src, aliases);
  const nodes: Node[] = [];
  try {
    for (;;) {
      const n = parser.parseCommand();
      if (n === undefined) return nodes;
      nodes.push(n);
    }
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    return e.incomplete ? 'incomplete' : e;
  }
}

/** One command at the prompt; returns an exit status when the shell should exit. */
function* runInteractive(sh: Shell, node: Node): Sc<number | undefined> {
  try {
    yield* sh.exec(node);
    return undefined;
  } catch (e) {
    if (!(e instanceof ControlFlow)) throw e;
    if (e.kind === 'exit') return e.n;
    return undefined;
  }
}
