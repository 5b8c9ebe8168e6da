// Everything the guest wrote to the console during one session, across reboots and
// restores, as one growing byte log. Offsets into it are what `expect` cursors hold.

const INITIAL_CAPACITY_BYTES = 64 * 1024;

export class OutputLog {
  private buf = new Uint8Array(INITIAL_CAPACITY_BYTES);
  private lengthBytes = 0;
  private readonly listeners: Array<(bytes: Uint8Array) => void> = [];

  get length(): number {
    return this.lengthBytes;
  }

  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const need = this.lengthBytes + bytes.length;
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.buf.subarray(0, this.lengthBytes));
      this.buf = grown;
    }
    this.buf.set(bytes, this.lengthBytes);
    this.lengthBytes = need;
    for (const l of this.listeners) l(bytes);
  }

  onAppend(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  bytes(fromOffset = 0): Uint8Array {
    const from = clampOffset(fromOffset, this.lengthBytes);
    return this.buf.slice(from, this.lengthBytes);
  }

  text(fromOffset = 0): string {
    return Buffer.from(this.bytes(fromOffset)).toString('utf8');
  }
}

function clampOffset(offset: number, length: number): number {
  if (!Number.isFinite(offset) || offset < 0) return 0;
  return Math.min(Math.floor(offset), length);
}
