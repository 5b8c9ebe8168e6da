// The simulator backend: boots a machine description into a SimSession with the real
// guest kernel (guest/index.ts) unless a test supplies its own guest.

import type { GuestFactory } from '../../machine/guest';
import type { MachineDescription } from '../../machine/description/types';
import type { Backend, BootOptions, Session } from '../backend';
import { loadDefaultGuest } from './guest-loader';
import { SimSession } from './session';
import { machineCoreSnapshotter, type MachineSnapshotter } from './snapshotter';

export interface SimBackendOptions {
  /** The guest to run; default: `createGuest` from guest/index.ts. */
  guest?: GuestFactory;
  snapshotter?: MachineSnapshotter;
}

export class SimBackend implements Backend {
  readonly name = 'sim' as const;

  constructor(private readonly options: SimBackendOptions = {}) {}

  async boot(description: MachineDescription, options: BootOptions): Promise<Session> {
    return this.bootSim(description, options);
  }

  /** Like boot, typed as the sim session (tests look inside the machine). */
  async bootSim(description: MachineDescription, options: BootOptions): Promise<SimSession> {
    let guest = this.options.guest;
    if (!guest) {
      const loaded = await loadDefaultGuest();
      if (!loaded.ok) throw new Error(loaded.error);
      guest = loaded.factory;
    }
    return new SimSession({
      description,
      seed: options.seed,
      guest,
      snapshotter: this.options.snapshotter ?? machineCoreSnapshotter,
      hooks: options.hooks,
    });
  }
}
