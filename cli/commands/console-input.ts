// Host input for `twinbox console`. A pipe is read to its end (`readAll`) and cut into
// lines, each queued as one chunk, so how the OS happened to split the pipe cannot change
// what the guest sees. A terminal is put in raw mode (`attachTerminal`) and keys go through
// as typed, except the QEMU-style escape: Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A.

const CTRL_A = 0x01;
const NEWLINE = 0x0a;

/** The host's stdin as the console uses it. */
export type HostStdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export interface InputSink {
  send(bytes: Uint8Array): void;
  closeInput(): void;
}

export class ConsoleInput {
  private pending: number[] = [];
  private escape = false;
  private ended = false;
  private quitRequested = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly sink: InputSink,
    private readonly raw: boolean,
  ) {}

  get quit(): boolean {
    return this.quitRequested;
  }

  get eof(): boolean {
    return this.ended;
  }

  data(chunk: Uint8Array): void {
    if (this.raw) this.rawKeys(chunk);
    else this.lines(chunk);
    this.wake();
  }

  end(): void {
    if (this.ended) return;
    if (this.pending.length > 0) this.sink.send(Uint8Array.from(this.pending));
    this.pending = [];
    this.ended = true;
    this.sink.closeInput();
    this.wake();
  }

  /** Resolves at the next input, end of input or quit request. */
  next(): Promise<void> {
    if (this.ended || this.quitRequested) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private lines(chunk: Uint8Array): void {
    for (const b of chunk) {
      this.pending.push(b);
      if (b === NEWLINE) {
        this.sink.send(Uint8Array.from(this.pending));
        this.pending = [];
      }
    }
  }

  private rawKeys(chunk: Uint8Array): void {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.escape) {
        this.escape = false;
        if (b === 0x78 || b === 0x58) this.quitRequested = true; // x
        else if (b === CTRL_A) out.push(CTRL_A);
        continue;
      }
      if (b === CTRL_A) this.escape = true;
      else out.push(b);
    }
    if (out.length > 0) this.sink.send(Uint8Array.from(out));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** All of a piped stdin, or 'timeout' if the wall deadline passes first. */
export function readAll(stdin: HostStdin, deadlineMs: number): Promise<Uint8Array | 'timeout'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = deadlineMs === Infinity ? undefined : setTimeout(() => finish('timeout'), Math.max(0, deadlineMs - Date.now()));
    const onData = (c: Buffer | string): void => void chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    const onEnd = (): void => finish(Buffer.concat(chunks));
    function finish(result: Uint8Array | 'timeout'): void {
      clearTimeout(timer);
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onEnd);
      stdin.pause();
      resolve(result);
    }
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onEnd);
    stdin.resume();
  });
}

export function attachTerminal(stdin: HostStdin, input: ConsoleInput): { detach(): void } {
  const onData = (chunk: Buffer | string): void => input.data(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const onEnd = (): void => input.end();
  stdin.setRawMode?.(true);
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.resume();
  return {
    detach() {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
    },
  };
}
