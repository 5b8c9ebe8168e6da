import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { gmtime, strftime } from './calendar';

describe('calendar', () => {
  it('formats like BusyBox date (TZ=UTC)', () => {
    expect(strftime('%a %b %e %H:%M:%S %Z %Y', 0)).toBe('Thu Jan  1 00:00:00 UTC 1970');
    expect(strftime('%Y-%m-%d %H:%M:%S %j %a %s', 1700000000)).toBe('2023-11-14 22:13:20 318 Tue 1700000000');
  });

  it('handles leap days and negative times', () => {
    expect(gmtime(951782400)).toMatchObject({ year: 2000, month: 2, day: 29, yearDay: 60 });
    expect(strftime('%F %T', -1)).toBe('1969-12-31 23:59:59');
  });

  it('round-trips day counts through the civil date', () => {
    fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), (days) => {
      const t = gmtime(days * 86400);
      const back = gmtime((days + 1) * 86400);
      const next = t.day + 1 === back.day || back.day === 1;
      expect(next).toBe(true);
    }));
  });
});
