// Virtual time charged for guest work, so runs are deterministic and timing-sensitive
// software sees time pass. Figures are round numbers of the order a 2 GHz core takes.

/** Entry, dispatch and return of one system call. */
export const SYSCALL_COST_NS = 300;
/** The native code a program runs between two system calls. */
export const NATIVE_STEP_COST_NS = 200;
/** A context switch between tasks. */
export const CONTEXT_SWITCH_COST_NS = 1_000;
/** One interrupt: acknowledge, handler, EOI. */
export const IRQ_COST_NS = 2_000;
/** Scheduler time slice (CONFIG_HZ=250 tick). */
export const TIMESLICE_NS = 4_000_000;
/** Per byte copied by read/write on pipes and files (about 4 GB/s). */
export const COPY_NS_PER_KIB = 250;
