// 16550A UART, the console of QEMU's `q35` machine at I/O port 0x3F8, ISA IRQ 4.
// A pure register machine over an 8-register window; DLAB (LCR bit 7) switches
// offsets 0 and 1 to the divisor latch. Bits follow the National PC16550D datasheet.

import type { AccessSize, MmioHandler } from '../../emulator/bus/bus';
import type { IrqLine } from '../../emulator/bus/irq';

const IER_RDI = 1, IER_THRI = 2;
const LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const IIR_NONE = 0x01, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_FIFO = 0xc0;
const FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02;
const LCR_DLAB = 0x80;
const FIFO_DEPTH = 16;

export interface Uart16550State {
  rx: number[];
  ier: number;
  lcr: number;
  mcr: number;
  scr: number;
  fcr: number;
  dll: number;
  dlm: number;
  /** THR-empty interrupt pending (cleared by reading IIR or writing THR). */
  thriPending: boolean;
}

export class Uart16550 implements MmioHandler {
  private s: Uart16550State = { rx: [], ier: 0, lcr: 0, mcr: 0, scr: 0, fcr: 0, dll: 0x0c, dlm: 0, thriPending: false };

  constructor(
    private readonly tx: (byte: number) => void,
    private readonly irq: IrqLine,
  ) {}

  get rxSpace(): number {
    return (this.s.fcr & FCR_ENABLE ? FIFO_DEPTH : 1) - this.s.rx.length;
  }

  receive(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, this.rxSpace);
    for (let i = 0; i < n; i++) this.s.rx.push(bytes[i]);
    if (n > 0) this.update();
    return n;
  }

  read(offset: number, _size: AccessSize): number {
    const dlab = (this.s.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case 0: {
        if (dlab) return this.s.dll;
        const b = this.s.rx.shift() ?? 0;
        this.update();
        return b;
      }
      case 1: return dlab ? this.s.dlm : this.s.ier;
      case 2: {
        const iir = this.iir();
        if (iir === IIR_THRI) this.s.thriPending = false;
        this.update();
        return iir | (this.s.fcr & FCR_ENABLE ? IIR_FIFO : 0);
      }
      case 3: return this.s.lcr;
      case 4: return this.s.mcr;
      case 5: return (this.s.rx.length > 0 ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
      case 6: return 0xb0; // DCD, DSR, CTS asserted: a connected terminal
      case 7: return this.s.scr;
      default: return 0xff;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    const dlab = (this.s.lcr & LCR_DLAB) !== 0;
    value &= 0xff;
    switch (offset) {
      case 0:
        if (dlab) this.s.dll = value;
        else {
          this.tx(value);
          this.s.thriPending = true;
        }
        break;
      case 1:
        if (dlab) this.s.dlm = value;
        else {
          // Enabling THRI while the holding register is empty raises it at once.
          if (value & IER_THRI && !(this.s.ier & IER_THRI)) this.s.thriPending = true;
          this.s.ier = value & 0x0f;
        }
        break;
      case 2:
        if (value & FCR_CLEAR_RX) this.s.rx.length = 0;
        this.s.fcr = value & 0xc9;
        break;
      case 3: this.s.lcr = value; break;
      case 4: this.s.mcr = value & 0x1f; break;
      case 7: this.s.scr = value; break;
      default: break;
    }
    this.update();
  }

  save(): Uart16550State {
    return { ...this.s, rx: [...this.s.rx] };
  }

  restore(state: Uart16550State): void {
    this.s = { ...state, rx: [...state.rx] };
    this.update();
  }

  private iir(): number {
    if (this.s.ier & IER_RDI && this.s.rx.length > 0) return IIR_RDI;
    if (this.s.ier & IER_THRI && this.s.thriPending) return IIR_THRI;
    return IIR_NONE;
  }

  private update(): void {
    this.irq.set(this.iir() !== IIR_NONE);
  }
}
