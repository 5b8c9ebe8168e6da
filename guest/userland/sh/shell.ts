// The shell interpreter: evaluates syntax trees by making system calls. Compound commands
// run in this process; external commands, pipelines, subshells and `&` lists run in
// children made with clone(childEntry) — the child body closes over a copy of the shell
// state taken at fork time, sets up its fds, then execs or evaluates and exits.

import type { NativeEntry } from '../../abi/native';
import { OutStream } from '../libc/stdio';
import type { Sc, Sys } from '../libc/sys';
import { concatBytes, fromUtf8 } from '../libc/text';
import { SIG_DFL, SIG_IGN } from '../libc/numbers';
import { SIGINT, SIGQUIT, signalDescription, SIGPIPE, SIGTERM } from '../libc/signals';

/** Signals an interactive shell ignores (ash: SIGINT and SIGQUIT handled, SIGTERM ignored). */
export const INTERACTIVE_IGNORED = [SIGINT, SIGQUIT, SIGTERM];
import { shellStatus, waitSignaled, waitTermSig } from '../libc/structs';
import type { Case, Command, For, If, Loop, Node, Pipeline, Redir } from './ast';
import { ExpandError, Expander } from './expand';
import type { ExpandHost } from './expand';
import { commandText } from './format';
import { globPattern } from './glob';
import { parseAll } from './parser';
import { ShellSyntaxError } from './lexer';
import { patternMatch } from './pattern';
import { applyRedirs, restoreRedirs } from './redirect';
import { runSimple } from './simple';
import type { ShellState, Var } from './state';
import { runPendingTraps } from './builtins-signals';
import { JOB_CONTROL_IGNORED, TTY_FD, waitForegroundJob } from './jobctl';
import { TIOCSPGRP } from '../libc/numbers';

/** The job being started under job control: its process group (0 until its first process forks). */
interface JobGroup {
  pgid: number;
  foreground: boolean;
  text: string;
}

/** break/continue/return/exit unwinding through the evaluator (caught before leaving the program). */
export class ControlFlow {
  constructor(
    readonly kind: 'break' | 'continue' | 'return' | 'exit',
    readonly n: number,
  ) {}
}

export class Shell {
  readonly out: OutStream;
  readonly err: OutStream;
  readonly expander: Expander;
  /** Nesting of if/while conditions and &&/|| left sides, where set -e does not apply. */
  condDepth = 0;
  loopDepth = 0;
  funcDepth = 0;
  /** Status of the last command substitution (the status of an assignment-only command). */
  substStatus = 0;
  /** Line of the command being run, for error messages. */
  line = 0;
  /** The builtin being run, for error messages. */
  builtinName: string | undefined;
  /** getopts position: the OPTIND it last set and the character offset inside that argument. */
  getoptsIndex = 0;
  getoptsOffset = 1;
  /** Saved outer values of `local` variables, one frame per running function. */
  localFrames: Map<string, Var | undefined>[] = [];
  /** The shell's own process group once job control is on (0 before). */
  shellPgid = 0;
  /** "You have stopped jobs." was said once; the next exit leaves. */
  stoppedJobsWarned = false;
  /** Set while a job's processes are forked, so they share one process group. */
  jobGroup: JobGroup | undefined;

  constructor(
    readonly sys: Sys,
    readonly state: ShellState,
  ) {
    this.out = new OutStream(sys, 1);
    this.err = new OutStream(sys, 2);
    this.expander = new Expander(this.expandHost());
  }

  private expandHost(): ExpandHost {
    const sh = this;
    return {
      getVar: (n) => sh.state.get(n),
      setVar: (n, v) => {
        if (!sh.state.set(n, v)) throw new ExpandError(`${n}: is read only`, 2);
      },
      special: (n) => sh.special(n),
      positional: () => sh.state.positional,
      commandSubst: (src) => sh.commandSubst(src),
      glob: (p) => globPattern(sh.sys, p),
      get noGlob() {
        return sh.state.options.noglob;
      },
      get noUnset() {
        return sh.state.options.nounset;
      },
    };
  }

