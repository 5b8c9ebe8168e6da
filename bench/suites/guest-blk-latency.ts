// virtio-blk with a service-time model (x-latency-us, x-bandwidth-mbps): a guest program reads
// 4 MiB of /dev/vda in 64 KiB reads. Figures: the guest-visible throughput in virtual time (what
// the model gives), its per-request latency, and the host's wall-clock MB/s for the same run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyscallTrap } from '../../guest/abi/native';
import { runInit } from '../../guest/testing/run';
import type { USys } from '../../guest/testing/usys';
import type { BenchCase, BenchFigure } from '../harness';

const AT_FDCWD = -100, O_RDONLY = 0, CLOCK_MONOTONIC = 1, CHUNK = 64 * 1024;

export interface BlkLatencyResult {
  virtualMbPerSec: number;
  virtualUsPerRequest: number;
  hostMbPerSec: number;
  ok: boolean;
}

export function benchBlkLatency(nowMs: () => number, sizeBytes: number, latencyUs: number, bandwidthMbps: number): BlkLatencyResult {
  const dir = mkdtempSync(join(tmpdir(), 'twinbox-bench-blklat-'));
  const path = join(dir, 'disk.img');
  writeFileSync(path, new Uint8Array(sizeBytes + CHUNK));
  let virtualNs = 0, wallMs = 0, ok = false;
  runInit(function* (u: USys): Generator<SyscallTrap, void, number> {
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dev'), 0o755);
    yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/dev'), u.cstr('devtmpfs'), 0, 0);
    const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vda'), O_RDONLY, 0);
    const buf = u.alloc(CHUNK), ts = u.alloc(16);
    // Past the first chunk, which the partition scan at boot left in the cache.
    yield* u.sys('lseek', fd, CHUNK, 0);
    let good = fd >= 0;
    const t0 = nowMs();
    yield* u.sys('clock_gettime', CLOCK_MONOTONIC, ts);
    const v0 = u.u64(ts) * 1e9 + u.u64(ts + 8);
    for (let done = 0; done < sizeBytes; done += CHUNK) if ((yield* u.sys('read', fd, buf, CHUNK)) !== CHUNK) good = false;
    yield* u.sys('clock_gettime', CLOCK_MONOTONIC, ts);
    virtualNs = u.u64(ts) * 1e9 + u.u64(ts + 8) - v0;
    wallMs = nowMs() - t0;
    ok = good;
  }, {
    type: 'virt',
    description: {
      drives: [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: true, props: {} }],
      devices: [{ driver: 'virtio-blk-device', props: { drive: 'd0', 'x-latency-us': String(latencyUs), 'x-bandwidth-mbps': String(bandwidthMbps) } }],
    },
  });
  rmSync(dir, { recursive: true, force: true });
  return {
    virtualMbPerSec: sizeBytes / 1e6 / (virtualNs / 1e9),
    virtualUsPerRequest: virtualNs / 1000 / (sizeBytes / CHUNK),
    hostMbPerSec: sizeBytes / 1e6 / (Math.max(1e-6, wallMs) / 1000),
    ok,
  };
}

const blkLatency: BenchCase = {
  name: 'guest-blk-latency',
  quick: true,
  measure: ({ quick }) => {
    const r = benchBlkLatency(() => performance.now(), (quick ? 4 : 32) << 20, 100, 500);
    if (!r.ok) throw new Error('guest-blk-latency: a read came back short');
    const note = 'virtio-blk-device x-latency-us=100 x-bandwidth-mbps=500, 64 KiB reads';
    return [
      { name: 'blk read, modelled (virtual time)', value: r.virtualMbPerSec, unit: 'MB/s', better: 'higher', note },
      { name: 'blk request latency, modelled (virtual)', value: r.virtualUsPerRequest, unit: 'us', better: 'lower', note: 'model: 100 us + 131 us transfer per 64 KiB' },
      { name: 'blk read with the model, host wall time', value: r.hostMbPerSec, unit: 'MB/s', better: 'higher', note },
    ] satisfies BenchFigure[];
  },
};

export const guestBlkLatencyCases: BenchCase[] = [blkLatency];
