// Typing into a real machine's console the way a person at a terminal would: one line at a
// time, each when the guest is ready for it. On the simulator the machine itself hands input
// over when the guest reads; on QEMU we can only watch the screen. BusyBox's line editor asks
// for the cursor position (ESC [ 6 n) every time it prints a prompt, which is an exact
// "waiting for a line" signal; a quiet console is the fallback for programs that read without
// a prompt, once a first prompt has shown the guest is up (boot has long silent stretches).

export const CURSOR_QUERY = '\x1b[6n';

export interface PacerClock {
  nowMs(): number;
}

export class InputPacer {
  private readonly queue: string[] = [];
  private ready = false;
  private promptSeen = false;
  /** The end of the previous output chunk: a query can be split across chunks. */
  private tail = '';
  private lastOutputMs: number;
  private lastWriteMs = -Infinity;

  constructor(
    private readonly write: (chunk: string) => void,
    private readonly clock: PacerClock,
    /** Console silence after which the guest is taken to be waiting. */
    private readonly quietMs = 1000,
  ) {
    this.lastOutputMs = clock.nowMs();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Queues input, split after each line end so every line waits for its own prompt. */
  push(input: string): void {
    const parts = input.split(/(?<=[\r\n])/);
    for (const p of parts) if (p.length > 0) this.queue.push(p);
    this.pump();
  }

  /** Console output arrived from the guest. */
  output(text: string): void {
    this.lastOutputMs = this.clock.nowMs();
    const joined = this.tail + text;
    if (joined.includes(CURSOR_QUERY)) this.ready = this.promptSeen = true;
    this.tail = joined.slice(-(CURSOR_QUERY.length - 1));
    this.pump();
  }

  /** Called periodically: delivers the next line once the console has gone quiet. */
  tick(): void {
    const now = this.clock.nowMs();
    if (this.promptSeen && now - this.lastOutputMs >= this.quietMs && now - this.lastWriteMs >= this.quietMs) this.ready = true;
    this.pump();
  }

  /** Forgets queued input (the machine was reset or powered off). */
  clear(): void {
    this.queue.length = 0;
    this.ready = this.promptSeen = false;
    this.tail = '';
  }

  private pump(): void {
    while (this.ready && this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      this.write(chunk);
      this.lastWriteMs = this.clock.nowMs();
      // A chunk without a line end (keys) does not make the guest print a new prompt.
      if (/[\r\n]$/.test(chunk)) this.ready = false;
    }
  }
}
