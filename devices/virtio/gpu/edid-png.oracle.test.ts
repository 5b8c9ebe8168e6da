// Real tools judge what the device emits: edid-decode's conformity check (-c) for the EDID
// blocks of several scanout sizes, and pngcheck for a screenshot of a real 2D session.
// Debian packages: edid-decode, pngcheck.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtioGpu } from './device';
import { edidBlock } from './edid';
import { FORMAT } from './formats';
import { RESP } from './protocol';
import { gpuRig } from './testing';

function withTemp<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'twinbox-gpu-'));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('virtio-gpu against edid-decode and pngcheck', () => {
  it.each([[640, 480], [1024, 768], [1280, 800], [1920, 1080], [3840, 2400]])('edid-decode -c passes the EDID for %ix%i and reads back the mode', (w, h) => {
    withTemp((dir) => {
      const file = join(dir, 'edid.bin');
      writeFileSync(file, edidBlock({ widthPx: w, heightPx: h }));
      const out = execFileSync('edid-decode', ['-c', file], { encoding: 'utf8' });
      expect(out).toContain('EDID conformity: PASS');
      expect(out).toMatch(new RegExp(`DTD 1:\\s+${w}x${h}\\s+(59\\.99|60\\.00)`));
      expect(out).toContain('Manufacturer: RHT');
    });
  });

  it('pngcheck accepts a screenshot of a transferred framebuffer', () => {
    const { gpu, dev } = gpuRig(new VirtioGpu({ outputs: [{ widthPx: 320, heightPx: 200 }] }));
    const bytes = 320 * 200 * 4;
    const addr = gpu.allocBacking(bytes);
    gpu.ram.writeBytes(addr, Uint8Array.from({ length: bytes }, (_, i) => (i * 7) & 0xff));
    expect(gpu.create2d(1, FORMAT.X8R8G8B8_UNORM, 320, 200)).toBe(RESP.OK_NODATA);
    expect(gpu.attach(1, [{ addr, len: bytes }])).toBe(RESP.OK_NODATA);
    expect(gpu.transfer(1, { x: 0, y: 0, width: 320, height: 200 }, 0n)).toBe(RESP.OK_NODATA);
    expect(gpu.setScanout(0, 1, { x: 0, y: 0, width: 320, height: 200 })).toBe(RESP.OK_NODATA);
    withTemp((dir) => {
      const file = join(dir, 'shot.png');
      writeFileSync(file, dev.screenshot()?.png ?? new Uint8Array());
      const out = execFileSync('pngcheck', ['-v', file], { encoding: 'utf8' });
      expect(out).toContain('320 x 200 image, 24-bit RGB, non-interlaced');
      expect(out).toMatch(/No errors detected/);
    });
  });
});
