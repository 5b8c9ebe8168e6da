// Turning a scenario's or the console's machine spec (QEMU-style arguments, or a profile
// file) into a MachineDescription, with the parsers of emulator/machine/description/.

import { isAbsolute, resolve } from 'node:path';
import type { MachineDescription } from '../../emulator/machine/description/types';
import { loadProfile } from '../../emulator/machine/description/profile';
import { parseQemuArgs } from '../../emulator/machine/description/qemu-args';
import type { MachineSpec } from './types';

export type DescriptionResult = { ok: true; value: MachineDescription } | { ok: false; error: string };

/** Profile paths are relative to `baseDir` (the scenario's folder, or the working directory). */
export async function resolveMachine(spec: MachineSpec, baseDir: string, source: string): Promise<DescriptionResult> {
  if (spec.kind === 'args') return safely(() => parseQemuArgs(spec.args, source));
  const path = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
  return safely(() => loadProfile(path));
}

/** The parsers return errors as values; this also keeps a bug in one from escaping as an exception. */
function safely(f: () => DescriptionResult): DescriptionResult {
  try {
    return f();
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
