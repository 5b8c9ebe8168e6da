// The guest's display path end to end: a native program fills a 1024x768 frame and hands it to
// /dev/fb0 (write(2): fbdev → guest virtio-gpu driver → TRANSFER_TO_HOST_2D + RESOURCE_FLUSH
// through the control queue → the device's resource), or stores it through a MAP_SHARED
// mapping and msync(2)s. Figures: host frames/s for each way.

import type { SyscallTrap } from '../../guest/abi/native';
import { runInit } from '../../guest/testing/run';
import type { USys } from '../../guest/testing/usys';
import type { BenchCase, BenchFigure } from '../harness';

const AT_FDCWD = -100, O_RDWR = 2, PROT_RW = 3, MAP_SHARED = 1, MAP_PRIVATE_ANON = 0x22, MS_SYNC = 4;
const FRAME_BYTES = 1024 * 768 * 4;

export interface FbBenchResult {
  name: string;
  framesPerSec: number;
  frames: number;
  ok: boolean;
}

function frameOf(i: number): Uint8Array {
  const b = new Uint8Array(FRAME_BYTES);
  new Uint32Array(b.buffer).fill(((i * 0x1f3b) & 0xffffff) >>> 0);
  return b;
}

/** `frames` full-screen frames through write(2) ('write') or a mapping plus msync ('mmap'). */
export function benchFb(nowMs: () => number, how: 'write' | 'mmap', frames: number): FbBenchResult {
  const pictures = [frameOf(1), frameOf(2)];
  let t0 = 0, t1 = 0, ok = false;
  runInit(function* (u: USys): Generator<SyscallTrap, void, number> {
    yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dev'), 0o755);
    yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/dev'), u.cstr('devtmpfs'), 0, 0);
    const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/fb0'), O_RDWR, 0);
    const buf = how === 'write'
      ? yield* u.sys('mmap', 0, FRAME_BYTES, PROT_RW, MAP_PRIVATE_ANON, -1, 0)
      : yield* u.sys('mmap', 0, FRAME_BYTES, PROT_RW, MAP_SHARED, fd, 0);
    let good = fd >= 0 && buf > 0;
    t0 = nowMs();
    for (let i = 0; i < frames && good; i++) {
      good = u.ctx.mem.write(buf, pictures[i % 2]);
      const r = how === 'write' ? yield* u.sys('pwrite64', fd, buf, FRAME_BYTES, 0) : yield* u.sys('msync', buf, FRAME_BYTES, MS_SYNC);
      if (r !== (how === 'write' ? FRAME_BYTES : 0)) good = false;
    }
    t1 = nowMs();
    ok = good;
  }, { type: 'virt', description: { devices: [{ driver: 'virtio-gpu-pci', props: {} }] } });
  return { name: `fb0 ${how}+flush 1024x768`, framesPerSec: (frames * 1000) / Math.max(1e-6, t1 - t0), frames, ok };
}

const nowMs = () => performance.now();

const fb0: BenchCase = {
  name: 'guest-fb0',
  quick: true,
  measure: ({ quick }) =>
    (['write', 'mmap'] as const).map((how): BenchFigure => {
      const r = benchFb(nowMs, how, quick ? 20 : 100);
      if (!r.ok) throw new Error(`${r.name}: the guest's frames did not all go through`);
      return { name: r.name, value: r.framesPerSec, unit: 'frames/s', better: 'higher', note: `${r.frames} frames, ${((r.framesPerSec * FRAME_BYTES) / 1e6).toFixed(0)} MB/s` };
    }),
};

export const guestDisplayCases: BenchCase[] = [fb0];
