// virtio-blk throughput through the whole device path: the mock driver builds chains in guest
// RAM, kicks through the virtio-mmio registers, the device walks the split ring and copies to or
// from an in-memory disk. The wall clock is passed in (devices/ code never reads one itself);
// `twinbox bench` supplies the host clock.

import { F_RING_EVENT_IDX, F_RING_INDIRECT_DESC, F_VERSION_1 } from '../constants';
import { virtioRig } from '../testing/harness';
import { MemoryBackend } from './backend';
import { VirtioBlk } from './device';
import { readRequest, statusOf, writeRequest } from './testing';

export interface BlkBenchOptions {
  /** Bytes per request (a multiple of 512). */
  requestBytes?: number;
  requests?: number;
  /** Requests published per kick. */
  batch?: number;
  write?: boolean;
  indirect?: boolean;
  diskBytes?: number;
}

export interface BlkBenchResult {
  name: string;
  requests: number;
  bytes: number;
  wallMs: number;
  requestsPerSec: number;
  mbPerSec: number;
}

export function benchVirtioBlk(nowMs: () => number, o: BlkBenchOptions = {}): BlkBenchResult {
  const requestBytes = o.requestBytes ?? 4096;
  const requests = o.requests ?? 20_000;
  const batch = Math.min(o.batch ?? 32, 64);
  const diskBytes = o.diskBytes ?? 64 << 20;
  const dev = new VirtioBlk(new MemoryBackend(diskBytes));
  const { driver } = virtioRig(dev, 64 << 20);
  if (!driver.negotiate(F_VERSION_1 | F_RING_EVENT_IDX | F_RING_INDIRECT_DESC)) throw new Error('bench: feature negotiation failed');
  driver.setupQueue(0, 256);
  driver.driverOk();
  const sectorsPerDisk = diskBytes / 512;
  const payload = new Uint8Array(requestBytes).fill(0x5a);
  let done = 0;
  let failures = 0;
  const start = nowMs();
  while (done < requests) {
    const n = Math.min(batch, requests - done);
    for (let i = 0; i < n; i++) {
      const sector = (((done + i) * (requestBytes / 512)) % sectorsPerDisk);
      driver.submit(0, o.write ? writeRequest(sector, payload) : readRequest(sector, requestBytes), { indirect: o.indirect ?? false });
    }
    driver.kick(0);
    for (const e of driver.collect(0)) if (statusOf(e) !== 0) failures++;
    done += n;
  }
  const wallMs = Math.max(nowMs() - start, 1e-6);
  if (failures > 0) throw new Error(`bench: ${failures} requests failed`);
  const bytes = requests * requestBytes;
  return {
    name: `virtio-blk ${o.write ? 'write' : 'read'} ${requestBytes}B x${batch}${o.indirect ? ' indirect' : ''}`,
    requests, bytes, wallMs,
    requestsPerSec: (requests / wallMs) * 1000,
    mbPerSec: (bytes / (1 << 20) / wallMs) * 1000,
  };
}

/** The set `twinbox bench` runs: small random-ish I/O (requests/s) and large sequential I/O (MB/s). */
export function virtioBlkBenchSuite(nowMs: () => number): BlkBenchResult[] {
  return [
    benchVirtioBlk(nowMs, { requestBytes: 4096, requests: 20_000, write: false }),
    benchVirtioBlk(nowMs, { requestBytes: 4096, requests: 20_000, write: true }),
    benchVirtioBlk(nowMs, { requestBytes: 4096, requests: 20_000, write: false, indirect: true }),
    benchVirtioBlk(nowMs, { requestBytes: 128 * 1024, requests: 1024, batch: 16, write: false }),
    benchVirtioBlk(nowMs, { requestBytes: 128 * 1024, requests: 1024, batch: 16, write: true }),
  ];
}