  special(name: string): string {
    const s = this.state;
    switch (name) {
      case '?': return String(s.lastStatus);
      case '$': return String(s.shellPid);
      case '!': return s.lastBgPid === undefined ? '' : String(s.lastBgPid);
      case '#': return String(s.positional.length);
      case '0': return s.arg0;
      case '-': return (s.options.errexit ? 'e' : '') + (s.options.noglob ? 'f' : '') + (s.interactive ? 'i' : '') + (s.options.xtrace ? 'x' : '');
      default: return '';
    }
  }

  *flushAll(): Sc<void> {
    yield* this.out.flush();
    yield* this.err.flush();
  }

  /** An error message in ash's format: `sh: [builtin: ][line N: ]message`. */
  *diag(message: string): Sc<void> {
    yield* this.out.flush();
    const src = this.state.source;
    let prefix = src.kind === 'script' ? `${src.name}: ` : 'sh: ';
    if (this.builtinName !== undefined) {
      prefix += `${this.builtinName}: `;
      if (src.kind !== 'interactive') prefix += `line ${src.kind === 'command' ? this.line - 1 : this.line}: `;
    } else if (src.kind === 'script') {
      prefix += `line ${this.line}: `;
    }
    this.err.put(`${prefix}${message}\n`);
    yield* this.err.flush();
  }

  /** Evaluates one node, records $?, runs pending traps and applies set -e. */
  *exec(node: Node): Sc<number> {
    let status: number;
    try {
      status = yield* this.run(node);
    } catch (e) {
      // A here-document body or a substitution's text can hold a syntax error only found now.
      if (!(e instanceof ExpandError) && !(e instanceof ShellSyntaxError)) throw e;
      yield* this.diag(e instanceof ExpandError ? e.message : `syntax error: ${e.message}`);
      status = e instanceof ExpandError ? e.status : 2;
      if (!this.state.interactive) throw new ControlFlow('exit', status);
    }
    this.state.lastStatus = status;
    yield* runPendingTraps(this);
    if (this.state.options.errexit && status !== 0 && this.condDepth === 0 && node.kind !== 'list' && node.kind !== 'andor') {
      throw new ControlFlow('exit', status);
    }
    return status;
  }

  *run(node: Node): Sc<number> {
    switch (node.kind) {
      case 'list': {
        let status = 0;
        for (const item of node.items) {
          if (item.async) status = yield* this.runAsync(item.node);
          else status = yield* this.exec(item.node);
        }
        return status;
      }
      case 'andor': {
        this.condDepth++;
        let status: number;
        try {
          status = yield* this.exec(node.first);
        } finally {
          this.condDepth--;
        }
        for (const [k, { op, node: next }] of node.rest.entries()) {
          if ((op === '&&') !== (status === 0)) continue;
          const last = k === node.rest.length - 1;
          if (!last) this.condDepth++;
          try {
            status = yield* this.exec(next);
          } finally {
            if (!last) this.condDepth--;
          }
        }
        return status;
      }
      case 'pipeline': return yield* this.runPipeline(node);
      default: return yield* this.runCommand(node);
    }
  }

  private *runCommand(cmd: Command): Sc<number> {
    switch (cmd.kind) {
      case 'simple': return yield* this.asJob(commandText(cmd), () => runSimple(this, cmd, false));
      case 'func':
        this.state.functions.set(cmd.name, cmd.body);
        return 0;
      case 'subshell': {
        return yield* this.asJob(commandText(cmd), function* (this: Shell) {
          const pid = yield* this.spawn((child) => child.withRedirs(cmd.redirs, () => child.run(cmd.body)));
          return yield* this.waitForeground([pid]);
        }.bind(this));
      }
      case 'group': return yield* this.withRedirs(cmd.redirs, () => this.run(cmd.body));
      case 'if': return yield* this.withRedirs(cmd.redirs, () => this.runIf(cmd));
      case 'loop': return yield* this.withRedirs(cmd.redirs, () => this.runLoop(cmd));
      case 'for': return yield* this.withRedirs(cmd.redirs, () => this.runFor(cmd));
      case 'case': return yield* this.withRedirs(cmd.redirs, () => this.runCase(cmd));
    }
  }

