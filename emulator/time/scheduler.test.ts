import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventScheduler } from './scheduler';

describe('EventScheduler', () => {
  it('fires events in time order and same-time events in insertion order', () => {
    const s = new EventScheduler();
    const log: string[] = [];
    s.schedule(30, () => log.push('c'));
    s.schedule(10, () => log.push('a1'));
    s.schedule(10, () => log.push('a2'));
    s.schedule(20, () => log.push('b'));
    while (s.runNext());
    expect(log).toEqual(['a1', 'a2', 'b', 'c']);
    expect(s.now).toBe(30);
    expect(s.fired).toBe(4);
  });

  it('cancelled events never fire and do not hold the clock', () => {
    const s = new EventScheduler();
    const log: number[] = [];
    const h = s.schedule(5, () => log.push(5));
    s.schedule(7, () => log.push(7));
    s.cancel(h);
    expect(s.nextEventTime()).toBe(7);
    s.runUntil(100);
    expect(log).toEqual([7]);
    expect(s.now).toBe(100);
  });

  it('never moves time backwards: an event in the past fires now', () => {
    const s = new EventScheduler();
    s.runUntil(50);
    let firedAt = -1;
    s.schedule(10, () => (firedAt = s.now));
    s.runNext();
    expect(firedAt).toBe(50);
  });

  it('advanceTo stops at the next pending event', () => {
    const s = new EventScheduler();
    s.schedule(40, () => {});
    s.advanceTo(100);
    expect(s.now).toBe(40);
  });

  it('events scheduled from callbacks keep the ordering rule (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 60 }), (times) => {
        const s = new EventScheduler();
        const fired: Array<[number, number]> = [];
        times.forEach((t, i) => s.schedule(t, () => fired.push([s.now, i])));
        while (s.runNext());
        for (let k = 1; k < fired.length; k++) {
          const [t0, i0] = fired[k - 1];
          const [t1, i1] = fired[k];
          expect(t0 < t1 || (t0 === t1 && i0 < i1)).toBe(true);
        }
        expect(fired.length).toBe(times.length);
      }),
    );
  });

  it('rejects non-finite times (a host bug, not guest input)', () => {
    expect(() => new EventScheduler().schedule(Number.NaN, () => {})).toThrow(/not finite/);
  });
});
