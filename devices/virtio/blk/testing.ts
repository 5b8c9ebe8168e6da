// Request builders for virtio-blk tests and benches, on top of the mock driver.

import type { MockBuffer, MockVirtioDriver, UsedElement } from '../testing/mock-driver';
import { emitRequestHeader, emitSegments, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, type DiscardSegment } from './request';

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
