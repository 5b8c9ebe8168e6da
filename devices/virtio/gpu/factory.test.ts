import { describe, expect, it } from 'vitest';
import { parseSizeBytes, virtioGpuFromProps } from './factory';

describe('virtio-gpu from -device properties', () => {
  it('defaults to one 1024x768 output with EDID and 256 MiB of host memory', () => {
    const r = virtioGpuFromProps({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.device.scanouts.outputs.map((o) => [o.widthPx, o.heightPx])).toEqual([[1024, 768]]);
    expect(r.device.deviceFeatures).toBe(2n);
    expect(r.device.resources.limits.maxHostmemBytes).toBe(256 << 20);
  });

  it('takes xres, yres, max_outputs, edid and max_hostmem as QEMU spells them', () => {
    const r = virtioGpuFromProps({ xres: '1920', yres: '1080', max_outputs: '2', edid: 'off', max_hostmem: '64M' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.device.scanouts.outputs).toHaveLength(2);
    expect(r.device.scanouts.outputs[1]).toMatchObject({ widthPx: 1920, heightPx: 1080 });
    expect(r.device.deviceFeatures).toBe(0n);
    expect(r.device.resources.limits.maxHostmemBytes).toBe(64 << 20);
  });

  it('reports bad properties as errors, never throwing', () => {
    const bad: Array<Record<string, string>> = [{ xres: 'wide' }, { xres: '8' }, { yres: '99999' }, { max_outputs: '17' }, { max_outputs: '0' }, { edid: 'maybe' }, { max_hostmem: '12X' }];
    for (const props of bad) {
      const r = virtioGpuFromProps(props);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^virtio-gpu: /);
    }
    expect(parseSizeBytes('1G')).toBe(1 << 30);
    expect(parseSizeBytes('4096')).toBe(4096);
  });
});
