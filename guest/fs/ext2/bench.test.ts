import { describe, expect, it } from 'vitest';
import { benchExt2Sequential, benchExt2SmallFiles } from './bench';

describe('ext2 benches', () => {
  it('report rates from the clock they are given', () => {
    let t = 0;
    const clock = () => (t += 10);
    const [w, r] = benchExt2Sequential(clock, 1 << 20, 64 * 1024, 1024);
    expect(w).toMatchObject({ wallMs: 10, rate: 100, unit: 'MB/s' });
    expect(r.name).toMatch(/read 1 MiB/);
    expect(benchExt2SmallFiles(clock, 50)).toMatchObject({ wallMs: 10, rate: 10_000, unit: 'ops/s' });
  });
});
