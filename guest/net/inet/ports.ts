// Ephemeral port choice (net.ipv4.ip_local_port_range 32768–60999): a seeded random start, then a
// linear probe, as Linux's __inet_hash_connect does, so ports differ between runs only by seed.

import type { Prng } from '../../../emulator/random/prng';
import { EPHEMERAL_HIGH, EPHEMERAL_LOW } from './consts';

export function pickEphemeralPort(prng: Prng, inUse: (port: number) => boolean): number | null {
  const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
  const start = prng.nextInt(span);
  for (let i = 0; i < span; i++) {
    const port = EPHEMERAL_LOW + ((start + i) % span);
    if (!inUse(port)) return port;
  }
  return null;
}

/** Two local bindings overlap when their addresses are equal or either is the wildcard. */
export function addressesOverlap(a: number, b: number): boolean {
  return a === 0 || b === 0 || a === b;
}
