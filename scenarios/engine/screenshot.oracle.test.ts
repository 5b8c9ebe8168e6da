// Screenshots against real tools: the simulator's `screenshot` of system1's dashboard and
// QEMU's QMP screendump (real Linux on q35 with a virtio-gpu-pci) both pass pngcheck, and
// decode to the display's size. Debian packages: pngcheck, qemu-system-x86 (+ `twinbox assets fetch`).

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePng } from '../../devices/virtio/gpu/png-read';
import { selectBackend } from '../../emulator/backends/select';
import { haveAssets } from '../../tools/assets/fetch';
import { parseScenario } from './load';
import { formatFailure, runScenario } from './run-scenario';

const outDir = mkdtempSync(join(tmpdir(), 'twinbox-shot-oracle-'));

const SCENARIO = (extraSteps: string) => `name: shot
machine: -M q35 -m 256M -nographic -device virtio-gpu-pci
timeouts: { expect: 60s, power-off: 30s, wall: 170s }
steps:
  - boot
  - expect: "/ # "
${extraSteps}  - screenshot: screen.png
  - send: poweroff -f
  - power-off
`;

async function shoot(backendName: string, extraSteps: string): Promise<string> {
  const backend = await selectBackend(backendName);
  if (!backend.ok) throw new Error(backend.error);
  const parsed = parseScenario(SCENARIO(extraSteps), `scenarios/shot-${backendName}.yaml`);
  if (!parsed.ok) throw new Error(parsed.error);
  const dir = join(outDir, backendName);
  const r = await runScenario(parsed.scenario, { backend: backend.backend, outDir, screenshotDir: dir });
  expect(formatFailure(r)).toBe('');
  return join(dir, 'screen.png');
}

describe('screenshots are valid PNGs (pngcheck)', () => {
  it('sim: system1 dashboard', async () => {
    const file = await shoot('sim', '  - send: system1 -n 1\n  - expect: "System 1 initialized"\n');
    expect(execFileSync('pngcheck', ['-v', file], { encoding: 'utf8' })).toMatch(/1024 x 768 image, 24-bit RGB, non-interlaced[\s\S]*No errors detected/);
  }, 120_000);

  it('qemu: QMP screendump of real Linux on q35 with virtio-gpu-pci', async () => {
    expect(haveAssets('x86_64'), 'run `twinbox assets fetch` first').toBe(true);
    const file = await shoot('qemu', '');
    expect(execFileSync('pngcheck', [file], { encoding: 'utf8' })).toMatch(/^OK: /);
    const png = decodePng(new Uint8Array(readFileSync(file)));
    expect(png.widthPx).toBeGreaterThan(0);
    expect(png.heightPx).toBeGreaterThan(0);
  }, 180_000);
});
