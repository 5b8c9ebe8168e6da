// The mode-change path of the framebuffer: with a mode list holding a second (smaller) mode, as
// an EDID with standard timings gives, FBIOPUT_VSCREENINFO's work re-creates the resource at the
// new size over the same memory and scans it out; edid-modes reads both kinds of timing.
import { describe, expect, it } from 'vitest';
import { edidBlock } from '../../../devices/virtio/gpu/edid';
import { decodePng } from '../../../devices/virtio/gpu/png-read';
import { runInit } from '../../testing/run';
import { edidModes } from './edid-modes';
import { XRGB8888 } from './fb-structs';
import { backingRuns, Framebuffer } from './framebuffer';
import { displaysOf } from './kernel-fb';

describe('Framebuffer modes', () => {
  it('switches to another listed mode: new resource, same memory, the scanout follows', () => {
    const r = runInit(function* () {}, { type: 'virt', description: { devices: [{ driver: 'virtio-gpu-pci', props: {} }] } });
    const k = r.kernel;
    const [{ gpu }] = displaysOf(k);
    const big = { widthPx: 1024, heightPx: 768, widthMm: 271, heightMm: 203 };
    const small = { widthPx: 800, heightPx: 600, widthMm: 0, heightMm: 0 };
    const fb = Framebuffer.create(gpu, { ram: k.machine.ram, allocFrame: () => k.frames.alloc(), after: () => undefined }, 0, big, [big, small], 10);
    if (typeof fb === 'string') throw new Error(fb);
    const base = { ...fb.varInfo(), timing: [] as number[] };
    expect(fb.setVar({ ...base, xres: 640, yres: 480 })).toBe(-22);
    expect(fb.setVar({ ...base, xres: 800, yres: 600, activate: 2 })).toBe(0); // FB_ACTIVATE_TEST: no change
    expect(fb.widthPx).toBe(1024);
    expect(fb.setVar({ ...base, xres: 800, yres: 600 })).toBe(0);
    expect([fb.widthPx, fb.heightPx, fb.strideBytes, fb.sizeBytes]).toEqual([800, 600, 3200, 1024 * 768 * 4]);
    expect(fb.varInfo()).toMatchObject({ xres: 800, yres: 600, xresVirtual: 800, bitsPerPixel: 32, ...XRGB8888 });
    fb.store(599 * 3200, new Uint8Array(3200).fill(0xff));
    expect(fb.flush()).toBe(0);
    const png = decodePng(r.machine.devices.gpus[0].device.screenshot()!.png);
    expect([png.widthPx, png.heightPx]).toEqual([800, 600]);
    expect([...png.rgb.subarray((599 * 800) * 3, (599 * 800) * 3 + 3)]).toEqual([255, 255, 255]);
  });

  it('EDID modes: the detailed timing first (with its size in mm), then standard timings', () => {
    const b = edidBlock({ widthPx: 1280, heightPx: 800 });
    expect(edidModes(b)).toEqual([{ widthPx: 1280, heightPx: 800, widthMm: 339, heightMm: 212 }]);
    const withStd = b.slice();
    withStd[38] = 800 / 8 - 31; // 800 wide, 4:3
    withStd[39] = 0x40;
    withStd[127] = (withStd[127] - (withStd[38] - 1) - (withStd[39] - 1) + 512) & 0xff;
    expect(edidModes(withStd).map((m) => `${m.widthPx}x${m.heightPx}`)).toEqual(['1280x800', '800x600']);
    expect(edidModes(new Uint8Array(128))).toEqual([]);
  });

  it('coalesces contiguous frames into backing runs', () => {
    expect(backingRuns([0x1000, 0x2000, 0x3000, 0x9000], 4 * 4096 - 100)).toEqual([{ addr: 0x1000, lenBytes: 3 * 4096 }, { addr: 0x9000, lenBytes: 4096 - 100 }]);
  });
});
