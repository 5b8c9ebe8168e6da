// UTC calendar arithmetic for timestamps from the kernel (seconds since the epoch): the
// proleptic Gregorian civil date, as gmtime() computes it. Pure, so programs print times
// from the virtual clock without touching any host clock.

import { civilFromDays } from '../../../emulator/time/civil-date';

export interface CivilTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
  /** 1..366 */
  yearDay: number;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function gmtime(epochSec: number): CivilTime {
  const days = Math.floor(epochSec / 86400);
  const secs = epochSec - days * 86400;
  const { year, month, day } = civilFromDays(days);
  const cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
  const yearDay = cumulative[month - 1]! + day + (month > 2 && isLeap(year) ? 1 : 0);
  return {
    year, month, day,
    hour: Math.floor(secs / 3600), minute: Math.floor((secs % 3600) / 60), second: secs % 60,
    weekday: (((days + 4) % 7) + 7) % 7, yearDay,
  };
}

export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const p2 = (n: number): string => String(n).padStart(2, '0');

/** strftime for the conversions BusyBox date and ls use (UTC only). */
export function strftime(fmt: string, epochSec: number, nsec = 0): string {
  const t = gmtime(epochSec);
  return fmt.replace(/%([a-zA-Z%])/g, (all, c: string) => {
    switch (c) {
      case 'Y': return String(t.year);
      case 'y': return p2(t.year % 100);
      case 'm': return p2(t.month);
      case 'd': return p2(t.day);
      case 'e': return String(t.day).padStart(2);
      case 'H': return p2(t.hour);
      case 'M': return p2(t.minute);
      case 'S': return p2(t.second);
      case 'N': return String(nsec).padStart(9, '0');
      case 'j': return String(t.yearDay).padStart(3, '0');
      case 'a': return DAY_NAMES[t.weekday]!;
      case 'b':
      case 'h': return MONTH_NAMES[t.month - 1]!;
      case 's': return String(epochSec);
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case 'T': return `${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`;
      case 'D': return `${p2(t.month)}/${p2(t.day)}/${p2(t.year % 100)}`;
      case 'F': return `${t.year}-${p2(t.month)}-${p2(t.day)}`;
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return all;
    }
  });
}
