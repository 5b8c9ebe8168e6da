import { describe, expect, it } from 'vitest';
import { Uart16550 } from './uart16550';

function make() {
  const out: number[] = [];
  let level = false;
  const uart = new Uart16550((b) => out.push(b), { set: (l) => (level = l) });
  return { uart, out, level: () => level };
}

describe('16550 UART', () => {
  it('transmits through THR and always reports THR empty', () => {
    const { uart, out } = make();
    uart.write(0, 1, 0x41);
    expect(out).toEqual([0x41]);
    expect(uart.read(5, 1) & 0x60).toBe(0x60);
  });

  it('switches offsets 0/1 to the divisor latch under DLAB', () => {
    const { uart, out } = make();
    uart.write(3, 1, 0x83);
    uart.write(0, 1, 0x01);
    uart.write(1, 1, 0x00);
    expect(out).toEqual([]);
    expect(uart.read(0, 1)).toBe(0x01);
    uart.write(3, 1, 0x03);
    expect(uart.read(3, 1)).toBe(0x03);
  });

  it('signals received data through IIR and the interrupt line', () => {
    const { uart, level } = make();
    uart.write(2, 1, 0x07); // FIFO on, clear
    uart.write(1, 1, 0x01); // IER: received data
    uart.receive(new TextEncoder().encode('xy'));
    expect(level()).toBe(true);
    expect(uart.read(2, 1)).toBe(0xc4);
    expect(uart.read(5, 1) & 1).toBe(1);
    expect(uart.read(0, 1)).toBe(0x78);
    expect(uart.read(0, 1)).toBe(0x79);
    expect(uart.read(2, 1)).toBe(0xc1);
    expect(level()).toBe(false);
  });

  it('raises THRI when enabled with an empty holding register; reading IIR clears it', () => {
    const { uart, level } = make();
    uart.write(1, 1, 0x02);
    expect(level()).toBe(true);
    expect(uart.read(2, 1) & 0x0f).toBe(0x02);
    expect(level()).toBe(false);
  });
});
