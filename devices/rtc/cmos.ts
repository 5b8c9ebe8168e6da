// The MC146818 CMOS real-time clock of PC machines (q35: I/O ports 0x70 index, 0x71 data; IRQ 8),
// as QEMU's mc146818rtc presents it: time and date in BCD (register B DM=0) and 24-hour mode
// (register B bit 1) by default, the century at 0x32, register D's VRT bit set, register A's
// 32.768 kHz divider. The guest may set the clock (SET bit in register B, then the time
// registers); the new time runs on from there. Time comes from a clock function.

import type { MmioHandler } from '../../emulator/bus/bus';
import { civilFromDays, daysFromCivil } from '../../emulator/time/civil-date';

const SEC = 0x00, MIN = 0x02, HOUR = 0x04, WDAY = 0x06, MDAY = 0x07, MONTH = 0x08, YEAR = 0x09;
const REG_A = 0x0a, REG_B = 0x0b, REG_C = 0x0c, REG_D = 0x0d, CENTURY = 0x32;
const B_SET = 0x80, B_DM_BINARY = 0x04, B_24H = 0x02;
const NVRAM_BYTES = 128;

export interface CmosState {
  index: number;
  offsetS: number;
  ram: number[];
}

export class CmosRtc implements MmioHandler {
  private index = 0;
  private offsetS = 0;
  private readonly ram = new Uint8Array(NVRAM_BYTES);
  /** While SET is on, the time the guest is writing (seconds since the epoch). */
  private pending: number | undefined;

  constructor(private readonly nowSeconds: () => number) {
    this.ram[REG_A] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate
    this.ram[REG_B] = B_24H;
    this.ram[REG_D] = 0x80; // VRT: the battery is good
  }

  private time(): number {
    return this.pending ?? this.nowSeconds() + this.offsetS;
  }

  read(offset: number, _size: number): number {
    if (offset === 0) return this.index; // QEMU reads the index port back as 0xff; Linux never does
    if (offset !== 1) return 0xff;
    const r = this.index;
    if (r === REG_C) {
      const c = this.ram[REG_C];
      this.ram[REG_C] = 0; // reading C acknowledges the interrupt flags
      return c;
    }
    const field = this.timeField(r, this.time());
    return field ?? this.ram[r];
  }

  write(offset: number, _size: number, value: number): void {
    const v = value & 0xff;
    if (offset === 0) {
      this.index = v & 0x7f; // bit 7 is the NMI mask
      return;
    }
    if (offset !== 1) return;
    const r = this.index;
    if (r === REG_B) {
      if (v & B_SET && !(this.ram[REG_B] & B_SET)) this.pending = this.time();
      if (!(v & B_SET) && this.ram[REG_B] & B_SET && this.pending !== undefined) {
        this.offsetS = this.pending - this.nowSeconds();
        this.pending = undefined;
      }
      this.ram[REG_B] = v;
      return;
    }
    if (r === REG_C || r === REG_D) return; // read-only
    if (this.timeField(r, 0) !== undefined) {
      this.setField(r, this.fromReg(v));
      return;
    }
    this.ram[r] = v;
  }

  private toReg(n: number): number {
    return this.ram[REG_B] & B_DM_BINARY ? n : ((Math.floor(n / 10) << 4) | (n % 10));
  }

  private fromReg(v: number): number {
    return this.ram[REG_B] & B_DM_BINARY ? v : (v >> 4) * 10 + (v & 0xf);
  }

  /** The register's value for time `t`, or undefined for a non-time register. */
  private timeField(r: number, t: number): number | undefined {
    const days = Math.floor(t / 86400), sec = t - days * 86400;
    const { year, month, day } = civilFromDays(days);
    const hour = Math.floor(sec / 3600);
    switch (r) {
      case SEC: return this.toReg(sec % 60);
      case MIN: return this.toReg(Math.floor(sec / 60) % 60);
      case HOUR: {
        if (this.ram[REG_B] & B_24H) return this.toReg(hour);
        const h12 = hour % 12 === 0 ? 12 : hour % 12;
        return this.toReg(h12) | (hour >= 12 ? 0x80 : 0);
      }
      case WDAY: return this.toReg(((days % 7) + 11) % 7 + 1); // 1 = Sunday; 1970-01-01 was a Thursday
      case MDAY: return this.toReg(day);
      case MONTH: return this.toReg(month);
      case YEAR: return this.toReg(year % 100);
      case CENTURY: return this.toReg(Math.floor(year / 100));
      default: return undefined;
    }
  }

  /** A time register written (while SET, or not: QEMU applies it either way). */
  private setField(r: number, n: number): void {
    const t = this.time();
    const days = Math.floor(t / 86400);
    let sec = t - days * 86400;
    let { year, month, day } = civilFromDays(days);
    const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, s = sec % 60;
    let hh = h, mm = m, ss = s;
    if (r === SEC) ss = n % 60;
    else if (r === MIN) mm = n % 60;
    else if (r === HOUR) hh = n % 24;
    else if (r === MDAY) day = n;
    else if (r === MONTH) month = n;
    else if (r === YEAR) year = Math.floor(year / 100) * 100 + (n % 100);
    else if (r === CENTURY) year = n * 100 + (year % 100);
    else return; // weekday follows from the date
    sec = hh * 3600 + mm * 60 + ss;
    const next = daysFromCivil(year, Math.min(12, Math.max(1, month)), Math.min(31, Math.max(1, day))) * 86400 + sec;
    if (this.pending !== undefined) this.pending = next;
    else this.offsetS = next - this.nowSeconds();
  }

  save(): CmosState {
    return { index: this.index, offsetS: this.offsetS, ram: [...this.ram] };
  }

  restore(s: CmosState): void {
    this.index = s.index;
    this.offsetS = s.offsetS;
    this.ram.set(s.ram.slice(0, NVRAM_BYTES));
  }
}