  *withRedirs(redirs: readonly Redir[], body: () => Sc<number>): Sc<number> {
    if (redirs.length === 0) return yield* body();
    const saved = yield* applyRedirs(this, redirs, true);
    if (saved === undefined) return 1;
    try {
      return yield* body();
    } finally {
      yield* this.flushAll();
      yield* restoreRedirs(this.sys, saved);
    }
  }

  private *cond(node: Node): Sc<number> {
    this.condDepth++;
    try {
      return yield* this.exec(node);
    } finally {
      this.condDepth--;
    }
  }

  private *runIf(cmd: If): Sc<number> {
    for (const clause of cmd.clauses) {
      if ((yield* this.cond(clause.cond)) === 0) return yield* this.exec(clause.body);
    }
    return cmd.elseBody ? yield* this.exec(cmd.elseBody) : 0;
  }

  /** Runs a loop body; returns 'break' or 'continue' when the body unwinds to this loop. */
  private *loopBody(body: Node): Sc<{ status: number; stop: boolean }> {
    this.loopDepth++;
    try {
      return { status: yield* this.exec(body), stop: false };
    } catch (e) {
      if (!(e instanceof ControlFlow) || (e.kind !== 'break' && e.kind !== 'continue')) throw e;
      if (e.n > 1) throw new ControlFlow(e.kind, e.n - 1);
      return { status: 0, stop: e.kind === 'break' };
    } finally {
      this.loopDepth--;
    }
  }

  private *runLoop(cmd: Loop): Sc<number> {
    let status = 0;
    for (;;) {
      const c = yield* this.cond(cmd.cond);
      if ((c === 0) === cmd.until) break;
      const r = yield* this.loopBody(cmd.body);
      status = r.status;
      if (r.stop) break;
    }
    return status;
  }

  private *runFor(cmd: For): Sc<number> {
    const items: string[] = [];
    if (cmd.items === undefined) items.push(...this.state.positional);
    else for (const w of cmd.items) items.push(...(yield* this.expander.fields(w)));
    let status = 0;
    for (const item of items) {
      if (!this.state.set(cmd.name, item)) {
        yield* this.diag(`${cmd.name}: is read only`);
        return 2;
      }
      const r = yield* this.loopBody(cmd.body);
      status = r.status;
      if (r.stop) break;
    }
    return status;
  }

  private *runCase(cmd: Case): Sc<number> {
    const word = yield* this.expander.text(cmd.word);
    for (const arm of cmd.arms) {
      for (const p of arm.patterns) {
        const pat = yield* this.expander.pattern(p);
        if (patternMatch(pat, word)) return arm.body ? yield* this.exec(arm.body) : 0;
      }
    }
    return 0;
  }

  /** Runs `body` as one foreground job: the processes it forks share a process group. */
  private *asJob(text: string, body: () => Sc<number>): Sc<number> {
    const saved = this.jobGroup;
    this.jobGroup = { pgid: 0, foreground: true, text };
    try {
      return yield* body();
    } finally {
      this.jobGroup = saved;
    }
  }

  private *runPipeline(p: Pipeline): Sc<number> {
    return yield* this.asJob(commandText(p), () => this.runPipelineJob(p));
  }

