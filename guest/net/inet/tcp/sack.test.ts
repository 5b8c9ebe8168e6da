import { describe, it, expect } from 'vitest';
import { SackScoreboard } from './sack';

describe('SackScoreboard', () => {
  it('merges blocks, ignores ones outside (sndUna, sndMax], and prunes by the cumulative ACK', () => {
    const s = new SackScoreboard();
    s.note([{ left: 300, right: 400 }, { left: 100, right: 200 }, { left: 350, right: 500 }, { left: 50, right: 90 }, { left: 900, right: 1200 }], 90, 1000);
    expect([s.top(0), s.totalBytes()]).toEqual([500, 300]);
    expect(s.firstHoleFrom(90)).toBe(90);
    expect(s.firstHoleFrom(100)).toBe(200);
    expect(s.untilNext(200)).toBe(100);
    expect(s.rangeEndAt(320)).toBe(500);
    expect(s.rangeEndAt(250)).toBeNull();
    expect(s.bytesBelow(350)).toBe(150);
    s.prune(150);
    expect([s.bytesBelow(1000), s.firstHoleFrom(150)]).toEqual([250, 200]);
    s.prune(600);
    expect(s.isEmpty).toBe(true);
  });

  it('works across the 2^32 wrap', () => {
    const s = new SackScoreboard();
    s.note([{ left: 0xfffffff0, right: 0x10 }], 0xffffff00, 0x100);
    expect([s.totalBytes(), s.firstHoleFrom(0xffffff00), s.top(0)]).toEqual([0x20, 0xffffff00, 0x10]);
    expect(s.firstHoleFrom(0xfffffff0)).toBe(0x10);
  });
});
