// Test helpers: booting a machine from QEMU arguments (or a profile) with the native userland.

import { parseQemuArgs } from '../../../emulator/machine/description/qemu-args';
import { splitShellWords } from '../../../emulator/machine/description/shell-words';
import type { NativeEntry } from '../../abi/native';
import { bootMachine } from '../../testing/machine';
import { USERLAND_PROGRAMS } from '../../userland/programs';

export function userlandPrograms(): Record<string, NativeEntry> {
  const out: Record<string, NativeEntry> = {};
  for (const p of USERLAND_PROGRAMS) for (const path of p.paths) out[path] = p.main;
  return out;
}

/** Boots q35 with these QEMU arguments and `console=ttyS0 APPEND`, typing `input` at the shell. */
export function bootWith(args: string, append: string, input: string[]) {
  const words = splitShellWords(args);
  if (!words.ok) throw new Error(JSON.stringify(words));
  const parsed = parseQemuArgs(words.value);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return bootMachine({
    type: 'q35', programs: userlandPrograms(), input: input.map((l) => `${l}\n`),
    description: { ...parsed.value, append: `console=ttyS0 ${append}`, memoryBytes: 256 * 1024 * 1024 },
  });
}
