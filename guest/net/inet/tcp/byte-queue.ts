// A FIFO of bytes with cheap append, peek at any offset and consume from the front: the send
// queue (unacknowledged + unsent data) and the in-order receive queue of a TCP connection.

export class ByteQueue {
  private buf: Uint8Array;
  private head = 0;
  private tail = 0;

  constructor(initialBytes = 4096) {
    this.buf = new Uint8Array(initialBytes);
  }

  get length(): number {
    return this.tail - this.head;
  }

  append(data: Uint8Array): void {
    if (this.tail + data.length > this.buf.length) this.makeRoom(data.length);
    this.buf.set(data, this.tail);
    this.tail += data.length;
  }

  private makeRoom(extra: number): void {
    const len = this.length;
    const need = len + extra;
    if (need <= this.buf.length / 2) {
      this.buf.copyWithin(0, this.head, this.tail);
    } else {
      let size = this.buf.length;
      while (size < need * 2) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(this.head, this.tail));
      this.buf = next;
    }
    this.head = 0;
    this.tail = len;
  }

  /** A copy of `len` bytes starting `offset` bytes after the front (clamped to what is there). */
  peek(offset: number, len: number): Uint8Array {
    const start = this.head + Math.max(0, offset);
    const end = Math.min(this.tail, start + Math.max(0, len));
    return this.buf.slice(start, Math.max(start, end));
  }

  consume(n: number): void {
    this.head += Math.min(n, this.length);
    if (this.head === this.tail) this.head = this.tail = 0;
  }
}
