// Pure formatting for ls: mode strings, BusyBox's long-listing columns and dates, and the
// multi-column layout used on a terminal (names top-to-bottom, width = longest + 2).

import { strftime } from '../libc/calendar';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFSOCK } from '../libc/numbers';

export function modeString(mode: number): string {
  const t = mode & S_IFMT;
  const type = t === S_IFDIR ? 'd' : t === S_IFLNK ? 'l' : t === S_IFCHR ? 'c' : t === S_IFBLK ? 'b' : t === S_IFIFO ? 'p' : t === S_IFSOCK ? 's' : '-';
  const rwx = (bits: number, special: boolean, ch: string): string =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-');
  return (
    type +
    rwx(mode >> 6, (mode & 0o4000) !== 0, 's') +
    rwx(mode >> 3, (mode & 0o2000) !== 0, 's') +
    rwx(mode, (mode & 0o1000) !== 0, 't')
  );
}

/** "Nov 23 00:45" for times within six months of now, else "Nov 23  2025" (UTC). */
export function lsDate(mtimeSec: number, nowSec: number): string {
  const recent = Math.abs(nowSec - mtimeSec) < (365 / 2) * 86400;
  return strftime(recent ? '%b %e %H:%M' : '%b %e  %Y', mtimeSec);
}

export interface LongEntry {
  mode: number;
  nlink: number;
  owner: string;
  group: string;
  sizeBytes: number;
  rdev: number;
  mtimeSec: number;
  name: string;
  linkTarget?: string;
  /** -h: sizes as BusyBox's make_human_readable_str(size, 1, 0) in a 7-wide column. */
  human?: boolean;
}

/** make_human_readable_str(size, 1, 0): bytes below 1 KiB as is, else one rounded decimal and K/M/G/T. */
export function humanSize(sizeBytes: number): string {
  if (sizeBytes < 1024) return String(sizeBytes);
  const units = 'KMGTPE';
  let val = sizeBytes;
  let frac = 0;
  let u = -1;
  while (val >= 1024 && u < units.length - 1) {
    frac = Math.floor((((val % 1024) * 10) + 512) / 1024);
    val = Math.floor(val / 1024);
    u++;
  }
  if (frac >= 10) {
    val++;
    frac = 0;
  }
  return `${val}.${frac}${units[u]}`;
}

/** One `ls -l` line as BusyBox prints it. */
export function longLine(e: LongEntry, nowSec: number): string {
  const t = e.mode & S_IFMT;
  const size =
    t === S_IFCHR || t === S_IFBLK
      ? `${String(Math.floor(e.rdev / 256) & 0xfff).padStart(4)},${String((e.rdev & 0xff) | (Math.floor(e.rdev / 4096) & 0xfff00)).padStart(4)}`
      : e.human ? humanSize(e.sizeBytes).padStart(7) : String(e.sizeBytes).padStart(9);
  const link = e.linkTarget !== undefined ? ` -> ${e.linkTarget}` : '';
  return `${modeString(e.mode)} ${String(e.nlink).padStart(4)} ${e.owner.slice(0, 8).padEnd(8)} ${e.group.slice(0, 8).padEnd(8)} ${size} ${lsDate(e.mtimeSec, nowSec)} ${e.name}${link}`;
}

/** Column layout: entries down the columns; every cell but a row's last padded to the column width. */
export function columns(cells: readonly string[], terminalWidth: number): string {
  if (cells.length === 0) return '';
  const widthOf = (s: string): number => [...s].length;
  const colWidth = Math.max(...cells.map(widthOf)) + 2;
  const ncols = Math.max(1, Math.floor(terminalWidth / colWidth));
  const nrows = Math.ceil(cells.length / ncols);
  let out = '';
  for (let row = 0; row < nrows; row++) {
    let line = '';
    for (let col = 0; col < ncols; col++) {
      const i = col * nrows + row;
      if (i >= cells.length) continue;
      if (line !== '') line = line.padEnd(col * colWidth);
      line += cells[i];
    }
    out += `${line}\n`;
  }
  return out;
}
