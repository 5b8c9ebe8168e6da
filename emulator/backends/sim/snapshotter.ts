// How a sim session saves and restores a whole machine: through the machine core's
// snapshots (emulator/snapshot/) by default, behind a small interface so tests can
// substitute a stand-in and a failed restore arrives as a clear error.

import type { Machine } from '../../machine/machine';
import type { GuestFactory } from '../../machine/guest';
import { restoreSnapshot, takeSnapshot } from '../../snapshot/snapshot';

export interface MachineSnapshotter {
  /** Plain data (or bytes) from which `restore` rebuilds an equal machine. */
  capture(machine: Machine): unknown;
  /** Throws with a message when the state cannot be restored. */
  restore(state: unknown, factory: GuestFactory): Machine;
}

export const machineCoreSnapshotter: MachineSnapshotter = {
  capture(machine) {
    return takeSnapshot(machine);
  },
  restore(state, factory) {
    if (!(state instanceof Uint8Array)) throw new Error('restore: not a machine snapshot');
    const r = restoreSnapshot(state, factory);
    if (!r.ok) throw new Error(r.error);
    return r.machine;
  },
};
