// A QMP (QEMU Machine Protocol) client over a UNIX socket: JSON objects, one per line. The
// server greets, the client negotiates with `qmp_capabilities`, then each command gets
// exactly one `return` or `error` reply in order; asynchronous events (`event`) may arrive
// in between and are collected separately.

import { createConnection, type Socket } from 'node:net';

export interface QmpEvent {
  event: string;
  data?: unknown;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  command: string;
}

export class QmpClient {
  private buffer = '';
  private readonly pending: Pending[] = [];
  private greeted: Promise<void>;
  readonly events: QmpEvent[] = [];
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    let onGreeting: () => void = () => {};
    this.greeted = new Promise((resolve) => (onGreeting = resolve));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk, onGreeting));
    socket.on('close', () => this.fail(new Error('QMP connection closed')));
    socket.on('error', (e) => this.fail(e));
  }

  /** Connects, retrying while QEMU has not created the socket yet. */
  static async connect(path: string, timeoutMs: number): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    let lastError: Error | undefined;
    while (Date.now() < deadline) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = createConnection(path);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        const client = new QmpClient(socket);
        await client.greeted;
        await client.execute('qmp_capabilities');
        return client;
      } catch (e) {
        lastError = e as Error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`QMP: could not connect to ${path}: ${lastError?.message ?? 'timeout'}`);
  }

  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, command });
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string, onGreeting: () => void): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if ('QMP' in msg) onGreeting();
      else if ('event' in msg) this.events.push({ event: String(msg.event), data: msg.data });
      else if ('return' in msg) this.pending.shift()?.resolve(msg.return);
      else if ('error' in msg) {
        const p = this.pending.shift();
        const err = msg.error as { class?: string; desc?: string };
        p?.reject(new Error(`QMP ${p.command}: ${err.class ?? 'Error'}: ${err.desc ?? 'unknown error'}`));
      }
    }
  }

  private fail(e: Error): void {
    this.closedError = e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}
