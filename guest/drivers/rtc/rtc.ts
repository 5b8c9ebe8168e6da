// The kernel's RTC drivers, as far as boot needs them: read the hardware clock once and set the
// system clock (CLOCK_REALTIME) from it, with Linux's messages (drivers/rtc/rtc-pl031.c,
// rtc-cmos.c, hctosys). PL031: RTCDR is the seconds counter. CMOS: the time registers, read
// while no update is in progress (register A bit 7), BCD or binary per register B.

import type { Bus } from '../../../emulator/bus/bus';
import { daysFromCivil } from '../../../emulator/time/civil-date';

export const PL031_BASE = 0x0901_0000;
export const CMOS_PORT = 0x70;

/** The PrimeCell ID the AMBA bus matches on: 0x00041031 part, 0xb105f00d cell. */
function pl031Present(bus: Bus): boolean {
  const id = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => bus.read(PL031_BASE + o, 4) & 0xff);
  return id[0] === 0x31 && id[1] === 0x10 && (id[2] & 0x0f) === 0x04 && id[4] === 0x0d && id[5] === 0xf0 && id[6] === 0x05 && id[7] === 0xb1;
}

export function readPl031(bus: Bus): number | undefined {
  return pl031Present(bus) ? bus.read(PL031_BASE, 4) >>> 0 : undefined;
}

function cmosReg(bus: Bus, r: number): number {
  bus.outPort(CMOS_PORT, 1, r);
  return bus.inPort(CMOS_PORT + 1, 1) & 0xff;
}

/** Seconds since the epoch from the CMOS clock, or undefined when no RTC answers (all ones). */
export function readCmos(bus: Bus): number | undefined {
  for (let tries = 0; tries < 1000 && cmosReg(bus, 0x0a) & 0x80; tries++);
  const regD = cmosReg(bus, 0x0d);
  if (regD === 0xff || !(regD & 0x80)) return undefined;
  const b = cmosReg(bus, 0x0b);
  const bin = (v: number) => (b & 0x04 ? v : (v >> 4) * 10 + (v & 0x0f));
  const sec = bin(cmosReg(bus, 0x00)), min = bin(cmosReg(bus, 0x02));
  const rawHour = cmosReg(bus, 0x04);
  let hour = bin(rawHour & 0x7f);
  if (!(b & 0x02)) hour = (hour % 12) + (rawHour & 0x80 ? 12 : 0);
  const day = bin(cmosReg(bus, 0x07)), month = bin(cmosReg(bus, 0x08)), year = bin(cmosReg(bus, 0x09));
  const century = bin(cmosReg(bus, 0x32));
  const fullYear = century >= 19 && century <= 30 ? century * 100 + year : year < 70 ? 2000 + year : 1900 + year;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59) return undefined;
  return daysFromCivil(fullYear, month, day) * 86400 + hour * 3600 + min * 60 + sec;
}

/** "2024-01-01T00:00:00" as hctosys prints it (%ptRs). */
export function isoSeconds(s: number): string {
  const days = Math.floor(s / 86400), rest = s - days * 86400;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  let y = 1970, d = days;
  // Count whole years, then months: dates here are after 1970.
  for (;;) {
    const len = daysFromCivil(y + 1, 1, 1) - daysFromCivil(y, 1, 1);
    if (d < len) break;
    d -= len;
    y++;
  }
  let m = 1;
  while (m < 12 && d >= daysFromCivil(y, m + 1, 1) - daysFromCivil(y, m, 1)) {
    d -= daysFromCivil(y, m + 1, 1) - daysFromCivil(y, m, 1);
    m++;
  }
  return `${p(y, 4)}-${p(m)}-${p(d + 1)}T${p(Math.floor(rest / 3600))}:${p(Math.floor(rest / 60) % 60)}:${p(rest % 60)}`;
}
