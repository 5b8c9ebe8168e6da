// ARM PrimeCell UART (PL011), the console of QEMU's `virt` machine at 0x09000000, SPI 1.
// A pure register machine: the transmit sink and the interrupt line are passed in.
// Register offsets and bits follow the PL011 TRM (DDI 0183).

import type { AccessSize, MmioHandler } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';

const DR = 0x00, RSR = 0x04, FR = 0x18, ILPR = 0x20, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c, CR = 0x30;
const IFLS = 0x34, IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44, DMACR = 0x48;
// FR_TXFF (bit 5) never sets: the transmitter drains instantly.
const FR_RXFE = 1 << 4, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7;
const INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6;
const LCR_FEN = 1 << 4;
const FIFO_DEPTH = 16;
/** PrimeCell identification registers at 0xFE0..0xFFC, as QEMU's model answers them. */
const ID_BYTES = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

export interface Pl011State {
  rx: number[];
  lcrH: number;
  cr: number;
  ibrd: number;
  fbrd: number;
  ifls: number;
  imsc: number;
  ris: number;
  ilpr: number;
  dmacr: number;
}

export class Pl011 implements MmioHandler {
  private s: Pl011State = { rx: [], lcrH: 0, cr: 0x300, ibrd: 0, fbrd: 0, ifls: 0x12, imsc: 0, ris: INT_TX, ilpr: 0, dmacr: 0 };

  constructor(
    private readonly tx: (byte: number) => void,
    private readonly irq: IrqLine,
  ) {}

  /** Free receive slots: the host must not push more than this (a real line would overrun). */
  get rxSpace(): number {
    return this.fifoDepth() - this.s.rx.length;
  }

  /** Host side: bytes arriving on the line. Returns how many were accepted. */
  receive(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.rxSpace);
    for (let i = 0; i < n; i++) this.s.rx.push(bytes[i]);
    if (n > 0) {
      this.s.ris |= INT_RX | INT_RT;
      this.update();
    }
    return n;
  }

  read(offset: number, _size: AccessSize): number {
    switch (offset) {
      case DR: {
        const b = this.s.rx.shift();
        if (this.s.rx.length === 0) this.s.ris &= ~(INT_RX | INT_RT);
        this.update();
        return b ?? 0;
      }
      case RSR: return 0;
      case FR: {
        let fr = FR_TXFE;
        if (this.s.rx.length === 0) fr |= FR_RXFE;
        if (this.s.rx.length >= this.fifoDepth()) fr |= FR_RXFF;
        return fr;
      }
      case ILPR: return this.s.ilpr;
      case IBRD: return this.s.ibrd;
      case FBRD: return this.s.fbrd;
      case LCR_H: return this.s.lcrH;
      case CR: return this.s.cr;
      case IFLS: return this.s.ifls;
      case IMSC: return this.s.imsc;
      case RIS: return this.s.ris;
      case MIS: return this.s.ris & this.s.imsc;
      case DMACR: return this.s.dmacr;
      default:
        if (offset >= 0xfe0 && offset < 0x1000) return ID_BYTES[(offset - 0xfe0) >> 2];
        return 0;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    switch (offset) {
      case DR:
        // The transmitter drains instantly, so TX stays "FIFO below level" (raised).
        this.tx(value & 0xff);
        this.s.ris |= INT_TX;
        break;
      case RSR: break;
      case ILPR: this.s.ilpr = value & 0xff; break;
      case IBRD: this.s.ibrd = value & 0xffff; break;
      case FBRD: this.s.fbrd = value & 0x3f; break;
      case LCR_H:
        if ((value ^ this.s.lcrH) & LCR_FEN) this.s.rx.length = Math.min(this.s.rx.length, 1);
        this.s.lcrH = value & 0xff;
        break;
      case CR: this.s.cr = value & 0xffff; break;
      case IFLS: this.s.ifls = value & 0x3f; break;
      case IMSC: this.s.imsc = value & 0x7ff; break;
      case ICR: this.s.ris &= ~value; break;
      case DMACR: this.s.dmacr = value & 7; break;
      default: break;
    }
    this.update();
  }

  save(): Pl011State {
    return { ...this.s, rx: [...this.s.rx] };
  }

  restore(state: Pl011State): void {
    this.s = { ...state, rx: [...state.rx] };
    this.update();
  }

  private fifoDepth(): number {
    return this.s.lcrH & LCR_FEN ? FIFO_DEPTH : 1;
  }

  private update(): void {
    this.irq.set((this.s.ris & this.s.imsc) !== 0);
  }
}
