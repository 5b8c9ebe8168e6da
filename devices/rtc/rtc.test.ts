import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { civilFromDays, daysFromCivil } from '../../emulator/time/civil-date';
import { CmosRtc } from './cmos';
import { Pl031, type RtcClock } from './pl031';

/** A clock whose time the test sets, with alarms fired when it moves past them. */
function testClock(start: number) {
  let now = start;
  const alarms: Array<{ at: number; fn: () => void; live: boolean }> = [];
  const clock: RtcClock = {
    nowSeconds: () => now,
    at: (at, fn) => {
      const a = { at, fn, live: true };
      alarms.push(a);
      return { cancel: () => void (a.live = false) };
    },
  };
  const advance = (to: number) => {
    now = to;
    for (const a of alarms) if (a.live && a.at <= now) {
      a.live = false;
      a.fn();
    }
  };
  return { clock, advance };
}

describe('calendar', () => {
  it('day numbers agree with Date.UTC both ways', () => {
    fc.assert(fc.property(fc.integer({ min: -600_000, max: 800_000 }), (days) => {
      const d = civilFromDays(days);
      expect(Date.UTC(d.year, d.month - 1, d.day) / 86_400_000).toBe(days);
      expect(daysFromCivil(d.year, d.month, d.day)).toBe(days);
    }));
  });
});

describe('PL031', () => {
  it('counts seconds from the clock, loads through RTCLR, has the PrimeCell ID', () => {
    const { clock, advance } = testClock(1_704_067_200);
    const levels: boolean[] = [];
    const rtc = new Pl031(clock, { set: (l) => void levels.push(l) });
    expect(rtc.read(0x00, 4)).toBe(1_704_067_200);
    advance(1_704_067_205);
    expect(rtc.read(0x00, 4)).toBe(1_704_067_205);
    rtc.write(0x08, 4, 1000);
    expect(rtc.read(0x00, 4)).toBe(1000);
    advance(1_704_067_207);
    expect(rtc.read(0x00, 4)).toBe(1002);
    expect([0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => rtc.read(o, 4))).toEqual([0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    expect(rtc.read(0x0c, 4)).toBe(1);
  });

  it('raises the alarm interrupt when the counter reaches RTCMR, masked by IMSC, cleared by ICR', () => {
    const { clock, advance } = testClock(100);
    let level = false;
    const rtc = new Pl031(clock, { set: (l) => void (level = l) });
    rtc.write(0x04, 4, 110);
    advance(109);
    expect(rtc.read(0x14, 4)).toBe(0);
    advance(110);
    expect([rtc.read(0x14, 4), rtc.read(0x18, 4), level]).toEqual([1, 0, false]);
    rtc.write(0x10, 4, 1);
    expect([rtc.read(0x18, 4), level]).toEqual([1, true]);
    rtc.write(0x1c, 4, 1);
    expect([rtc.read(0x14, 4), level]).toEqual([0, false]);
  });
});

describe('CMOS RTC (MC146818)', () => {
  const bcd = (n: number) => ((Math.floor(n / 10) << 4) | (n % 10));
  const reg = (rtc: CmosRtc, r: number) => {
    rtc.write(0, 1, r);
    return rtc.read(1, 1);
  };
  const set = (rtc: CmosRtc, r: number, v: number) => {
    rtc.write(0, 1, r);
    rtc.write(1, 1, v);
  };

  it('reads the date and time in BCD, 24-hour mode, with the century and a valid-RAM register D', () => {
    let now = Date.UTC(2025, 5, 30, 12, 34, 56) / 1000; // a Monday
    const rtc = new CmosRtc(() => now);
    expect([0, 2, 4, 6, 7, 8, 9, 0x32].map((r) => reg(rtc, r))).toEqual([bcd(56), bcd(34), bcd(12), 2, bcd(30), bcd(6), bcd(25), bcd(20)]);
    expect([reg(rtc, 0x0a), reg(rtc, 0x0b), reg(rtc, 0x0d)]).toEqual([0x26, 0x02, 0x80]);
    now += 65;
    expect([reg(rtc, 0), reg(rtc, 2)]).toEqual([bcd(1), bcd(36)]);
  });

  it('binary and 12-hour modes; setting the clock with SET runs on from the new time', () => {
    let now = Date.UTC(2024, 0, 1, 15, 0, 0) / 1000;
    const rtc = new CmosRtc(() => now);
    set(rtc, 0x0b, 0x04); // binary, 12-hour
    expect(reg(rtc, 4)).toBe(0x80 | 3);
    set(rtc, 0x0b, 0x80 | 0x06); // SET, binary, 24-hour
    set(rtc, 0x09, 30);
    set(rtc, 0x08, 2);
    set(rtc, 0x07, 29);
    set(rtc, 0x04, 23);
    set(rtc, 0x02, 59);
    set(rtc, 0x00, 58);
    set(rtc, 0x0b, 0x06);
    now += 3;
    // 2030-02-29 is not a date: it runs on as March 1st, and 3 s after 23:59:58 is March 2nd.
    expect([9, 8, 7, 4, 2, 0].map((r) => reg(rtc, r))).toEqual([30, 3, 2, 0, 0, 1]);
  });

  it('ignores writes to C and D and keeps NVRAM bytes', () => {
    const rtc = new CmosRtc(() => 0);
    set(rtc, 0x0d, 0);
    set(rtc, 0x40, 0xab);
    expect([reg(rtc, 0x0d), reg(rtc, 0x40)]).toEqual([0x80, 0xab]);
  });
});
