// system1 on a booted machine with a virtio-gpu: the dashboard it draws is read back from the
// device's scanout (the screenshot PNG) and compared, region by region, with the same text
// rendered independently by the font renderer; plus the pure parsers it uses.
import { describe, expect, it } from 'vitest';
import type { NativeEntry } from '../../abi/native';
import type { DeviceSpec } from '../../../emulator/machine/description/types';
import { decodePng, type DecodedPng } from '../../../devices/virtio/gpu/png-read';
import { drawText, getPixel, newCanvas } from '../../drivers/fb/canvas';
import { FONT_HEIGHT_PX, FONT_WIDTH_PX } from '../../drivers/fb/font8x16';
import { emitCpio } from '../../fs/cpio';
import { bootMachine, type BootResult } from '../../testing/machine';
import { USERLAND_PROGRAMS } from '../programs';
import { COLORS, METRICS_PATH, parseMetrics, parseProcStatCores, ROWS, TITLE, VALUE_COL, WAITING } from './system1';

const GPU: DeviceSpec[] = [{ driver: 'virtio-gpu-pci', props: {} }];

function boot(input: string[], metrics?: string, devices = GPU): BootResult {
  const programs: Record<string, NativeEntry> = {};
  for (const p of USERLAND_PROGRAMS) for (const path of p.paths) programs[path] = p.main;
  const entries = metrics === undefined ? [] : [
    { name: 'run', mode: 0o40755, data: new Uint8Array(0) },
    { name: 'run/rayos', mode: 0o40755, data: new Uint8Array(0) },
    { name: METRICS_PATH.slice(1), mode: 0o100644, data: new TextEncoder().encode(metrics) },
  ];
  return bootMachine({ type: 'q35', programs, initrd: emitCpio(entries), input: [...input, 'poweroff\n'], description: { devices } });
}

function screen(r: BootResult): DecodedPng {
  const s = r.machine.devices.gpus[0].device.screenshot();
  if (!s) throw new Error('no screenshot');
  return decodePng(s.png);
}

/** Does the screen show `text` at character cell (col, row) in `fg` on `bg`, pixel for pixel? */
function showsText(p: DecodedPng, col: number, row: number, text: string, fg: number, bg: number): boolean {
  const want = newCanvas(text.length * FONT_WIDTH_PX, FONT_HEIGHT_PX);
  drawText(want, 0, 0, text, fg, bg);
  for (let y = 0; y < FONT_HEIGHT_PX; y++) {
    for (let x = 0; x < want.widthPx; x++) {
      const at = ((row * FONT_HEIGHT_PX + y) * p.widthPx + col * FONT_WIDTH_PX + x) * 3;
      const got = (p.rgb[at] << 16) | (p.rgb[at + 1] << 8) | p.rgb[at + 2];
      if (got !== getPixel(want, x, y)) return false;
    }
  }
  return true;
}

describe('system1, the RayOS dashboard', () => {
  it('shows "waiting for System 2" until the metrics file exists', () => {
    const r = boot(['system1 -n 1\n']);
    expect(r.output).toMatch(/System 1 initialized: \/dev\/fb0 virtio_gpudrmfb 1024x768 32bpp/);
    const p = screen(r);
    expect(showsText(p, 1, ROWS.title, TITLE, 0xffffff, COLORS.title)).toBe(true);
    expect(showsText(p, VALUE_COL, ROWS.model, WAITING, COLORS.warn, COLORS.bg)).toBe(true);
    expect(showsText(p, 1, ROWS.model, 'Active model', COLORS.label, COLORS.bg)).toBe(true);
  });

  it('draws model, tokens/s, memory split and per-core load from /run/rayos/metrics', () => {
    const metrics = 'model=tiny-llama Q8_0\ntokens_per_s=123.45\nms_per_token=8.10\nmem_model_bytes=4194304\nmem_kv_bytes=1048576\n';
    const r = boot(['system1 -n 2 -i 1\n'], metrics);
    const p = screen(r);
    expect(showsText(p, VALUE_COL, ROWS.model, 'tiny-llama Q8_0', COLORS.text, COLORS.bg)).toBe(true);
    expect(showsText(p, VALUE_COL, ROWS.tokens, '123.45', COLORS.text, COLORS.bg)).toBe(true);
    expect(showsText(p, VALUE_COL, ROWS.msPerToken, '8.10', COLORS.text, COLORS.bg)).toBe(true);
    expect(showsText(p, 1, ROWS.memory, 'Memory', COLORS.label, COLORS.bg)).toBe(true);
    expect(showsText(p, VALUE_COL, ROWS.memory, 'model 4.0 MiB  kv 1.0 MiB', COLORS.text, COLORS.bg)).toBe(true);
    // One line per cpuN of /proc/stat (one vCPU here), with a load figure.
    expect(showsText(p, 1, ROWS.cores, 'CPU0', COLORS.label, COLORS.bg)).toBe(true);
    expect(showsText(p, 1, ROWS.cores + 1, 'CPU1', COLORS.label, COLORS.bg)).toBe(false);
    expect(showsText(p, 1, ROWS.model, WAITING, COLORS.warn, COLORS.bg)).toBe(false);
    // The second update changed only what moved (the status line), and the device saw frames.
    expect(r.machine.devices.gpus[0].device.stats().framesByScanout[0]).toBeGreaterThanOrEqual(3);
    expect(showsText(p, 1, p.heightPx / FONT_HEIGHT_PX - 1, 'uptime ', COLORS.text, COLORS.bg)).toBe(true);
  });

  it('is the same picture for the same seed (deterministic)', () => {
    const a = screen(boot(['system1 -n 1\n'], 'model=m\n'));
    const b = screen(boot(['system1 -n 1\n'], 'model=m\n'));
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true);
  });

  it('without a display it says so and fails', () => {
    const r = boot(['system1 -n 1; echo rc=$?\n'], undefined, []);
    expect(r.output).toMatch(/system1: \/dev\/fb0: No such file or directory/);
    expect(r.output).toMatch(/rc=1/);
  });

  it('parses key=value metrics and the cpuN lines of /proc/stat', () => {
    expect([...parseMetrics('a=1\n b = two words \nnoequals\n=x\n')]).toEqual([['a', '1'], ['b', 'two words']]);
    expect(parseProcStatCores('cpu  4 0 2 10 0 0 0 0 0 0\ncpu0 3 0 1 4 1 0 0 0 0 0\ncpu1 1 0 1 6 0 0 0 0 0 0\nintr 5\n')).toEqual([
      { busy: 4, total: 9 }, { busy: 2, total: 8 },
    ]);
  });
});
