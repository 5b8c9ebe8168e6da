// QEMU's stdio console turns output post-processing on, so the host pty's ONLCR turns every
// "\n" QEMU writes into "\r\n": a guest line end "\r\n" arrives as "\r\r\n". Undoing it exactly
// (each "\r\n" from the pty was one "\n" from QEMU) gives back the bytes the guest sent, which
// is what transcripts compare. A "\r" at the end of a chunk waits for the next one.

export class OnlcrUndo {
  private heldCr = false;

  feed(chunk: string): string {
    let text = (this.heldCr ? '\r' : '') + chunk;
    this.heldCr = text.endsWith('\r');
    if (this.heldCr) text = text.slice(0, -1);
    return text.replace(/\r\n/g, '\n');
  }
}
