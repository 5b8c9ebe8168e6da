// A session on real QEMU: qemu-system runs under a pseudo-terminal (node-pty) as with
// `-nographic` in a terminal; @xterm/headless keeps the screen and answers the queries a
// shell sends (BusyBox's line editor asks for the cursor position at every prompt); QMP
// over a UNIX socket powers off, resets and takes screenshots. Time here is wall time.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pty from 'node-pty';
import xtermHeadless from '@xterm/headless';
import type { MachineDescription } from '../../machine/description/types';
import type { HostHooks, MachinePower, MatchResult, Session, SessionSnapshot, WaitFailed, WaitResult } from '../backend';
import { findPattern } from '../match';
import { OutputLog } from '../sim/output-log';
import { InputPacer } from './input-pacer';
import { buildInvocation, QEMU_PACKAGE, type GuestAssets } from './invocation';
import { QmpClient } from './qmp';
import { parseQueryStatus, statusOfPower, type RunStatus } from './qmp-status';
import { OnlcrUndo } from './onlcr';
import { parsePpm } from './ppm';
import { encodePngRgb } from '../../../devices/virtio/gpu/png';

const { Terminal } = xtermHeadless;
const POLL_MS = 20;
const QMP_CONNECT_MS = 10_000;

export interface QemuSessionConfig {
  description: MachineDescription;
  descriptionArgs: string[];
  assets?: GuestAssets;
  hooks?: HostHooks;
  cols?: number;
  rows?: number;
}

export class QemuSession implements Session {
  readonly backend = 'qemu' as const;
  readonly description: MachineDescription;
  private readonly log = new OutputLog();
  private readonly term: InstanceType<typeof Terminal>;
  private proc: pty.IPty | undefined;
  private qmp: QmpClient | undefined;
  private readonly workDir = mkdtempSync(join(tmpdir(), 'twinbox-qemu-'));
  private startedAtMs = Date.now();
  private exited = false;
  private exitInfo = '';
  private boots = 0;
  private shots = 0;
  private readonly pacer: InputPacer;

  private constructor(private readonly config: QemuSessionConfig) {
    this.description = config.description;
    this.term = new Terminal({ cols: config.cols ?? 80, rows: config.rows ?? 24, allowProposedApi: true });
    // Replies the terminal generates (cursor position reports) go back to the guest, as a real terminal's would.
    this.term.onData((data: string) => this.proc?.write(data));
    this.pacer = new InputPacer((chunk) => this.proc?.write(chunk), { nowMs: () => Date.now() });
  }

  static async start(config: QemuSessionConfig): Promise<QemuSession> {
    const s = new QemuSession(config);
    await s.spawn();
    return s;
  }

  get nowNs(): number {
    return (Date.now() - this.startedAtMs) * 1e6;
  }

  get power(): MachinePower {
    return this.exited ? 'off' : 'running';
  }