  private *runPipelineJob(p: Pipeline): Sc<number> {
    const pids: number[] = [];
    let inFd = -1;
    for (const [k, cmd] of p.commands.entries()) {
      const last = k === p.commands.length - 1;
      const pipe = last ? undefined : yield* this.sys.pipe2();
      if (typeof pipe === 'number') {
        yield* this.diag(`can't create pipe`);
        break;
      }
      const stdinFd = inFd;
      const stdoutFd = pipe?.[1] ?? -1;
      const readEnd = pipe?.[0] ?? -1;
      const pid = yield* this.spawn(function* (child: Shell) {
        if (stdinFd >= 0) yield* child.sys.dup3(stdinFd, 0);
        if (stdoutFd >= 0) yield* child.sys.dup3(stdoutFd, 1);
        for (const fd of [stdinFd, stdoutFd, readEnd]) if (fd > 2) yield* child.sys.close(fd);
        return yield* child.runTail(cmd);
      });
      if (pid > 0) pids.push(pid);
      if (stdinFd >= 0) yield* this.sys.close(stdinFd);
      if (stdoutFd >= 0) yield* this.sys.close(stdoutFd);
      inFd = readEnd;
    }
    if (inFd >= 0) yield* this.sys.close(inFd);
    const status = yield* this.waitForeground(pids);
    return p.bang ? (status === 0 ? 1 : 0) : status;
  }

  /** In a child: the last thing it runs, so a simple external command is exec'd without another fork. */
  *runTail(node: Node): Sc<number> {
    if (node.kind === 'simple') {
      try {
        return yield* runSimple(this, node, true);
      } catch (e) {
        if (!(e instanceof ExpandError)) throw e;
        yield* this.diag(e.message);
        return e.status;
      }
    }
    return yield* this.exec(node);
  }

  private *runAsync(node: Node): Sc<number> {
    const saved = this.jobGroup;
    const group: JobGroup = { pgid: 0, foreground: false, text: commandText(node) };
    this.jobGroup = group;
    const pid = yield* this.spawn(function* (child: Shell) {
      // Background commands ignore SIGINT and SIGQUIT (XCU 2.11): without process groups
      // per job this also keeps ^C at the console from reaching them.
      yield* child.sys.signalDisposition(SIGINT, SIG_IGN);
      yield* child.sys.signalDisposition(SIGQUIT, SIG_IGN);
      return yield* child.runTail(node);
    });
    this.jobGroup = saved;
    if (pid < 0) return 2;
    this.state.lastBgPid = pid;
    const id = this.state.jobs.reduce((m, j) => Math.max(m, j.id), 0) + 1;
    // ash prints no "[1] PID" line for `&`: the job shows up in `jobs` and in the notice at the prompt.
    this.state.jobs.push({ id, pids: [pid], statuses: new Map(), text: group.text, notified: false, ...(group.pgid > 0 ? { pgid: group.pgid } : {}) });
    return 0;
  }

  /** Forks a child that runs `body` on a copy of this shell, then exits with its status. */
  *spawn(body: (child: Shell) => Sc<number>, inJob = true): Sc<number> {
    yield* this.flushAll();
    const group = inJob && this.state.jobControl ? this.jobGroup : undefined;
    const groupAtFork = group === undefined ? undefined : { pgid: group.pgid, foreground: group.foreground };
    const snapshot = this.state.clone();
    const sys = this.sys;
    const line = this.line;
    const interactive = this.state.interactive;
    const entry: NativeEntry = function* (ctx) {
      const child = new Shell(sys.forChild(ctx.mem), snapshot);
      child.line = line;
      if (groupAtFork) yield* child.joinJobGroup(groupAtFork.pgid, groupAtFork.foreground);
      // An interactive shell ignores these itself; its children get the defaults back.
      if (interactive) for (const sig of INTERACTIVE_IGNORED) if (!snapshot.traps.has(sig)) yield* child.sys.signalDisposition(sig, SIG_DFL);
      const status = yield* child.guard(() => body(child));
      yield* child.flushAll();
      yield* child.sys.exit(status);
      return status;
    };
    const pid = yield* this.sys.fork(entry);
    if (pid < 0) yield* this.diag(`can't fork`);
    else if (group) {
      // Both sides set the group (as ash does), so neither depends on which runs first.
      if (group.pgid === 0) group.pgid = pid;
      yield* this.sys.setpgid(pid, group.pgid);
    }
    return pid;
  }

