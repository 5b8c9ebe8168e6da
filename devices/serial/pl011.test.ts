import { describe, expect, it } from 'vitest';
import { Pl011 } from './pl011';

function make() {
  const out: number[] = [];
  const irq: boolean[] = [];
  const uart = new Pl011((b) => out.push(b), { set: (l) => irq.push(l) });
  return { uart, out, irq, level: () => irq[irq.length - 1] ?? false };
}

describe('PL011', () => {
  it('transmits through DR and reports an empty transmit FIFO', () => {
    const { uart, out } = make();
    uart.write(0x00, 4, 0x68);
    uart.write(0x00, 4, 0x169); // only the low 8 bits go on the line
    expect(out).toEqual([0x68, 0x69]);
    expect(uart.read(0x18, 4) & 0x80).toBe(0x80); // TXFE
  });

  it('raises RX when data arrives and the interrupt is unmasked, lowers it when drained', () => {
    const { uart, level } = make();
    uart.write(0x2c, 4, 0x70); // LCR_H: 8 bits, FIFO enabled
    uart.write(0x38, 4, 0x50); // IMSC: RX | RT
    expect(uart.receive(new TextEncoder().encode('ab'))).toBe(2);
    expect(level()).toBe(true);
    expect(uart.read(0x40, 4) & 0x10).toBe(0x10); // MIS RX
    expect(uart.read(0x00, 4)).toBe(0x61);
    expect(uart.read(0x18, 4) & 0x10).toBe(0); // RXFE clear: one byte left
    expect(uart.read(0x00, 4)).toBe(0x62);
    expect(uart.read(0x18, 4) & 0x10).toBe(0x10);
    expect(level()).toBe(false);
  });

  it('accepts one byte at a time without the FIFO, sixteen with it', () => {
    const { uart } = make();
    expect(uart.receive(new Uint8Array(20))).toBe(1);
    uart.read(0, 4);
    uart.write(0x2c, 4, 0x10);
    expect(uart.receive(new Uint8Array(20))).toBe(16);
    expect(uart.read(0x18, 4) & 0x40).toBe(0x40); // RXFF
  });

  it('identifies itself as a PrimeCell UART', () => {
    const { uart } = make();
    const id = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => uart.read(o, 4));
    expect(id).toEqual([0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('snapshots its state', () => {
    const { uart } = make();
    uart.write(0x2c, 4, 0x70);
    uart.receive(new Uint8Array([1, 2, 3]));
    const copy = make();
    copy.uart.restore(uart.save());
    expect([copy.uart.read(0, 4), copy.uart.read(0, 4)]).toEqual([1, 2]);
  });
});
