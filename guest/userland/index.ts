// The native userland: /sbin/init, /bin/sh and the BusyBox-style applets as native
// programs. `installUserland` puts them into a kernel's native-program registry (any
// object with the registry's register(name, main, paths) method).

import type { NativeEntry } from '../abi/native';
import { USERLAND_PROGRAMS } from './programs';
import { USERLAND_FILES } from './rootfs';

export { USERLAND_PROGRAMS } from './programs';
export type { UserlandProgram } from './programs';

export interface ProgramRegistry {
  register(name: string, main: NativeEntry, paths?: string[]): void;
  registerFile?(path: string, content: Uint8Array): void;
}

export function installUserland(registry: ProgramRegistry): void {
  for (const p of USERLAND_PROGRAMS) registry.register(p.name, p.main, p.paths);
  for (const f of USERLAND_FILES) registry.registerFile?.(f.path, new TextEncoder().encode(f.content));
}
