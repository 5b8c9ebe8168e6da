// The block layer's device interface as filesystems see it: byte-addressed reads and writes of
// whole blocks, and a sync barrier. Errors are values (-errno), never exceptions. Two simple
// implementations live here: an in-memory disk and a window onto part of another device (a
// partition).

export const EIO = 5;

export interface BlockDevice {
  readonly sizeBytes: number;
  /** Fills `out` from `offsetBytes`; 0 or -errno. */
  read(offsetBytes: number, out: Uint8Array): number;
  /** 0 or -errno. */
  write(offsetBytes: number, data: Uint8Array): number;
  /** Data written so far is durable once this returns 0. */
  sync(): number;
}

export class MemoryBlockDevice implements BlockDevice {
  readonly bytes: Uint8Array;

  constructor(sizeOrBytes: number | Uint8Array) {
    this.bytes = typeof sizeOrBytes === 'number' ? new Uint8Array(sizeOrBytes) : sizeOrBytes;
  }

  get sizeBytes(): number {
    return this.bytes.length;
  }

  read(offsetBytes: number, out: Uint8Array): number {
    if (offsetBytes < 0 || offsetBytes + out.length > this.bytes.length) return -EIO;
    out.set(this.bytes.subarray(offsetBytes, offsetBytes + out.length));
    return 0;
  }

  write(offsetBytes: number, data: Uint8Array): number {
    if (offsetBytes < 0 || offsetBytes + data.length > this.bytes.length) return -EIO;
    this.bytes.set(data, offsetBytes);
    return 0;
  }

  sync(): number {
    return 0;
  }
}

/** `lenBytes` of `inner` starting at `startBytes`, as its own device (a partition). */
export class SliceBlockDevice implements BlockDevice {
  constructor(
    private readonly inner: BlockDevice,
    readonly startBytes: number,
    readonly sizeBytes: number,
  ) {}

  read(offsetBytes: number, out: Uint8Array): number {
    if (offsetBytes < 0 || offsetBytes + out.length > this.sizeBytes) return -EIO;
    return this.inner.read(this.startBytes + offsetBytes, out);
  }

  write(offsetBytes: number, data: Uint8Array): number {
    if (offsetBytes < 0 || offsetBytes + data.length > this.sizeBytes) return -EIO;
    return this.inner.write(this.startBytes + offsetBytes, data);
  }

  sync(): number {
    return this.inner.sync();
  }
}
