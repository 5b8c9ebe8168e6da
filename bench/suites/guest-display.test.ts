import { describe, expect, it } from 'vitest';
import { benchFb } from './guest-display';

describe('guest fb0 bench', () => {
  it('pushes frames through write(2) and through a mapping + msync', () => {
    let t = 0;
    const clock = () => (t += 1);
    for (const how of ['write', 'mmap'] as const) {
      const r = benchFb(clock, how, 3);
      expect(r.ok).toBe(true);
      expect(r.framesPerSec).toBeGreaterThan(0);
    }
  });
});
