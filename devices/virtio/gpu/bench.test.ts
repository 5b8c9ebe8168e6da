import { describe, expect, it } from 'vitest';
import { benchVirtioGpu } from './bench';

describe('virtio-gpu bench', () => {
  it('moves every frame it reports, timed by the clock it is given', () => {
    let t = 0;
    const clock = () => (t += 10);
    const r = benchVirtioGpu(clock, { widthPx: 64, heightPx: 48, frames: 20, screenshotEvery: 5 });
    expect(r).toMatchObject({ frames: 20, bytes: 20 * 64 * 48 * 4, wallMs: 10 });
    expect(r.framesPerSec).toBeCloseTo(2000);
  });
});