  /** In a job's child: its process group, the terminal for a foreground job, default stop signals. */
  *joinJobGroup(pgidAtFork: number, foreground: boolean): Sc<void> {
    const pgid = pgidAtFork > 0 ? pgidAtFork : yield* this.sys.getpid();
    yield* this.sys.setpgid(0, pgid);
    if (foreground) yield* this.sys.ioctlInt(TTY_FD, TIOCSPGRP, pgid);
    for (const sig of JOB_CONTROL_IGNORED) yield* this.sys.signalDisposition(sig, SIG_DFL);
  }

  /** Runs `body`, turning exit/return unwinding into a status. */
  *guard(body: () => Sc<number>): Sc<number> {
    try {
      return yield* body();
    } catch (e) {
      if (e instanceof ControlFlow) return e.kind === 'exit' || e.kind === 'return' ? e.n : this.state.lastStatus;
      if (e instanceof ShellSyntaxError) {
        yield* this.diag(`syntax error: ${e.message}`);
        return 2;
      }
      throw e;
    }
  }

  /** Waits for a foreground job's processes; the status is the last one's. */
  *waitForeground(pids: readonly number[]): Sc<number> {
    const group = this.jobGroup;
    if (this.state.jobControl && group !== undefined && group.foreground && group.pgid > 0) {
      return yield* waitForegroundJob(this, { id: 0, pids: [...pids], statuses: new Map(), text: group.text, notified: false, pgid: group.pgid });
    }
    let status = 0;
    for (const pid of pids) {
      const r = yield* this.sys.wait4(pid, 0);
      if (typeof r === 'number') continue;
      status = r.status;
      if (pid === pids[pids.length - 1]) yield* this.reportSignal(r.status);
    }
    return shellStatus(status);
  }

  *reportSignal(status: number): Sc<void> {
    if (!waitSignaled(status)) return;
    const sig = waitTermSig(status);
    // ash at a prompt ends the ^C line with a newline; otherwise SIGINT/SIGPIPE are silent.
    if (sig === SIGINT && this.state.interactive) this.err.put('\n');
    if (sig === SIGINT || sig === SIGPIPE) {
      yield* this.err.flush();
      return;
    }
    yield* this.out.flush();
    this.err.put(`${signalDescription(sig)}${(status & 0x80) !== 0 ? ' (core dumped)' : ''}\n`);
    yield* this.err.flush();
  }

  /** $(...) and `...`: runs `src` in a child with stdout on a pipe and collects the output. */
  *commandSubst(src: string): Sc<string> {
    const pipe = yield* this.sys.pipe2();
    if (typeof pipe === 'number') return '';
    const [r, w] = pipe;
    const pid = yield* this.spawn(function* (child: Shell) {
      yield* child.sys.dup3(w, 1);
      yield* child.sys.close(w);
      yield* child.sys.close(r);
      let status = 0;
      for (const node of parseAll(src, child.state.aliases)) status = yield* child.exec(node);
      return status;
    }, false);
    yield* this.sys.close(w);
    const chunks: Uint8Array[] = [];
    for (;;) {
      const c = yield* this.sys.read(r, 65536);
      if (typeof c === 'number' || c.length === 0) break;
      chunks.push(c);
    }
    yield* this.sys.close(r);
    if (pid > 0) {
      const st = yield* this.sys.wait4(pid, 0);
      if (typeof st !== 'number') this.substStatus = shellStatus(st.status);
    }
    return fromUtf8(concatBytes(chunks));
  }

  /** Runs a string as shell commands (eval, ., trap actions). */
  *evalString(src: string): Sc<number> {
    let status = 0;
    for (const node of parseAll(src, this.state.aliases)) status = yield* this.exec(node);
    return status;
  }
}
