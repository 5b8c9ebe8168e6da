// The contract between a machine and the software that runs on it. The guest kernel
// (guest/) implements it; the machine calls it and nothing else. The kernel in turn
// touches the machine only as real kernel code would: bus accesses (MMIO, port I/O, PCI
// config), DMA through guest RAM, the interrupt controller's registers, and the clock.

import type { Machine } from './machine';

export interface Guest {
  /** Power-on: the machine is built and RAM is empty. Print the boot log, start PID 1. */
  boot(machine: Machine): void;
  /**
   * Run guest work (interrupt handlers first, then runnable tasks) without passing
   * `limitNs` of virtual time; the guest advances `machine.scheduler` itself as it
   * consumes time. Returns false when nothing was runnable (every task is blocked).
   */
  runSlice(limitNs: number): boolean;
  /** True while some task is blocked reading the console: the moment to feed piped input. */
  wantsConsoleInput(): boolean;
  /** Plain-data state for snapshots; undefined when the guest cannot serialise itself. */
  save?(): unknown;
}

export type GuestFactory = (machine: Machine) => Guest;
