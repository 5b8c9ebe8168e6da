import { describe, expect, it } from 'vitest';
import { benchVirtioBlk } from './bench';

describe('virtio-blk bench', () => {
  it('moves every byte it reports, timed by the clock it is given', () => {
    let t = 0;
    const clock = () => (t += 5);
    const r = benchVirtioBlk(clock, { requestBytes: 4096, requests: 100, batch: 10, write: true, diskBytes: 1 << 20 });
    expect(r).toMatchObject({ requests: 100, bytes: 409_600, wallMs: 5 });
    expect(r.requestsPerSec).toBeCloseTo(20_000);
  });
});
