// The `screenshot` step on the simulator: the guest runs system1 on a virtio-gpu, the step
// writes the scanout as PNG under --screenshot-dir, and the picture holds the dashboard.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimBackend } from '../../emulator/backends/sim/backend';
import { decodePng } from '../../devices/virtio/gpu/png-read';
import { parseScenario } from './load';
import { formatFailure, runScenario } from './run-scenario';

const outDir = mkdtempSync(join(tmpdir(), 'twinbox-shot-'));

function scenario(text: string) {
  const r = parseScenario(text, 'scenarios/shot.yaml');
  if (!r.ok) throw new Error(r.error);
  return r.scenario;
}

const DASHBOARD = `name: dashboard-shot
machine: -M q35 -m 256M -nographic -device virtio-gpu-pci
steps:
  - boot
  - expect: "/ # "
  - screenshot: before.png
  - send: system1 -n 1
  - expect: "System 1 initialized"
  - expect: "/ # "
  - screenshot: { file: dashboard.png, display: 0 }
  - send: poweroff -f
  - power-off
`;

describe('screenshot step', () => {
  it('writes the scanout as PNG under the screenshot dir: black before system1, the dashboard after', async () => {
    const dir = join(outDir, 'shots');
    const r = await runScenario(scenario(DASHBOARD), { backend: new SimBackend(), outDir, screenshotDir: dir });
    expect(formatFailure(r)).toBe('');
    const before = decodePng(new Uint8Array(readFileSync(join(dir, 'before.png'))));
    const after = decodePng(new Uint8Array(readFileSync(join(dir, 'dashboard.png'))));
    expect([after.widthPx, after.heightPx]).toEqual([1024, 768]);
    // The title bar (0x2050a0) is there after, not before (the boot leaves the screen black).
    const px = (p: typeof after, x: number, y: number) => (p.rgb[(y * p.widthPx + x) * 3] << 16) | (p.rgb[(y * p.widthPx + x) * 3 + 1] << 8) | p.rgb[(y * p.widthPx + x) * 3 + 2];
    expect(px(before, 1000, 2)).toBe(0);
    expect(px(after, 1000, 2)).toBe(0x2050a0);
    expect(readFileSync(r.transcriptPath, 'utf8')).toMatch(/### screenshot dashboard\.png \(\d+ bytes\)/);
  });

  it('fails the step with a message on a machine without a display', async () => {
    const r = await runScenario(scenario(DASHBOARD.replace(' -device virtio-gpu-pci', '')), { backend: new SimBackend(), outDir, screenshotDir: join(outDir, 'none') });
    expect(r.passed).toBe(false);
    expect(r.failure?.message).toMatch(/no display 0/);
    expect(existsSync(join(outDir, 'none', 'before.png'))).toBe(false);
  });

  it('refuses file names with directories or without .png when loading', () => {
    for (const bad of ['../x.png', 'a/b.png', 'x.ppm', '.png']) {
      const r = parseScenario(DASHBOARD.replace('before.png', bad), 'scenarios/bad.yaml');
      expect(r.ok).toBe(false);
    }
  });
});
