// virtio-gpu frame rate through the whole device path: per frame the mock driver sends
// TRANSFER_TO_HOST_2D of the full scanout and RESOURCE_FLUSH through virtio-mmio, and the device
// gathers the framebuffer from guest pages into the host resource. The wall clock is passed in
// (devices/ code never reads one itself); `twinbox bench` supplies the host clock.

import { VirtioGpu } from './device';
import { BYTES_PER_PIXEL, FORMAT } from './formats';
import { RESP } from './protocol';
import { gpuRig } from './testing';

export interface GpuBenchOptions {
  widthPx?: number;
  heightPx?: number;
  frames?: number;
  /** Also encode a PNG screenshot every this many frames (0: never). */
  screenshotEvery?: number;
}

export interface GpuBenchResult {
  name: string;
  frames: number;
  bytes: number;
  wallMs: number;
  framesPerSec: number;
  mbPerSec: number;
}

export function benchVirtioGpu(nowMs: () => number, o: GpuBenchOptions = {}): GpuBenchResult {
  const width = o.widthPx ?? 1024;
  const height = o.heightPx ?? 768;
  const frames = o.frames ?? 200;
  const fbBytes = width * height * BYTES_PER_PIXEL;
  const dev = new VirtioGpu({ outputs: [{ widthPx: width, heightPx: height }] });
  const { gpu } = gpuRig(dev, 4 << 20, Math.ceil(fbBytes / 4096) * 4096);
  const addr = gpu.allocBacking(fbBytes);
  gpu.ram.writeBytes(addr, Uint8Array.from({ length: fbBytes }, (_, i) => i & 0xff));
  // One page-sized scatter entry per page, as Linux's shmem-backed framebuffer gives.
  const entries = Array.from({ length: Math.ceil(fbBytes / 4096) }, (_, i) => ({ addr: addr + i * 4096, len: Math.min(4096, fbBytes - i * 4096) }));
  const full = { x: 0, y: 0, width, height };
  const setup = [gpu.create2d(1, FORMAT.B8G8R8X8_UNORM, width, height), gpu.attach(1, entries), gpu.setScanout(0, 1, full)];
  if (setup.some((r) => r !== RESP.OK_NODATA)) throw new Error(`bench: setup failed (${setup.map((r) => r.toString(16)).join(',')})`);
  const row = new Uint8Array(width * BYTES_PER_PIXEL);
  let failures = 0;
  const start = nowMs();
  for (let f = 0; f < frames; f++) {
    // A moving bar so every frame's content differs.
    gpu.ram.writeBytes(addr + (f % height) * row.length, row.fill(f & 0xff));
    if (gpu.transfer(1, full, 0n) !== RESP.OK_NODATA) failures++;
    if (gpu.flush(1, full) !== RESP.OK_NODATA) failures++;
    if (o.screenshotEvery && (f + 1) % o.screenshotEvery === 0) dev.screenshot();
  }
  const wallMs = Math.max(nowMs() - start, 1e-6);
  if (failures > 0) throw new Error(`bench: ${failures} commands failed`);
  const bytes = frames * fbBytes;
  return {
    name: `virtio-gpu transfer+flush ${width}x${height}${o.screenshotEvery ? ` +png/${o.screenshotEvery}` : ''}`,
    frames, bytes, wallMs,
    framesPerSec: (frames / wallMs) * 1000,
    mbPerSec: (bytes / (1 << 20) / wallMs) * 1000,
  };
}

/** The set `twinbox bench` runs: the frame loop alone, and with a screenshot every 10 frames. */
export function virtioGpuBenchSuite(nowMs: () => number): GpuBenchResult[] {
  return [benchVirtioGpu(nowMs, { frames: 200 }), benchVirtioGpu(nowMs, { frames: 50, screenshotEvery: 10 })];
}
