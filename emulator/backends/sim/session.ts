// A session on the simulator: one Machine at a time (a reset, a reboot or a restore
// replaces it), one console output log across all of them, and waits that run the machine
// in bounded chunks so host hooks (wall-clock limit, Ctrl-A x) get a say in between.
// All time here is virtual; the only clock is the machine's scheduler.

import { Machine, type RunOptions, type RunStop } from '../../machine/machine';
import { statusOfPower, type RunStatus } from '../qemu/qmp-status';
import type { GuestFactory } from '../../machine/guest';
import type { MachineDescription } from '../../machine/description/types';
import { Prng } from '../../random/prng';
import type {
  HostHooks, MachinePower, MatchResult, Session, SessionSnapshot, WaitFailed, WaitResult,
} from '../backend';
import { PatternWatcher } from '../match';
import { OutputLog } from './output-log';
import type { MachineSnapshotter } from './snapshotter';

/** Machine steps per chunk between host-hook checks. */
const CHUNK_STEPS = 20_000;

interface SimSnapshot extends SessionSnapshot {
  readonly state: unknown;
  readonly owner: SimSession;
}

type ChunkedStop = RunStop | 'stopped' | 'error';

export interface SimSessionConfig {
  description: MachineDescription;
  seed: number;
  guest: GuestFactory;
  snapshotter: MachineSnapshotter;
  hooks?: HostHooks;
}

export class SimSession implements Session {
  readonly backend = 'sim' as const;
  readonly description: MachineDescription;
  private readonly log = new OutputLog();
  private machineNow: Machine;
  private boots = 1;
  private inputClosed = false;
  private lastError = '';
  private stopMessage = '';
  private closed = false;

  constructor(private readonly config: SimSessionConfig) {
    this.description = config.description;
    this.machineNow = this.powerOn(config.seed);
  }

  /** The machine currently running, for tests and tools that look inside. */
  get machine(): Machine {
    return this.machineNow;
  }

  get nowNs(): number {
    return this.machineNow.scheduler.now;
  }

  /** The scanout of the machine's display `index` (-device virtio-gpu-*) as PNG. */
  async screenshot(index = 0): Promise<Uint8Array> {
    const gpu = this.machineNow.devices.gpus[index];
    const shot = gpu?.device.screenshot();
    if (!shot) throw new Error(`screenshot: the machine has no display ${index} (add -device virtio-gpu-pci)`);
    return shot.png;
  }

  get power(): MachinePower {
    return this.machineNow.powerState === 'off' ? 'off' : 'running';
  }

  /** QMP query-status's answer for this machine: running, or shutdown once powered off. */
  async status(): Promise<RunStatus> {
    return statusOfPower(this.power);
  }

  get bootCount(): number {
    return this.boots;
  }

  get outputLength(): number {
    return this.log.length;
  }

  outputBytes(fromOffset = 0): Uint8Array {
    return this.log.bytes(fromOffset);
  }

  outputText(fromOffset = 0): string {
    return this.log.text(fromOffset);
  }

  onOutput(listener: (bytes: Uint8Array) => void): void {
    this.log.onAppend(listener);
  }

  send(input: string | Uint8Array): void {
    this.machineNow.console.type(input);
  }

  closeInput(): void {
    this.inputClosed = true;
    this.machineNow.console.closeInput();
  }

  async waitFor(pattern: string | RegExp, timeoutNs: number, fromOffset: number): Promise<MatchResult> {
    const watcher = new PatternWatcher(pattern, this.log, fromOffset);
    let hit: MatchResult | undefined;
    const test = (): boolean => {
      hit ??= watcher.check();
      return hit !== undefined;
    };
    if (test() && hit) return hit;
    const stop = await this.runChunked({ untilNs: this.nowNs + timeoutNs, until: test });
    if (hit) return hit;
    return this.failure(stop);
  }

  async waitNs(durationNs: number): Promise<WaitResult> {
    const untilNs = this.nowNs + Math.max(0, durationNs);
    if (this.power === 'off') {
      this.machineNow.idleUntil(untilNs);
      return { ok: true };
    }
    const stop = await this.runChunked({ untilNs });
    if (stop === 'time-limit' || stop === 'powered-off' || stop === 'idle') {
      // Nothing runnable and no events: time passes with nothing happening, as on a real idle machine.
      this.machineNow.idleUntil(untilNs);
      return { ok: true };
    }
    return this.failure(stop);
  }

  async waitForPowerOff(timeoutNs: number): Promise<WaitResult> {
    const stop = await this.runChunked({ untilNs: this.nowNs + timeoutNs });
    return stop === 'powered-off' ? { ok: true } : this.failure(stop);
  }

