// Background jobs: the table `&` fills, reaping with wait4(WNOHANG), ash's job lines
// ("[1]+  Done                       sleep 1"), and the wait/kill/jobs builtins' core.

import { ECHILD } from '../libc/errno';
import { WNOHANG, WUNTRACED } from '../libc/numbers';
import { signalDescription } from '../libc/signals';
import { shellStatus, waitExitCode, waitSignaled, waitStopped, waitTermSig } from '../libc/structs';
import type { Sc } from '../libc/sys';
import type { Job } from './state';
import type { Shell } from './shell';

/** Collects every ended child without blocking. */
export function* reapChildren(sh: Shell): Sc<void> {
  for (let guard = 0; guard < 10_000; guard++) {
    // Under job control a background job that stops (SIGTTIN reading the terminal...) is reported too.
    const r = yield* sh.sys.wait4(-1, WNOHANG | (sh.state.jobControl ? WUNTRACED : 0));
    if (typeof r === 'number' || r.pid <= 0) return;
    for (const job of sh.state.jobs) {
      if (!job.pids.includes(r.pid)) continue;
      if (waitStopped(r.status)) {
        // One notice per stop of the job, however many of its processes report it.
        if (job.stopSig === undefined) job.stopShown = false;
        job.stopSig = (r.status >> 8) & 0xff;
        continue;
      }
      job.statuses.set(r.pid, r.status);
      // A stopped job killed (SIGKILL) is reported by how it ended, not as stopped.
      if (jobDone(job)) job.stopSig = undefined;
    }
  }
}

export function jobDone(job: Job): boolean {
  return job.pids.every((p) => job.statuses.has(p));
}

function lastStatus(job: Job): number | undefined {
  return job.statuses.get(job.pids[job.pids.length - 1]!);
}

export function jobStateText(job: Job): string {
  if (job.stopSig !== undefined) return signalDescription(job.stopSig);
  const st = lastStatus(job);
  if (st === undefined) return 'Running';
  if (waitSignaled(st)) return signalDescription(waitTermSig(st));
  const code = waitExitCode(st);
  return code === 0 ? 'Done' : `Done(${code})`;
}

/** "+" for the current (newest) job, "-" for the previous one. */
function mark(sh: Shell, job: Job): string {
  const jobs = sh.state.jobs;
  const k = jobs.indexOf(job);
  if (k === jobs.length - 1) return '+';
  if (k === jobs.length - 2) return '-';
  return ' ';
}

export function jobLine(sh: Shell, job: Job): string {
  return `[${job.id}]${mark(sh, job)}  ${jobStateText(job).padEnd(27)}${job.text}\n`;
}

/** Before a prompt: report and forget finished background jobs, and report newly stopped ones. */
export function* notifyDoneJobs(sh: Shell): Sc<void> {
  yield* reapChildren(sh);
  for (const job of sh.state.jobs) {
    const newlyStopped = job.stopSig !== undefined && job.stopShown === false;
    if (jobDone(job) || newlyStopped) sh.err.put(jobLine(sh, job));
    if (newlyStopped) job.stopShown = true;
  }
  sh.state.jobs = sh.state.jobs.filter((j) => !jobDone(j));
  yield* sh.err.flush();
}

/** `%N`, `%%`, `%+`, `%-` or a pid: the job it names. */
export function findJob(sh: Shell, spec: string): Job | undefined {
  const jobs = sh.state.jobs;
  if (spec === '%%' || spec === '%+' || spec === '%') return jobs[jobs.length - 1];
  if (spec === '%-') return jobs[jobs.length - 2];
  if (/^%[0-9]+$/.test(spec)) return jobs.find((j) => j.id === Number(spec.slice(1)));
  if (/^[0-9]+$/.test(spec)) return jobs.find((j) => j.pids.includes(Number(spec)));
  return undefined;
}

/**
 * Waits for every process of a job; returns its shell status. `fg` forgets the job; `wait`
 * under job control leaves it for the notice at the next prompt ("[1]+  Terminated ..."),
 * as ash does.
 */
export function* waitJob(sh: Shell, job: Job, forget = true): Sc<number> {
  // ash's wait returns at once for a stopped job, with the stop signal's status.
  if (job.stopSig !== undefined) return 128 + job.stopSig;
  for (const pid of job.pids) {
    if (job.statuses.has(pid)) continue;
    const r = yield* sh.sys.wait4(pid, 0);
    job.statuses.set(pid, typeof r === 'number' ? 0 : r.status);
  }
  if (forget || !sh.state.jobControl) sh.state.jobs = sh.state.jobs.filter((j) => j !== job);
  const st = lastStatus(job) ?? 0;
  yield* sh.reportSignal(st);
  return shellStatus(st);
}

/** wait [pid|%job...] */
export function* waitBuiltin(sh: Shell, args: readonly string[]): Sc<number> {
  if (args.length === 0) {
    for (const job of [...sh.state.jobs]) if (job.stopSig === undefined) yield* waitJob(sh, job, false);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const job = findJob(sh, a);
    if (job) {
      status = yield* waitJob(sh, job, false);
      continue;
    }
    if (a.startsWith('%')) {
      yield* sh.diag(`${a}: no such job`);
      status = 127;
      continue;
    }
    const pid = Number(a);
    const r = Number.isInteger(pid) && pid > 0 ? yield* sh.sys.wait4(pid, 0) : -ECHILD;
    status = typeof r === 'number' ? 127 : shellStatus(r.status);
  }
  return status;
}
