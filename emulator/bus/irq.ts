// Interrupt lines as a device sees them: a level it raises and lowers. The controller on
// the other end (GIC on virt, IOAPIC on q35) decides what the guest kernel is told.

export interface IrqLine {
  set(level: boolean): void;
}

/** A line wired to nothing: devices without an interrupt use it. */
export const NO_IRQ: IrqLine = { set: () => {} };
