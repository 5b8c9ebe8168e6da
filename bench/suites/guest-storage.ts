// File write + sync through the whole guest stack: a native program writes a file on an ext2
// disk (VFS → ext2 write-back → buffer cache → virtio-blk driver → split ring in guest RAM →
// virtio-mmio → VirtioBlk → the image file on the host) and calls sync(2), then umount.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyscallTrap } from '../../guest/abi/native';
import { MemoryBlockDevice } from '../../guest/block/block-device';
import { mkfsExt2 } from '../../guest/fs/ext2/mkfs';
import { runInit } from '../../guest/testing/run';
import type { USys } from '../../guest/testing/usys';
import type { BenchCase, BenchFigure } from '../harness';

const AT_FDCWD = -100, O_WRONLY = 1, O_CREAT = 0o100, CLOCK_MONOTONIC = 1;

function timespecNs(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, 16);
  return Number(v.getBigInt64(0, true)) * 1e9 + Number(v.getBigInt64(8, true));
}
/** Bytes per write(2): what fits the test toolkit's scratch area with room to spare. */
const CHUNK = 256 << 10;

export interface GuestWriteResult {
  wallMs: number;
  /** CLOCK_MONOTONIC in the guest across the writes and fsync. */
  virtualNs: number;
  mbPerSec: number;
  ok: boolean;
}

/** Writes `sizeBytes` in 256 KiB writes, sync(2)s and unmounts; times the write+sync part. */
export function benchGuestFileWrite(nowMs: () => number, sizeBytes: number): GuestWriteResult {
  const dir = mkdtempSync(join(tmpdir(), 'twinbox-bench-storage-'));
  const path = join(dir, 'disk.img');
  const img = new MemoryBlockDevice(sizeBytes * 2 + (32 << 20));
  mkfsExt2(img, { blockSizeBytes: 4096, nowSec: 1_704_067_200 });
  writeFileSync(path, img.bytes);
  let t0 = 0, t1 = 0, v0 = 0, v1 = 0;
  let ok = false;
  const r = runInit(function* (u: USys): Generator<SyscallTrap, void, number> {
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dev'), 0o755);
    yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/dev'), u.cstr('devtmpfs'), 0, 0);
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/mnt'), 0o755);
    let good = (yield* u.sys('mount', u.cstr('/dev/vda'), u.cstr('/mnt'), u.cstr('ext2'), 0, 0)) === 0;
    const buf = u.alloc(CHUNK);
    const ts = u.alloc(16);
    const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/mnt/big'), O_WRONLY | O_CREAT, 0o644);
    t0 = nowMs();
    yield* u.sys('clock_gettime', CLOCK_MONOTONIC, ts);
    v0 = timespecNs(u.read(ts, 16));
    for (let done = 0; done < sizeBytes; done += CHUNK) if ((yield* u.sys('write', fd, buf, CHUNK)) !== CHUNK) good = false;
    if ((yield* u.sys('fsync', fd)) !== 0) good = false;
    t1 = nowMs();
    yield* u.sys('clock_gettime', CLOCK_MONOTONIC, ts);
    v1 = timespecNs(u.read(ts, 16));
    yield* u.sys('close', fd);
    if ((yield* u.sys('umount2', u.cstr('/mnt'), 0)) !== 0) good = false;
    ok = good;
  }, {
    type: 'virt',
    description: {
      memoryBytes: 512 << 20,
      drives: [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: false, props: {} }],
      devices: [{ driver: 'virtio-blk-device', props: { drive: 'd0' } }],
    },
  });
  const virtualNs = v1 - v0;
  r.machine.powerOff();
  rmSync(dir, { recursive: true, force: true });
  const wallMs = t1 - t0;
  return { wallMs, virtualNs, mbPerSec: sizeBytes / (1 << 20) / (wallMs / 1000), ok };
}

export const guestStorageCases: BenchCase[] = [{
  name: 'guest-storage',
  quick: true,
  measure: ({ quick }) => {
    const size = quick ? 8 << 20 : 64 << 20;
    const r = benchGuestFileWrite(() => performance.now(), size);
    const figures: BenchFigure[] = [{
      name: `guest file write+sync ${size >> 20} MiB (native → VFS → ext2 → block layer → virtio-blk → file)`,
      value: r.ok ? r.mbPerSec : 0, unit: 'MB/s', better: 'higher', note: r.ok ? `wall ${r.wallMs.toFixed(0)} ms` : 'failed',
    }, {
      name: `guest file write+sync ${size >> 20} MiB, virtual time`, value: r.virtualNs / 1e6, unit: 'ms', better: 'lower',
      note: 'syscall and copy costs only: device I/O takes no virtual time yet',
    }];
    return figures;
  },
}];
