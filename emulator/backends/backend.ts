// What the scenario engine and `twinbox console` drive: a backend boots a machine
// description into a session, and a session is a running machine seen from outside — a
// serial line to type into and read from, a power switch, and (where the backend can)
// snapshots. The simulator (sim/) and real QEMU (later: node-pty + @xterm/headless + QMP)
// both implement it, which is what lets one scenario run on both and be diffed.
//
// Time in this interface is "backend time": virtual nanoseconds on the simulator, wall
// nanoseconds on QEMU. Every wait is async so a wall-clock backend fits the same shape.

import type { MachineDescription } from '../machine/description/types';
import type { RunStatus } from './qemu/qmp-status';

export type BackendName = 'sim' | 'qemu';

/** Host-side hooks the front end passes in; emulator code never reads the wall clock itself. */
export interface HostHooks {
  /** Checked between run chunks; a string stops the session's current wait with that message. */
  shouldStop?: () => string | undefined;
  /** Lets the host event loop run (stdin, signals) between run chunks. */
  yieldToHost?: () => Promise<void>;
}

export interface BootOptions {
  seed: number;
  hooks?: HostHooks;
}

/** Why a wait ended without its condition. */
export type WaitFailure =
  /** The timeout passed in backend time. */
  | 'timeout'
  /** The machine is off (the guest powered it off, or it was never booted). */
  | 'powered-off'
  /** The guest waits for console input that will never come, and nothing else can happen. */
  | 'idle'
  /** A host hook stopped the wait (wall-clock limit, Ctrl-A x). */
  | 'stopped'
  /** runToEnd only: the guest waits for console input the host has not sent yet (input still open). */
  | 'input-wanted'
  /** The machine failed (an exception in emulator or guest code); `message` says what. */
  | 'error';

export interface MatchFound {
  ok: true;
  /** Byte offsets into the session output of the match. */
  startOffset: number;
  endOffset: number;
  /** The matched text, then the regex groups (index 1..n). */
  groups: string[];
  /** Named regex groups. */
  named: Record<string, string>;
}

export interface WaitFailed {
  ok: false;
  reason: WaitFailure;
  /** Set for 'stopped' (the hook's message) and 'error'. */
  message?: string;
}

export type MatchResult = MatchFound | WaitFailed;
export type WaitResult = { ok: true } | WaitFailed;

export type MachinePower = 'running' | 'off';

/** An opaque saved machine; only the session that made it can restore it. */
export interface SessionSnapshot {
  readonly atNs: number;
  readonly label: string;
}

export interface Session {
  readonly backend: BackendName;
  readonly description: MachineDescription;
  /** Backend time now (virtual ns on sim). */
  readonly nowNs: number;
  readonly power: MachinePower;
  /** How many times a machine has been (re)booted in this session, from 1. */
  readonly bootCount: number;
  /** Every byte the guest(s) wrote to the console in this session, across reboots. */
  readonly outputLength: number;
  outputBytes(fromOffset?: number): Uint8Array;
  outputText(fromOffset?: number): string;
  /** Called with each chunk of console output as it appears. */
  onOutput(listener: (bytes: Uint8Array) => void): void;

  /** Queues bytes for the guest's console (delivered when the guest reads). */
  send(input: string | Uint8Array): void;
  /** No more console input will come (end of a pipe). */
  closeInput(): void;

  /** Runs until `pattern` appears in the output at or after `fromOffset`, or `timeoutNs` passes. */
  waitFor(pattern: string | RegExp, timeoutNs: number, fromOffset: number): Promise<MatchResult>;
  /** Lets `durationNs` of backend time pass (the guest keeps running). */
  waitNs(durationNs: number): Promise<WaitResult>;
  /** Runs until the guest powers the machine off, or `timeoutNs` passes. */
  waitForPowerOff(timeoutNs: number): Promise<WaitResult>;
  /**
   * Runs until power-off (ok), or until nothing can happen without console input the host
   * has not sent yet ('input-wanted': send more or close input, then call again), the guest
   * idles with input closed ('idle'), `limitNs` of backend time passes, or a hook stops it.
   */
  runToEnd(limitNs?: number): Promise<WaitResult>;

  /** Pulls the plug at once. */
  powerOff(): Promise<void>;
  /** Hard reset (QEMU `system_reset`): a fresh machine from the same description, disks kept. */
  reset(): Promise<void>;
  /** Power on again after power-off, disks kept. */
  bootAgain(): Promise<void>;

  snapshot(label: string): Promise<SessionSnapshot>;
  restore(snapshot: SessionSnapshot): Promise<void>;
  close(): Promise<void>;
  /** A PNG of what display `index` shows now; rejects with a message when there is none. */
  screenshot?(index: number): Promise<Uint8Array>;
  /** The run state as QMP `query-status` reports it (the sim answers from its power state). */
  status?(): Promise<RunStatus>;
}

export interface Backend {
  readonly name: BackendName;
  /** Builds and powers on a machine. Rejects with a clear message when it cannot. */
  boot(description: MachineDescription, options: BootOptions): Promise<Session>;
}
