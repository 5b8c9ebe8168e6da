// Buffered standard streams for native programs, like stdio: output accumulates and is
// written with write(2) when the buffer fills or on flush; input is read in chunks.

import type { Sc, Sys } from './sys';
import { concatBytes, fromUtf8, utf8 } from './text';

const FLUSH_AT_BYTES = 8192;

export class OutStream {
  private parts: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Set after a failed write (EPIPE, EBADF...): later output is dropped, as with a dead stdout. */
  error = 0;

  constructor(
    private readonly sys: Sys,
    readonly fd: number,
  ) {}

  /** Queues text; call flush() (or write through putAndFlush) to deliver it. */
  put(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? utf8(data) : data;
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.pendingBytes += bytes.length;
  }

  get needsFlush(): boolean {
    return this.pendingBytes >= FLUSH_AT_BYTES;
  }

  *flush(): Sc<number> {
    if (this.pendingBytes === 0) return 0;
    const data = concatBytes(this.parts);
    this.parts = [];
    this.pendingBytes = 0;
    if (this.error !== 0) return -this.error;
    const r = yield* this.sys.write(this.fd, data);
    if (r < 0) this.error = -r;
    return r;
  }

  /** put + flush when the buffer is full. */
  *write(data: string | Uint8Array): Sc<void> {
    this.put(data);
    if (this.needsFlush) yield* this.flush();
  }
}

/** Chunked reader over one fd. */
export class InStream {
  private buf: Uint8Array = new Uint8Array(0);
  eof = false;
  error = 0;

  constructor(
    private readonly sys: Sys,
    readonly fd: number,
  ) {}

  private *fill(): Sc<boolean> {
    if (this.eof) return false;
    const r = yield* this.sys.read(this.fd, 65536);
    if (typeof r === 'number') {
      this.error = -r;
      this.eof = true;
      return false;
    }
    if (r.length === 0) {
      this.eof = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r : concatBytes([this.buf, r]);
    return true;
  }

  /** Next chunk of bytes (whatever is buffered or one read), empty at EOF. */
  *chunk(): Sc<Uint8Array> {
    if (this.buf.length === 0) yield* this.fill();
    const out = this.buf;
    this.buf = new Uint8Array(0);
    return out;
  }

  /** Next line including its '\n' (the last line may lack it); undefined at EOF. */
  *lineBytes(): Sc<Uint8Array | undefined> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const line = this.buf.subarray(0, nl + 1);
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (!(yield* this.fill())) {
        if (this.buf.length === 0) return undefined;
        const rest = this.buf;
        this.buf = new Uint8Array(0);
        return rest;
      }
    }
  }

  *line(): Sc<string | undefined> {
    const b = yield* this.lineBytes();
    return b === undefined ? undefined : fromUtf8(b);
  }

  /** Everything up to EOF. */
  *all(): Sc<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const c = yield* this.chunk();
      if (c.length === 0) break;
      parts.push(c);
    }
    return concatBytes(parts);
  }
}
