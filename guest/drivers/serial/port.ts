// What the TTY layer needs from a UART driver: transmit bytes, and on the UART's interrupt
// drain the receive FIFO into a callback.

export interface SerialPort {
  /** Device name under /dev, e.g. `ttyAMA0` or `ttyS0`. */
  readonly name: string;
  readonly hwirq: number;
  /** The probe line Linux prints for this port. */
  readonly probeLine: string;
  write(bytes: Uint8Array): void;
  /** Interrupt handler: reads every received byte. Returns how many were read. */
  handleIrq(receive: (byte: number) => void): number;
}
