// What the kernel's interrupt core needs from an interrupt-controller driver: enable a
// hardware line, take the highest pending interrupt (the CPU's acknowledge), complete it.

export interface IrqChip {
  readonly name: string;
  enable(hwirq: number): void;
  /** Acknowledge the highest pending interrupt; undefined when it was spurious. */
  ack(): number | undefined;
  eoi(hwirq: number): void;
}
