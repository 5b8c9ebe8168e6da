// Job control of an interactive shell on a terminal, after ash's jobs.c: every job runs in
// its own process group (set by both parent and child, whichever runs first), the
// foreground group owns the terminal (TIOCSPGRP) and the shell takes it back when the job
// ends or stops; ^Z stops the foreground job ("[1]+  Stopped  cmd"), and fg/bg continue it.

import { ESRCH } from '../libc/errno';
import { SIG_IGN, TIOCSPGRP, WUNTRACED } from '../libc/numbers';
import { SIGTSTP, SIGTTIN, SIGTTOU } from '../libc/signals';
import { shellStatus, waitStopped } from '../libc/structs';
import type { Sc } from '../libc/sys';
import { findJob, jobLine } from './jobs';
import type { Shell } from './shell';
import type { Job } from './state';

const SIGCONT = 18;

/** Stop signals a job-control shell ignores itself (its children get the defaults back). */
export const JOB_CONTROL_IGNORED = [SIGTSTP, SIGTTIN, SIGTTOU];

/** The terminal the shell controls: its standard input (checked to be a tty before job control is on). */
export const TTY_FD = 0;

/** Turns job control on: the shell leads its own process group and owns the terminal. */
export function* enableJobControl(sh: Shell): Sc<void> {
  for (const sig of JOB_CONTROL_IGNORED) yield* sh.sys.signalDisposition(sig, SIG_IGN);
  const pid = yield* sh.sys.getpid();
  // A session leader already leads its group (setpgid fails with EPERM there): keep it.
  yield* sh.sys.setpgid(0, pid);
  const pgid = yield* sh.sys.getpgid(0);
  sh.shellPgid = pgid > 0 ? pgid : pid;
  yield* sh.sys.ioctlInt(TTY_FD, TIOCSPGRP, sh.shellPgid);
}

export function* reclaimTerminal(sh: Shell): Sc<void> {
  if (sh.shellPgid > 0) yield* sh.sys.ioctlInt(TTY_FD, TIOCSPGRP, sh.shellPgid);
}

/** Makes `job` the current job ("+"): the job table keeps the current job last. */
function makeCurrent(sh: Shell, job: Job): void {
  if (job.id === 0) job.id = sh.state.jobs.reduce((m, j) => Math.max(m, j.id), 0) + 1;
  sh.state.jobs = [...sh.state.jobs.filter((j) => j !== job), job];
}

/**
 * Waits for a foreground job under job control. A stopped job joins the job table (or moves
 * to its end) and is announced; a finished one leaves it. The terminal comes back either way.
 */
export function* waitForegroundJob(sh: Shell, job: Job): Sc<number> {
  let stopped: number | undefined;
  for (const pid of job.pids) {
    if (job.statuses.has(pid)) continue;
    const r = yield* sh.sys.wait4(pid, WUNTRACED);
    if (typeof r === 'number') {
      job.statuses.set(pid, 0);
      continue;
    }
    // A job is stopped once every process in it has stopped or ended (^Z reaches the whole group).
    if (waitStopped(r.status)) {
      stopped = r.status;
      continue;
    }
    job.statuses.set(pid, r.status);
  }
  yield* reclaimTerminal(sh);
  if (stopped !== undefined) {
    job.stopSig = (stopped >> 8) & 0xff;
    job.stopShown = true;
    makeCurrent(sh, job);
    yield* sh.out.flush();
    sh.err.put(jobLine(sh, job));
    yield* sh.err.flush();
    return shellStatus(stopped);
  }
  sh.state.jobs = sh.state.jobs.filter((j) => j !== job);
  const st = job.statuses.get(job.pids[job.pids.length - 1]!) ?? 0;
  yield* sh.reportSignal(st);
  return shellStatus(st);
}

/** Sends a signal to a job: to its process group under job control, else to each live process. */
export function* signalJob(sh: Shell, job: Job, sig: number): Sc<number> {
  if (sh.state.jobControl && job.pgid !== undefined) {
    const r = yield* sh.sys.kill(-job.pgid, sig);
    // A kernel without process groups for this job (none live in it): fall back to its processes.
    if (r !== -ESRCH) return r;
  }
  let result = 0;
  for (const pid of job.pids.filter((p) => !job.statuses.has(p))) {
    const r = yield* sh.sys.kill(pid, sig);
    if (r < 0) result = r;
  }
  return result;
}

/** SIGCONT to a stopped job (a running one needs none). */
function* continueJob(sh: Shell, job: Job): Sc<void> {
  if (job.stopSig === undefined) return;
  job.stopSig = undefined;
  yield* signalJob(sh, job, SIGCONT);
}

function* jobArg(sh: Shell, spec: string): Sc<Job | undefined> {
  const job = findJob(sh, spec);
  if (!job) yield* sh.diag(`${spec}: no such job`);
  return job;
}

/** fg [%job]: prints the command, gives the job the terminal, continues it and waits. */
export function* fgJobControl(sh: Shell, spec: string): Sc<number> {
  const job = yield* jobArg(sh, spec);
  if (!job) return 2;
  sh.out.put(`${job.text}\n`);
  yield* sh.out.flush();
  if (job.pgid !== undefined) yield* sh.sys.ioctlInt(TTY_FD, TIOCSPGRP, job.pgid);
  yield* continueJob(sh, job);
  return yield* waitForegroundJob(sh, job);
}

/** bg [%job...]: continues stopped jobs in the background, printing "[N] cmd" as ash does. */
export function* bgBuiltin(sh: Shell, argv: string[]): Sc<number> {
  if (!sh.state.jobControl) {
    yield* sh.diag(`job ${argv[1] ?? '%%'} not created under job control`);
    return 2;
  }
  const specs = argv.length > 1 ? argv.slice(1) : ['%%'];
  let status = 0;
  for (const spec of specs) {
    const job = yield* jobArg(sh, spec);
    if (!job) {
      status = 2;
      continue;
    }
    sh.out.put(`[${job.id}] ${job.text}\n`);
    yield* sh.out.flush();
    yield* continueJob(sh, job);
  }
  return status;
}
