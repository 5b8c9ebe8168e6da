// ARM PrimeCell PL031 real-time clock (ARM DDI 0224), as QEMU's virt machine has it at
// 0x09010000 (SPI 2): a 32-bit seconds counter (RTCDR) that the guest may load (RTCLR), a match
// register (RTCMR) raising the alarm interrupt when the counter reaches it, and the PrimeCell
// ID registers Linux's AMBA bus probes. Time comes from a clock function (virtual time plus
// the machine's epoch), so the counter is deterministic.

import type { MmioHandler } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';

const DR = 0x00, MR = 0x04, LR = 0x08, CR = 0x0c, IMSC = 0x10, RIS = 0x14, MIS = 0x18, ICR = 0x1c;
/** Peripheral ID 0x00141031 then PrimeCell ID 0xb105f00d, one byte per register (QEMU's pl031_id). */
const ID_BYTES = [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export interface RtcClock {
  /** Seconds since the Unix epoch now (whole seconds, the guest's idea of real time). */
  nowSeconds(): number;
  /** Runs `fn` when nowSeconds() reaches `atSeconds`; a handle to cancel. */
  at(atSeconds: number, fn: () => void): { cancel(): void };
}

export interface Pl031State {
  offsetS: number;
  match: number;
  imsc: number;
  ris: number;
}

export class Pl031 implements MmioHandler {
  /** Counter = (nowSeconds + offset) mod 2^32; RTCLR moves the offset. */
  private offsetS = 0;
  private match = 0;
  private imsc = 0;
  private ris = 0;
  private alarm: { cancel(): void } | undefined;

  constructor(
    private readonly clock: RtcClock,
    private readonly irq: IrqLine,
  ) {}

  private counter(): number {
    return (this.clock.nowSeconds() + this.offsetS) >>> 0;
  }

  read(offset: number, size: number): number {
    if (size !== 4) return 0;
    if (offset >= 0xfe0 && offset < 0x1000) return ID_BYTES[(offset - 0xfe0) >> 2];
    switch (offset) {
      case DR: return this.counter();
      case MR: return this.match;
      case LR: return this.counter();
      case CR: return 1; // always started, as QEMU's
      case IMSC: return this.imsc;
      case RIS: return this.ris;
      case MIS: return this.ris & this.imsc;
      default: return 0;
    }
  }

  write(offset: number, size: number, value: number): void {
    if (size !== 4) return;
    const v = value >>> 0;
    switch (offset) {
      case LR:
        this.offsetS = v - this.clock.nowSeconds();
        this.arm();
        break;
      case MR:
        this.match = v;
        this.arm();
        break;
      case IMSC:
        this.imsc = v & 1;
        this.update();
        break;
      case ICR:
        this.ris &= ~v;
        this.update();
        break;
      default:
        break; // CR: the counter cannot be stopped; DR, RIS, MIS are read-only
    }
  }

  private update(): void {
    this.irq.set((this.ris & this.imsc) !== 0);
  }

  /** Schedules the match interrupt at the second the counter reaches RTCMR. */
  private arm(): void {
    this.alarm?.cancel();
    const delta = (this.match - this.counter()) >>> 0;
    this.alarm = this.clock.at(this.clock.nowSeconds() + (delta === 0 ? 0x1_0000_0000 : delta), () => {
      this.alarm = undefined;
      this.ris |= 1;
      this.update();
    });
  }

  save(): Pl031State {
    return { offsetS: this.offsetS, match: this.match, imsc: this.imsc, ris: this.ris };
  }

  restore(s: Pl031State): void {
    Object.assign(this, { offsetS: s.offsetS, match: s.match, imsc: s.imsc, ris: s.ris });
    this.update();
  }
}