  async runToEnd(limitNs?: number): Promise<WaitResult> {
    const stop = await this.runChunked({ untilNs: limitNs });
    if (stop === 'powered-off') return { ok: true };
    // Idle with input still open is a wait for the host: more input may yet wake the guest.
    if (stop === 'idle' && !this.inputClosed) return { ok: false, reason: 'input-wanted' };
    return this.failure(stop);
  }

  async powerOff(): Promise<void> {
    this.machineNow.powerOff();
  }

  async reset(): Promise<void> {
    this.reboot();
  }

  async bootAgain(): Promise<void> {
    if (this.power !== 'off') throw new Error('boot-again: the machine is still running; power it off first');
    this.reboot();
  }

  async snapshot(label: string): Promise<SessionSnapshot> {
    const state = this.config.snapshotter.capture(this.machineNow);
    const snap: SimSnapshot = { atNs: this.nowNs, label, state, owner: this };
    return snap;
  }

  async restore(snapshot: SessionSnapshot): Promise<void> {
    const snap = snapshot as Partial<SimSnapshot>;
    if (snap.owner !== this) throw new Error(`restore: snapshot '${snapshot.label}' was not taken by this session`);
    // The machine comes back exactly as saved, with the input it had queued then; what the
    // host queued since belongs to the abandoned timeline and is dropped.
    const machine = this.config.snapshotter.restore(snap.state, this.config.guest);
    this.machineNow.powerOff();
    this.machineNow = machine;
    this.attach(machine, []);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.machineNow.powerOff();
  }

  /** Builds a machine, wires its console into the session log and powers it on. */
  private powerOn(seed: number, pending: Uint8Array[] = []): Machine {
    const machine = new Machine(this.config.description, seed);
    this.attach(machine, pending);
    machine.start(this.config.guest);
    return machine;
  }

  private attach(machine: Machine, pending: Uint8Array[]): void {
    // Only the current machine ever runs, so every machine's output belongs in the log.
    machine.console.onOutput((bytes) => this.log.append(bytes));
    for (const chunk of pending) machine.console.type(chunk);
    if (this.inputClosed) machine.console.closeInput();
  }

  /** A fresh machine from the same description; each boot gets its own seed, derived from the first. */
  private reboot(): void {
    const pending = this.drainInput(this.machineNow);
    this.boots++;
    const seed = new Prng(this.config.seed).fork(`boot-${this.boots}`).nextU32();
    this.machineNow = this.powerOn(seed, pending);
  }

  private drainInput(machine: Machine): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let chunk = machine.console.takeInput(Infinity); chunk; chunk = machine.console.takeInput(Infinity)) {
      out.push(chunk.slice());
    }
    return out;
  }

  /** Runs the machine in chunks, following guest-requested reboots, until a real stop. */
  private async runChunked(opts: RunOptions): Promise<ChunkedStop> {
    const hooks = this.config.hooks;
    let run = opts;
    for (;;) {
      if (this.closed) return 'powered-off';
      const stop = this.runChunk(run);
      if (stop === 'reset') {
        // The new machine's clock starts at zero; the wait keeps what it had left.
        const leftNs = run.untilNs === undefined ? undefined : run.untilNs - this.nowNs;
        if (!this.guarded(() => this.reboot())) return 'error';
        run = { ...run, untilNs: leftNs === undefined ? undefined : this.nowNs + leftNs };
        continue;
      }
      if (stop !== 'step-limit') return stop;
      const message = hooks?.shouldStop?.();
      if (message) {
        this.stopMessage = message;
        return 'stopped';
      }
      await hooks?.yieldToHost?.();
    }
  }

  private runChunk(opts: RunOptions): RunStop | 'error' {
    let stop: RunStop = 'powered-off';
    const ok = this.guarded(() => {
      stop = this.machineNow.run({ ...opts, maxSteps: CHUNK_STEPS });
    });
    return ok ? stop : 'error';
  }

  /** Guest code is not trusted to be bug-free: an exception becomes a failed wait, not a host crash. */
  private guarded(f: () => void): boolean {
    try {
      f();
      return true;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.machineNow.powerOff();
      return false;
    }
  }

  private failure(stop: ChunkedStop): WaitFailed {
    switch (stop) {
      case 'powered-off': return { ok: false, reason: 'powered-off' };
      case 'idle': return { ok: false, reason: 'idle' };
      case 'stopped': return { ok: false, reason: 'stopped', message: this.stopMessage };
      case 'error': return { ok: false, reason: 'error', message: `machine error: ${this.lastError}` };
      default: return { ok: false, reason: 'timeout' };
    }
  }
}
