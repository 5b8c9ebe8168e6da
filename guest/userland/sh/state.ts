// The shell's variables, functions, positional parameters, options, traps and jobs: the
// state a forked subshell receives a copy of (a native child cannot share its parent's
// JavaScript objects safely, so `clone` is a deep copy taken at fork time).

import type { Command } from './ast';

export interface Var {
  value: string;
  exported: boolean;
  readonly: boolean;
}

export interface Job {
  id: number;
  pids: number[];
  /** Wait statuses of the processes that have ended, by pid. */
  statuses: Map<number, number>;
  text: string;
  /** Reported as done (removed) already. */
  notified: boolean;
  /** The job's process group under job control (its first process leads it). */
  pgid?: number;
  /** Stopped by a signal (^Z, SIGSTOP...): the stop signal; undefined while running. */
  stopSig?: number;
  /** The stop was announced (at a foreground wait or a prompt). */
  stopShown?: boolean;
}

export interface ShellOptions {
  errexit: boolean;
  noglob: boolean;
  xtrace: boolean;
  nounset: boolean;
}

export class ShellState {
  vars = new Map<string, Var>();
  functions = new Map<string, Command>();
  aliases = new Map<string, string>();
  positional: string[] = [];
  arg0 = 'sh';
  lastStatus = 0;
  lastBgPid: number | undefined;
  shellPid = 0;
  options: ShellOptions = { errexit: false, noglob: false, xtrace: false, nounset: false };
  /** Trap actions by signal number; 0 is EXIT. */
  traps = new Map<number, string>();
  jobs: Job[] = [];
  interactive = false;
  /** Job control is on (an interactive shell on a terminal): finished jobs are announced at the prompt. */
  jobControl = false;
  /** How error messages are prefixed: the -c string, a script (with its name) or interactive input. */
  source: { kind: 'command' | 'interactive' } | { kind: 'script'; name: string } = { kind: 'command' };

  get(name: string): string | undefined {
    return this.vars.get(name)?.value;
  }

  /** Sets a variable; returns false when it is read-only. */
  set(name: string, value: string, exported?: boolean): boolean {
    const v = this.vars.get(name);
    if (v?.readonly) return false;
    this.vars.set(name, { value, exported: exported ?? v?.exported ?? false, readonly: false });
    return true;
  }

  environment(extra: ReadonlyMap<string, string> = new Map()): string[] {
    const env = new Map<string, string>();
    for (const [k, v] of this.vars) if (v.exported) env.set(k, v.value);
    for (const [k, v] of extra) env.set(k, v);
    return [...env].map(([k, v]) => `${k}=${v}`);
  }

  clone(): ShellState {
    const c = new ShellState();
    for (const [k, v] of this.vars) c.vars.set(k, { ...v });
    c.functions = new Map(this.functions);
    c.aliases = new Map(this.aliases);
    c.positional = [...this.positional];
    c.arg0 = this.arg0;
    c.lastStatus = this.lastStatus;
    c.lastBgPid = this.lastBgPid;
    c.shellPid = this.shellPid;
    c.options = { ...this.options };
    c.source = { ...this.source };
    c.interactive = false;
    // A subshell keeps ignored signals ("") and resets other traps (XCU 2.12).
    for (const [sig, action] of this.traps) if (action === '' && sig !== 0) c.traps.set(sig, '');
    return c;
  }
}
