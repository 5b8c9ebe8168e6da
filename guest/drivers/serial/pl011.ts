// PL011 driver (drivers/tty/serial/amba-pl011.c, reduced): FIFOs on, 8N1, receive and
// receive-timeout interrupts unmasked; transmit polls FR.TXFF.

import type { Bus } from '../../../emulator/bus/bus';
import type { SerialPort } from './port';

const DR = 0x00, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c, CR = 0x30, IMSC = 0x38, ICR = 0x44;
const FR_RXFE = 1 << 4, FR_TXFF = 1 << 5;
const LCR_WLEN8 = 3 << 5, LCR_FEN = 1 << 4;
const CR_UARTEN = 1, CR_TXE = 1 << 8, CR_RXE = 1 << 9;
const INT_RX = 1 << 4, INT_RT = 1 << 6;
/** Bound on one interrupt's drain loop, so a babbling device cannot hang the kernel. */
const MAX_DRAIN = 4096;
const TX_SPIN_LIMIT = 1000;

export class Pl011Driver implements SerialPort {
  readonly name = 'ttyAMA0';
  readonly probeLine: string;

  constructor(
    private readonly bus: Bus,
    private readonly base: number,
    readonly hwirq: number,
  ) {
    this.bus.write(base + CR, 4, 0);
    this.bus.write(base + IBRD, 4, 13); // 24 MHz / (16 * 115200)
    this.bus.write(base + FBRD, 4, 1);
    this.bus.write(base + LCR_H, 4, LCR_WLEN8 | LCR_FEN);
    this.bus.write(base + ICR, 4, 0x7ff);
    this.bus.write(base + IMSC, 4, INT_RX | INT_RT);
    this.bus.write(base + CR, 4, CR_UARTEN | CR_TXE | CR_RXE);
    this.probeLine = `${base.toString(16)}.pl011: ttyAMA0 at MMIO 0x${base.toString(16)} (irq = ${hwirq - 20}, base_baud = 0) is a PL011 rev1`;
  }

  write(bytes: Uint8Array): void {
    for (const b of bytes) {
      for (let spin = 0; spin < TX_SPIN_LIMIT && this.bus.read(this.base + FR, 4) & FR_TXFF; spin++);
      this.bus.write(this.base + DR, 4, b);
    }
  }

  handleIrq(receive: (byte: number) => void): number {
    let n = 0;
    while (n < MAX_DRAIN && !(this.bus.read(this.base + FR, 4) & FR_RXFE)) {
      receive(this.bus.read(this.base + DR, 4) & 0xff);
      n++;
    }
    this.bus.write(this.base + ICR, 4, INT_RX | INT_RT);
    return n;
  }
}
