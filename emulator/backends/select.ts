// Picking a backend by the name the CLI takes (`--backend sim|qemu`). The QEMU backend is
// imported only when asked for, so a simulator run never loads node-pty's native module.

import type { Backend } from './backend';
import { SimBackend, type SimBackendOptions } from './sim/backend';

export type BackendChoice = { ok: true; backend: Backend } | { ok: false; error: string };

export const BACKEND_NAMES = ['sim', 'qemu'] as const;

export async function selectBackend(name: string, simOptions: SimBackendOptions = {}): Promise<BackendChoice> {
  if (name === 'sim') return { ok: true, backend: new SimBackend(simOptions) };
  if (name === 'qemu') {
    try {
      const { createQemuBackend } = await import('./qemu/backend');
      return { ok: true, backend: createQemuBackend() };
    } catch (e) {
      return { ok: false, error: `backend qemu cannot load: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return { ok: false, error: `unknown backend '${name}' (choose sim or qemu)` };
}
