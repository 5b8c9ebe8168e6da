// Runs a native test body as PID 1 on a fresh machine and returns what it recorded.

import type { SyscallTrap } from '../abi/native';
import type { NativeEntry } from '../abi/native';
import { bootMachine, type BootOptions, type BootResult } from './machine';
import { testInit, type USys } from './usys';

export function runInit(
  body: (u: USys) => Generator<SyscallTrap, void, number>,
  opts: Omit<BootOptions, 'programs'> & { programs?: Record<string, NativeEntry> } = {},
): BootResult {
  return bootMachine({ ...opts, programs: { '/init': testInit(body), ...(opts.programs ?? {}) } });
}
