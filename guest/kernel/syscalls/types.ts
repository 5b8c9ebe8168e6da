// The shape of a syscall handler: it fetches and checks its arguments (we do not trust
// user code) and calls the real code, returning a value, -errno, or a Block.

import type { Kernel } from '../kernel';
import type { Task } from '../task';
import type { SysResult } from '../wait';

export type SyscallHandler = (k: Kernel, t: Task, a: readonly number[]) => SysResult;
export type SyscallAbi = 'generic' | 'x86_64';
export type SupportLevel = 'full' | 'partial' | 'unsupported';

export interface SyscallEntry {
  name: string;
  /** asm-generic number (aarch64, riscv64); undefined for x86-only legacy calls. */
  generic: number | undefined;
  x86_64: number | undefined;
  handler: SyscallHandler | undefined;
  support: SupportLevel;
  note: string;
}
