// 8250/16550A driver (drivers/tty/serial/8250, reduced): 115200 8N1, FIFOs on, the
// received-data interrupt enabled and OUT2 set (which gates the IRQ line on a PC);
// transmit polls LSR.THRE. Registers through port I/O.

import type { Bus } from '../../../emulator/bus/bus';
import type { SerialPort } from './port';

const RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5;
const LCR_DLAB = 0x80, LCR_8N1 = 0x03;
const IER_RDI = 0x01;
const MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT2 = 0x08;
const LSR_DR = 0x01, LSR_THRE = 0x20;
const FCR_ENABLE_CLEAR = 0x07;
const MAX_DRAIN = 4096;
const TX_SPIN_LIMIT = 1000;

export class Uart8250Driver implements SerialPort {
  readonly name = 'ttyS0';
  readonly probeLine: string;

  constructor(
    private readonly bus: Bus,
    private readonly port: number,
    readonly hwirq: number,
  ) {
    this.out(LCR, LCR_DLAB);
    this.out(RBR_THR, 1); // divisor 1: 115200 baud
    this.out(IER, 0);
    this.out(LCR, LCR_8N1);
    this.out(IIR_FCR, FCR_ENABLE_CLEAR);
    this.out(MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    this.in(IIR_FCR);
    this.out(IER, IER_RDI);
    this.probeLine = `00:00: ttyS0 at I/O 0x${port.toString(16)} (irq = ${hwirq}, base_baud = 115200) is a 16550A`;
  }

  write(bytes: Uint8Array): void {
    for (const b of bytes) {
      for (let spin = 0; spin < TX_SPIN_LIMIT && !(this.in(LSR) & LSR_THRE); spin++);
      this.out(RBR_THR, b);
    }
  }

  handleIrq(receive: (byte: number) => void): number {
    let n = 0;
    while (n < MAX_DRAIN && this.in(LSR) & LSR_DR) {
      receive(this.in(RBR_THR));
      n++;
    }
    return n;
  }

  private in(reg: number): number {
    return this.bus.inPort(this.port + reg, 1);
  }

  private out(reg: number, value: number): void {
    this.bus.outPort(this.port + reg, 1, value);
  }
}
