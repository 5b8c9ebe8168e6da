import { describe, it, expect } from 'vitest';
import { benchGuestHttp } from './bench';

describe('guest HTTP bench', () => {
  it('measures positive request rates for a few fetches', () => {
    let t = 0;
    const r = benchGuestHttp(() => (t += 5), 3);
    expect(r.requests).toBe(3);
    expect(r.wallRequestsPerSec).toBeGreaterThan(0);
    expect(r.virtualRequestsPerSec).toBeGreaterThan(0);
  }, 60_000);
});
