// Finds the real guest kernel (guest/index.ts, `createGuest`) when a session boots without
// an explicit guest. It is imported lazily so the emulator core does not depend on the
// kernel at build time, and so a checkout without it fails with a message, not a stack.

import type { GuestFactory } from '../../machine/guest';

/** Where the kernel lives, relative to this file. */
const GUEST_MODULE = '../../../guest/index';

export type GuestLoad = { ok: true; factory: GuestFactory } | { ok: false; error: string };

export async function loadDefaultGuest(): Promise<GuestLoad> {
  let mod: unknown;
  try {
    // A variable specifier keeps the type checker from requiring the module to exist.
    const specifier: string = GUEST_MODULE;
    mod = await import(specifier);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/Cannot find module|ERR_MODULE_NOT_FOUND|Failed to load url|Does the file exist/i.test(msg) && msg.includes('guest/index')) {
      return { ok: false, error: 'no guest kernel: guest/index.ts (export createGuest) is not in this build' };
    }
    return { ok: false, error: `loading the guest kernel (guest/index.ts) failed: ${msg}` };
  }
  const factory = (mod as { createGuest?: unknown }).createGuest;
  if (typeof factory !== 'function') {
    return { ok: false, error: 'guest/index.ts does not export a createGuest function' };
  }
  return { ok: true, factory: factory as GuestFactory };
}
