// The host's end of the serial console: what the guest transmits, and the input waiting to
// be typed. Piped input is a queue of chunks (usually lines) that the machine hands to the
// UART only when the guest is waiting for it, which makes a piped session deterministic.

export interface ConsoleSink {
  write(bytes: Uint8Array): void;
}

export class ConsoleHost {
  private readonly outputChunks: number[] = [];
  private readonly listeners: Array<(bytes: Uint8Array) => void> = [];
  private readonly pendingInput: Uint8Array[] = [];
  private inputClosed = false;
  /** Every byte the guest has written, for transcripts and `expect`. */
  private transcriptBytes: number[] = [];

  /** Called by the UART for each transmitted byte. */
  transmit(byte: number): void {
    this.outputChunks.push(byte);
    this.transcriptBytes.push(byte);
  }

  /** Hands buffered output to listeners; the machine calls this after each step. */
  flush(): void {
    if (this.outputChunks.length === 0) return;
    const bytes = Uint8Array.from(this.outputChunks);
    this.outputChunks.length = 0;
    for (const l of this.listeners) l(bytes);
  }

  onOutput(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** Queues host input (a line, keys, control characters). */
  type(input: string | Uint8Array): void {
    const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
    if (bytes.length > 0) this.pendingInput.push(bytes);
  }

  /** No more input will come (end of a pipe). */
  closeInput(): void {
    this.inputClosed = true;
  }

  get inputEnded(): boolean {
    return this.inputClosed && this.pendingInput.length === 0;
  }

  get hasPendingInput(): boolean {
    return this.pendingInput.length > 0;
  }

  /** Takes up to `maxBytes` of the next queued chunk. */
  takeInput(maxBytes: number): Uint8Array | undefined {
    const head = this.pendingInput[0];
    if (!head || maxBytes <= 0) return undefined;
    if (head.length <= maxBytes) {
      this.pendingInput.shift();
      return head;
    }
    this.pendingInput[0] = head.subarray(maxBytes);
    return head.subarray(0, maxBytes);
  }

  /** Copies of the input chunks not yet taken (for snapshots). */
  peekPendingInput(): Uint8Array[] {
    return this.pendingInput.map((c) => c.slice());
  }

  /** Puts back bytes the UART could not accept. */
  untake(bytes: Uint8Array): void {
    if (bytes.length > 0) this.pendingInput.unshift(bytes);
  }

  get transcript(): Uint8Array {
    return Uint8Array.from(this.transcriptBytes);
  }

  get transcriptLength(): number {
    return this.transcriptBytes.length;
  }

  /** Transcript text from byte offset `from`. */
  textSince(from: number): string {
    return Buffer.from(this.transcriptBytes.slice(from)).toString('utf8');
  }
}
