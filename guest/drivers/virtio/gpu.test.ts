// The guest's virtio-gpu driver against the device model: what it reads and the device's
// error answers turned into errnos.
import { describe, expect, it } from 'vitest';
import { runInit } from '../../testing/run';
import { displaysOf } from '../fb/kernel-fb';
import { edidModes } from '../fb/edid-modes';

describe('VirtioGpuDriver', () => {
  it('reads display info and EDID; device errors come back as -errno', () => {
    const r = runInit(function* () {}, { type: 'q35', description: { devices: [{ driver: 'virtio-gpu-pci', props: { xres: '800', yres: '600' } }] } });
    const [d] = displaysOf(r.kernel);
    const gpu = d.gpu;
    expect([gpu.numScanouts, gpu.numCapsets, gpu.hasEdid]).toEqual([1, 0, true]);
    expect(gpu.displayInfo()).toEqual([{ rect: { x: 0, y: 0, width: 800, height: 600 }, enabled: true }]);
    const edid = gpu.edid(0);
    expect(edid instanceof Uint8Array && edidModes(edid)[0]).toMatchObject({ widthPx: 800, heightPx: 600 });
    expect([d.fb.widthPx, d.fb.heightPx, d.fb.strideBytes]).toEqual([800, 600, 3200]);
    const before = gpu.errors;
    expect(gpu.flush(77, { x: 0, y: 0, width: 16, height: 16 })).toBe(-22); // no such resource
    expect(gpu.setScanout(5, 1, { x: 0, y: 0, width: 16, height: 16 })).toBe(-22); // no such scanout
    expect(gpu.createResource2d(1, 2, 64, 64)).toBe(-22); // id in use
    expect(gpu.edid(3)).toBe(-22);
    expect(gpu.errors - before).toBe(4);
    expect(gpu.transferToHost2d(1, { x: 0, y: 0, width: 800, height: 600 }, 0)).toBe(0);
  });
});
