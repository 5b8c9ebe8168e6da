// How native TypeScript programs trap into the guest kernel. A native program is a
// generator: each `yield` is one system call (the SVC/SYSCALL instruction of an ELF
// binary), carrying the same syscall number and register arguments an ELF program would
// pass, and receiving the same return value (>= 0, or -errno). Pointers point into the
// process's own address space, which the program reads and writes through `mem` exactly as
// compiled code loads and stores. So ELF and native programs share one syscall table.

/** One system call: asm-generic (aarch64) number and up to six register arguments. */
export interface SyscallTrap {
  nr: number;
  /** Register values x0..x5. Numbers are exact up to 2^53, enough for user pointers and sizes. */
  args: number[];
  /**
   * For `clone`: the child's entry, as glibc's clone(fn, ...) takes one. A native child
   * cannot resume its parent's continuation, so it starts here, in a copy of the parent's
   * address space (or the same one with CLONE_VM), and must end in execve or exit.
   */
  childEntry?: NativeEntry;
}

/** Yields traps, receives each call's result, returns the exit status. */
export type NativeProgram = Generator<SyscallTrap, number, number>;

export interface NativeContext {
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  /** The process's user memory, as its loads and stores see it. */
  readonly mem: UserMemory;
  /**
   * Makes `handler` a signal-handler address to pass to rt_sigaction (added by the kernel
   * helper). The handler runs as a nested program when the signal is delivered; its
   * generator finishing is rt_sigreturn. Optional so other hosts of native programs may omit it.
   */
  readonly signalHandler?: (handler: (sig: number) => NativeProgram) => number;
}

export type NativeEntry = (ctx: NativeContext) => NativeProgram;

/** A process's view of its own address space; an access to unmapped memory returns false / undefined (it would be SIGSEGV). */
export interface UserMemory {
  read(addr: number, lenBytes: number): Uint8Array | undefined;
  write(addr: number, data: Uint8Array): boolean;
}

/** A native program installed in the guest filesystem (as /bin/NAME, or a BusyBox-style applet). */
export interface NativeProgramEntry {
  name: string;
  main: NativeEntry;
}

/**
 * Not a system call: the program's own computation, as many instructions would take. A trap
 * `{ nr: NATIVE_COMPUTE_NR, args: [flops, bytes, threads] }` burns the CPU time the machine's CPU
 * model (its profile's `host-cpu`) gives one of `threads` threads sharing that much work, as user
 * time, preemptibly (the task keeps competing for the CPU until the work is done); the result is 0.
 */
export const NATIVE_COMPUTE_NR = -4096;
