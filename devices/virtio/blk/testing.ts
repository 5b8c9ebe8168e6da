// Request builders for virtio-blk tests and benches, on top of the mock driver.

import type { MockBuffer, MockVirtioDriver, UsedElement } from '../testing/mock-driver';
import { emitRequestHeader, emitSegments, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, type DiscardSegment } from './request';

export function readRequest(sector: number, lenBytes: number): MockBuffer[] {
  return [{ out: emitRequestHeader({ type: VIRTIO_BLK_T_IN, sector: BigInt(sector) }) }, { inLen: lenBytes }, { inLen: 1 }];
}

export function writeRequest(sector: number, data: Uint8Array): MockBuffer[] {
  return [{ out: emitRequestHeader({ type: VIRTIO_BLK_T_OUT, sector: BigInt(sector) }) }, { out: data }, { inLen: 1 }];
}

export function simpleRequest(type: number, dataInBytes = 0): MockBuffer[] {
  const bufs: MockBuffer[] = [{ out: emitRequestHeader({ type, sector: 0n }) }];
  if (dataInBytes > 0) bufs.push({ inLen: dataInBytes });
  bufs.push({ inLen: 1 });
  return bufs;
}

export function segmentRequest(type: number, segs: DiscardSegment[]): MockBuffer[] {
  return [{ out: emitRequestHeader({ type, sector: 0n }) }, { out: emitSegments(segs) }, { inLen: 1 }];
}

/** The status byte of a completed request (the last byte of its last writable buffer). */
export function statusOf(e: UsedElement): number {
  const last = e.inputs[e.inputs.length - 1];
  return last[last.length - 1];
}

/** Submit one request, kick, and return its completion. */
export function roundTrip(driver: MockVirtioDriver, bufs: MockBuffer[], indirect = false): UsedElement {
  driver.submit(0, bufs, { indirect });
  driver.kick(0);
  const done = driver.collect(0);
  if (done.length !== 1) throw new Error(`expected one completion, got ${done.length}`);
  return done[0];
}

/**
 * A BlockDevice whose reads and writes travel as virtio-blk requests through the mock driver,
 * the transport and the device: the whole storage path below a filesystem, for end-to-end tests.
 */
export class VirtioBlkBlockDevice {
  static readonly MAX_REQUEST_BYTES = 64 * 1024;

  constructor(
    private readonly driver: MockVirtioDriver,
    readonly sizeBytes: number,
  ) {}

  read(offsetBytes: number, out: Uint8Array): number {
    if (offsetBytes % 512 !== 0 || out.length % 512 !== 0) return this.unaligned(offsetBytes, out, null);
    for (let done = 0; done < out.length; ) {
      const n = Math.min(VirtioBlkBlockDevice.MAX_REQUEST_BYTES, out.length - done);
      const r = roundTrip(this.driver, readRequest((offsetBytes + done) / 512, n));
      if (statusOf(r) !== 0) return -5;
      out.set(r.inputs[0], done);
      done += n;
    }
    return 0;
  }

  write(offsetBytes: number, data: Uint8Array): number {
    if (offsetBytes % 512 !== 0 || data.length % 512 !== 0) return this.unaligned(offsetBytes, null, data);
    for (let done = 0; done < data.length; ) {
      const n = Math.min(VirtioBlkBlockDevice.MAX_REQUEST_BYTES, data.length - done);
      if (statusOf(roundTrip(this.driver, writeRequest((offsetBytes + done) / 512, data.subarray(done, done + n)))) !== 0) return -5;
      done += n;
    }
    return 0;
  }

  sync(): number {
    return statusOf(roundTrip(this.driver, simpleRequest(VIRTIO_BLK_T_FLUSH))) === 0 ? 0 : -5;
  }

  /** Sub-sector access (the superblock at byte 1024 is aligned; this covers the rest): read-modify-write. */
  private unaligned(offsetBytes: number, out: Uint8Array | null, data: Uint8Array | null): number {
    const len = (out ?? data)?.length ?? 0;
    const start = Math.floor(offsetBytes / 512) * 512;
    const end = Math.ceil((offsetBytes + len) / 512) * 512;
    const buf = new Uint8Array(end - start);
    const r = this.read(start, buf);
    if (r !== 0) return r;
    if (out) {
      out.set(buf.subarray(offsetBytes - start, offsetBytes - start + len));
      return 0;
    }
    buf.set(data ?? new Uint8Array(0), offsetBytes - start);
    return this.write(start, buf);
  }
}