  /** QMP query-status; once QEMU has exited (power-off) the machine is shutdown. */
  async status(): Promise<RunStatus> {
    if (this.exited || !this.qmp) return statusOfPower(this.power);
    const parsed = parseQueryStatus(await this.qmp.execute('query-status'));
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
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

  /** The visible screen, as @xterm/headless renders it. */
  screenText(): string {
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').replace(/\n+$/, '');
  }

  /** Queues input; each line goes to the guest when it is ready for it (see InputPacer). */
  send(input: string | Uint8Array): void {
    if (!this.proc || this.exited) return;
    this.pacer.push(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
  }

  closeInput(): void {
    // A pty has no end-of-input for the guest's serial line; nothing to do.
  }

  async waitFor(pattern: string | RegExp, timeoutNs: number, fromOffset: number): Promise<MatchResult> {
    let hit: MatchResult | undefined;
    const r = await this.poll(timeoutNs, () => {
      hit = findPattern(pattern, this.log.text(fromOffset), Math.min(fromOffset, this.log.length));
      return hit !== undefined;
    });
    return hit ?? (r as WaitFailed);
  }

  async waitNs(durationNs: number): Promise<WaitResult> {
    const r = await this.poll(durationNs, () => false);
    return !r.ok && (r.reason === 'timeout' || r.reason === 'powered-off') ? { ok: true } : r;
  }

  async waitForPowerOff(timeoutNs: number): Promise<WaitResult> {
    const r = await this.poll(timeoutNs, () => this.exited, true);
    return this.exited ? { ok: true } : r;
  }

  async runToEnd(limitNs?: number): Promise<WaitResult> {
    return this.waitForPowerOff(limitNs ?? 3600e9);
  }

  async powerOff(): Promise<void> {
    if (this.exited) return;
    try {
      await this.qmp?.execute('quit');
    } catch {
      // QEMU may close the socket before answering `quit`.
    }
    await this.poll(5e9, () => this.exited, true);
    if (!this.exited) this.proc?.kill('SIGKILL');
  }

  async reset(): Promise<void> {
    if (this.exited) return this.spawn();
    this.pacer.clear();
    await this.qmp?.execute('system_reset');
  }

  async bootAgain(): Promise<void> {
    if (!this.exited) throw new Error('boot-again: the machine is still running; power it off first');
    await this.spawn();
  }

  /** QMP screendump of the display (PNG with QEMU 7.2's `format` argument). */
  async screendump(file: string): Promise<void> {
    if (!this.qmp) throw new Error('qemu: no QMP connection');
    await this.qmp.execute('screendump', { filename: file, format: 'png' });
  }

  /**
   * The first display as PNG through QMP screendump: PNG directly where QEMU can write it,
   * else its default PPM converted here.
   */
  async screenshot(index = 0): Promise<Uint8Array> {
    if (!this.qmp) throw new Error('qemu: no QMP connection');
    if (index !== 0) throw new Error('screenshot: only display 0 on the qemu backend');
    const n = this.shots++;
    const png = join(this.workDir, `screendump-${n}.png`);
    try {
      await this.qmp.execute('screendump', { filename: png, format: 'png' });
      return new Uint8Array(readFileSync(png));
    } catch {
      const ppm = join(this.workDir, `screendump-${n}.ppm`);
      await this.qmp.execute('screendump', { filename: ppm });
      const img = parsePpm(new Uint8Array(readFileSync(ppm)));
      if (typeof img === 'string') throw new Error(`screendump: ${img}`);
      return encodePngRgb(img.widthPx, img.heightPx, img.rgb);
    }
  }

  async snapshot(_label: string): Promise<SessionSnapshot> {
    throw new Error('snapshot: not available on the qemu backend (QEMU savevm needs a qcow2 disk); run this scenario on the sim backend');
  }

  async restore(_snapshot: SessionSnapshot): Promise<void> {
    throw new Error('restore: not available on the qemu backend');
  }

  async close(): Promise<void> {
    await this.powerOff();
    this.qmp?.close();
    this.term.dispose();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private async spawn(): Promise<void> {
    const socket = join(this.workDir, `qmp-${this.boots}.sock`);
    const inv = buildInvocation(this.description, this.config.descriptionArgs, socket, this.config.assets);
    this.exited = false;
    this.exitInfo = '';
    this.pacer.clear();
    try {
      this.proc = pty.spawn(inv.binary, inv.args, {
        name: 'xterm-256color', cols: this.config.cols ?? 80, rows: this.config.rows ?? 24, cwd: process.cwd(), env: process.env,
      });
    } catch (e) {
      throw new Error(`qemu backend: cannot start ${inv.binary}: ${(e as Error).message}. Install it: apt-get install ${QEMU_PACKAGE[inv.binary]}`);
    }
    this.boots++;
    if (this.boots === 1) this.startedAtMs = Date.now();
    const onlcr = new OnlcrUndo();
    this.proc.onData((raw: string) => {
      const data = onlcr.feed(raw);
      if (data.length === 0) return;
      const bytes = Buffer.from(data, 'utf8');
      this.log.append(bytes);
      // xterm parses asynchronously; its answer to a cursor query must reach the guest before
      // the next typed line, so the pacer hears about output only once the terminal has parsed it.
      this.term.write(data, () => this.pacer.output(data));
    });
    this.proc.onExit(({ exitCode, signal }) => {
      this.exited = true;
      this.exitInfo = `qemu exited with code ${exitCode}${signal ? ` (signal ${signal})` : ''}`;
    });
    try {
      this.qmp = await QmpClient.connect(socket, QMP_CONNECT_MS);
    } catch (e) {
      const tail = this.log.text(Math.max(0, this.log.length - 2000));
      if (this.exited || /not found|No such file/.test(tail)) {
        throw new Error(`qemu backend: ${inv.binary} failed to start (${this.exitInfo || (e as Error).message}).${/not found|No such file/.test(tail) ? ` Install it: apt-get install ${QEMU_PACKAGE[inv.binary]}.` : ''}\n${tail}`);
      }
      throw e;
    }
  }

  /** Polls `done` every few ms until it holds, QEMU exits, a hook stops us, or `timeoutNs` of wall time passes. */
  private async poll(timeoutNs: number, done: () => boolean, exitIsSuccess = false): Promise<WaitResult> {
    const deadline = Date.now() + timeoutNs / 1e6;
    for (;;) {
      if (done()) return { ok: true };
      if (this.exited && !exitIsSuccess) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (done()) return { ok: true };
        return { ok: false, reason: 'powered-off', message: this.exitInfo };
      }
      const stop = this.config.hooks?.shouldStop?.();
      if (stop) return { ok: false, reason: 'stopped', message: stop };
      if (Date.now() >= deadline) return { ok: false, reason: 'timeout' };
      await new Promise((r) => setTimeout(r, POLL_MS));
      this.pacer.tick();
    }
  }
}
