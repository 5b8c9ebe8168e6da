import { describe, expect, it } from 'vitest';
import { benchBlkLatency } from './guest-blk-latency';

describe('guest blk latency bench', () => {
  it('gives the modelled throughput: 64 KiB per (100 us + 131 us)', () => {
    let t = 0;
    const r = benchBlkLatency(() => (t += 1), 1 << 20, 100, 500);
    expect(r.ok).toBe(true);
    // The syscall costs add a little to the device's 231 us per request.
    expect(r.virtualUsPerRequest).toBeGreaterThanOrEqual(231.072);
    expect(r.virtualUsPerRequest).toBeLessThan(260);
  });
});
