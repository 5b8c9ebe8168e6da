import { describe, it, expect } from 'vitest';
import { netStackCases } from './net-stack';

describe('net-stack bench', () => {
  it('measures bulk, faulty bulk and request/response figures in quick mode', async () => {
    const figures = await netStackCases[0].measure({ quick: true });
    expect(figures.map((f) => f.name)).toHaveLength(6);
    for (const f of figures) expect(f.value).toBeGreaterThan(0);
    const virt = figures.find((f) => f.name === 'guest TCP bulk, 1 Gbit/s link (virtual)')!;
    // Cannot beat the line rate (1e9 bit/s = 119.2 MiB/s of frames).
    expect(virt.value).toBeLessThan(119.3);
    expect(virt.value).toBeGreaterThan(50);
  }, 60_000);
});
