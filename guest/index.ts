// The guest kernel's entry: the GuestFactory a Machine starts, and the registry where
// native programs are installed before boot. The "bootloader" part lives here: it loads
// the -initrd file into the kernel's hands, as QEMU's loader places it in RAM.

import { readFileSync } from 'node:fs';
import type { GuestFactory } from '../emulator/machine/guest';
import { Kernel } from './kernel/kernel';
import { defaultRegistry, type NativeRegistry } from './kernel/native-registry';
import { installUserland } from './userland/index';

export { registerNativeProgram, defaultRegistry, NativeRegistry } from './kernel/native-registry';
export { Kernel } from './kernel/kernel';

export interface GuestOptions {
  registry?: NativeRegistry;
  /** The initramfs bytes; default: the file named by the description's `initrd`. */
  initrd?: Uint8Array;
}

function loadInitrd(path: string | undefined): Uint8Array | undefined {
  if (!path) return undefined;
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    // Reported by the kernel as an unpacking failure; the machine still boots.
    return new TextEncoder().encode(`unreadable initrd file ${path}`);
  }
}

export function createGuestWith(opts: GuestOptions = {}): GuestFactory {
  return (machine) => new Kernel(machine, opts.registry ?? defaultRegistry, opts.initrd ?? loadInitrd(machine.description.initrd));
}

// The native userland (init, sh, the BusyBox-style applets) is what a machine without an
// initramfs of its own boots into: /sbin/init then the shell on the console.
installUserland(defaultRegistry);

export const createGuest: GuestFactory = createGuestWith();
