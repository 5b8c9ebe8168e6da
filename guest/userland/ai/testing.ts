// Test fixtures for the AI programs: a tiny model (built by `twinbox model make`'s code), and a
// machine booted with the whole native userland plus the AI programs, the model in the initramfs.

import type { NativeEntry } from '../../abi/native';
import type { MachineDescription } from '../../../emulator/machine/description/types';
import { emitCpio } from '../../fs/cpio';
import { bootMachine, type BootResult } from '../../testing/machine';
import { USERLAND_PROGRAMS } from '../programs';
import { makeModel, DEFAULT_SHAPE, type ModelShape } from '../../../tools/model/make';

/** Small enough that the engine's real work costs little wall time. */
export const TINY_SHAPE: ModelShape = { ...DEFAULT_SHAPE, dim: 64, layers: 2, heads: 4, kvHeads: 2, ffnDim: 192, contextLength: 256 };

let cached: Uint8Array | undefined;
export function tinyModel(): Uint8Array {
  cached ??= makeModel(TINY_SHAPE);
  return cached;
}

export interface AiBoot {
  type?: 'virt' | 'q35';
  input: string[];
  files?: Record<string, Uint8Array | string>;
  seed?: number;
  untilNs?: number;
  description?: Partial<MachineDescription>;
}

export function bootAi(opts: AiBoot): BootResult {
  const programs: Record<string, NativeEntry> = {};
  for (const p of USERLAND_PROGRAMS) for (const path of p.paths) programs[path] = p.main;
  const enc = new TextEncoder();
  const files = { '/models/tiny.gguf': tinyModel(), ...(opts.files ?? {}) };
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const initrd = emitCpio([
    ...[...dirs].sort().map((name) => ({ name, mode: 0o40755, data: new Uint8Array(0) })),
    ...Object.entries(files).map(([path, data]) => ({ name: path.slice(1), mode: 0o100644, data: typeof data === 'string' ? enc.encode(data) : data })),
  ]);
  return bootMachine({ type: opts.type, programs, initrd, input: opts.input, seed: opts.seed, untilNs: opts.untilNs, description: opts.description });
}
