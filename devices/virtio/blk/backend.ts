// Where a virtio-blk disk's bytes live: a host image file (raw format, synchronous node fs
// I/O — this is the host side of the device) or an in-memory buffer. Offsets are bytes.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';

export interface BlockBackend {
  readonly sizeBytes: number;
  readonly readonly: boolean;
  /** Fills `out` from `offsetBytes`; false on a host I/O error. */
  read(offsetBytes: number, out: Uint8Array): boolean;
  write(offsetBytes: number, data: Uint8Array): boolean;
  flush(): boolean;
  close(): void;
}

export class MemoryBackend implements BlockBackend {
  readonly bytes: Uint8Array;

  constructor(
    sizeOrBytes: number | Uint8Array,
    readonly readonly = false,
  ) {
    this.bytes = typeof sizeOrBytes === 'number' ? new Uint8Array(sizeOrBytes) : sizeOrBytes;
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  read(offsetBytes: number, out: Uint8Array): boolean {
    if (offsetBytes < 0 || offsetBytes + out.length > this.bytes.length) return false;
    out.set(this.bytes.subarray(offsetBytes, offsetBytes + out.length));
    return true;
  }

  write(offsetBytes: number, data: Uint8Array): boolean {
    if (this.readonly || offsetBytes < 0 || offsetBytes + data.length > this.bytes.length) return false;
    this.bytes.set(data, offsetBytes);
    return true;
  }

  flush(): boolean {
    return true;
  }

  close(): void {}
}

/** A raw image file. Writes go straight to the file (no host-side cache), so FLUSH only fsyncs. */
export class FileBackend implements BlockBackend {
  private fd: number;
  readonly sizeBytes: number;

  constructor(
    readonly path: string,
    readonly readonly = false,
  ) {
    this.fd = openSync(path, readonly ? 'r' : 'r+');
    this.sizeBytes = fstatSync(this.fd).size;
  }

  read(offsetBytes: number, out: Uint8Array): boolean {
    if (offsetBytes < 0 || offsetBytes + out.length > this.sizeBytes) return false;
    try {
      let done = 0;
      while (done < out.length) {
        const n = readSync(this.fd, out, done, out.length - done, offsetBytes + done);
        if (n <= 0) return false;
        done += n;
      }
      return true;
    } catch {
      return false;
    }
  }

  write(offsetBytes: number, data: Uint8Array): boolean {
    if (this.readonly || offsetBytes < 0 || offsetBytes + data.length > this.sizeBytes) return false;
    try {
      let done = 0;
      while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offsetBytes + done);
      return true;
    } catch {
      return false;
    }
  }

  flush(): boolean {
    if (this.readonly) return true;
    try {
      fsyncSync(this.fd);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
