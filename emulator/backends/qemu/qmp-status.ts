// QMP `query-status` and the simulator's equivalent: the machine's run state as QEMU names it
// (qapi/run-state.json, RunState). A powered-off machine is `shutdown` (QEMU exits then, unless
// -no-shutdown keeps it to be asked), a running one `running`.

export const RUN_STATES = [
  'debug', 'inmigrate', 'internal-error', 'io-error', 'paused', 'postmigrate', 'prelaunch', 'finish-migrate',
  'restore-vm', 'running', 'save-vm', 'shutdown', 'suspended', 'watchdog', 'guest-panicked', 'colo',
] as const;

export type RunState = (typeof RUN_STATES)[number];

/** What `query-status` returns (StatusInfo; `singlestep` left out, QEMU 8.1 deprecated it). */
export interface RunStatus {
  running: boolean;
  status: RunState;
}

export function isRunState(s: unknown): s is RunState {
  return typeof s === 'string' && (RUN_STATES as readonly string[]).includes(s);
}

/** Checks a `query-status` reply; a malformed one gives an error message. */
export function parseQueryStatus(reply: unknown): RunStatus | string {
  if (typeof reply !== 'object' || reply === null) return 'query-status: the reply is not an object';
  const r = reply as Record<string, unknown>;
  if (typeof r['running'] !== 'boolean') return 'query-status: no boolean `running` in the reply';
  if (!isRunState(r['status'])) return `query-status: unknown run state ${JSON.stringify(r['status'])}`;
  return { running: r['running'], status: r['status'] };
}

/** The status of a machine that is not answering QMP: powered off means QEMU has shut down. */
export function statusOfPower(power: 'running' | 'off'): RunStatus {
  return power === 'off' ? { running: false, status: 'shutdown' } : { running: true, status: 'running' };
}
