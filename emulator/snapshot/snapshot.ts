// Whole-machine snapshots. A snapshot holds the machine description, the seed, the input
// journal (every console chunk with the step at which the guest took it), guest RAM and every
// registered component's state, serialised with msgpackr.
//
// Restoring rebuilds the machine from its description and seed and replays the journal to the
// snapshot's step: because the machine is deterministic this reproduces the exact state, and
// the restore then checks that RAM and every component's state equal what the snapshot holds,
// so a divergence is caught instead of silently continuing. Replay is needed because native
// TypeScript processes are host generators whose continuations cannot be serialised; state that
// can be (RAM, devices) is stored whole and verified.

import { createHash } from 'node:crypto';
import { pack, unpack } from 'msgpackr';
import { Machine } from '../machine/machine';
import type { MachineDescription } from '../machine/description/types';
import type { GuestFactory } from '../machine/guest';

export const SNAPSHOT_VERSION = 1;

export interface MachineSnapshot {
  version: number;
  description: MachineDescription;
  seed: number;
  step: number;
  clockNs: number;
  journal: Array<{ step: number; bytes: Uint8Array }>;
  /** Input typed but not yet taken by the guest. */
  pendingInput: Uint8Array[];
  ram: Array<[number, Uint8Array]>;
  state: Record<string, unknown>;
  /** SHA-256 over RAM, component state and the console transcript, to compare without holding both. */
  digest: string;
}

export type RestoreResult = { ok: true; machine: Machine } | { ok: false; error: string };

export function machineDigest(machine: Machine): string {
  const h = createHash('sha256');
  for (const [index, page] of machine.ram.savePages()) {
    h.update(String(index));
    h.update(page);
  }
  h.update(pack(machine.saveState()));
  // What the guest has said so far is part of the observable state.
  h.update(machine.console.transcript);
  return h.digest('hex');
}

export function takeSnapshot(machine: Machine): Uint8Array {
  const snap: MachineSnapshot = {
    version: SNAPSHOT_VERSION,
    description: machine.description,
    seed: machine.seed,
    step: machine.stepCount,
    clockNs: machine.scheduler.now,
    journal: machine.inputJournal.map((j) => ({ step: j.step, bytes: j.bytes.slice() })),
    pendingInput: machine.console.peekPendingInput(),
    ram: machine.ram.savePages(),
    state: machine.saveState(),
    digest: machineDigest(machine),
  };
  return pack(snap);
}

/** Decodes and checks the shape of a snapshot file; bad input is an error value. */
export function decodeSnapshot(bytes: Uint8Array): MachineSnapshot | string {
  let raw: unknown;
  try {
    raw = unpack(bytes);
  } catch (e) {
    return `snapshot: not a msgpack document (${(e as Error).message})`;
  }
  const s = raw as Partial<MachineSnapshot> | null;
  if (!s || typeof s !== 'object') return 'snapshot: not an object';
  if (s.version !== SNAPSHOT_VERSION) return `snapshot: version ${String(s.version)} is not ${SNAPSHOT_VERSION}`;
  if (typeof s.seed !== 'number' || typeof s.step !== 'number' || !Array.isArray(s.journal) || typeof s.digest !== 'string') {
    return 'snapshot: missing seed, step, journal or digest';
  }
  if (!s.description || typeof s.description !== 'object') return 'snapshot: missing machine description';
  return s as MachineSnapshot;
}

export function restoreSnapshot(bytes: Uint8Array, factory: GuestFactory): RestoreResult {
  const snap = decodeSnapshot(bytes);
  if (typeof snap === 'string') return { ok: false, error: snap };
  const machine = new Machine(snap.description, snap.seed);
  machine.start(factory);
  let next = 0;
  while (machine.stepCount < snap.step) {
    while (next < snap.journal.length && snap.journal[next].step === machine.stepCount + 1) {
      machine.console.type(snap.journal[next].bytes);
      next++;
    }
    const stop = machine.run({ maxSteps: 1 });
    if (stop !== 'step-limit' && stop !== 'idle' && machine.stepCount < snap.step) {
      return { ok: false, error: `snapshot: replay stopped early (${stop}) at step ${machine.stepCount} of ${snap.step}` };
    }
    if (stop === 'idle' && machine.stepCount < snap.step && next >= snap.journal.length) {
      return { ok: false, error: `snapshot: replay went idle at step ${machine.stepCount} of ${snap.step}` };
    }
  }
  const digest = machineDigest(machine);
  if (digest !== snap.digest) {
    return { ok: false, error: `snapshot: replayed state differs from the snapshot (digest ${digest.slice(0, 12)} != ${snap.digest.slice(0, 12)})` };
  }
  for (const chunk of snap.pendingInput ?? []) machine.console.type(chunk);
  return { ok: true, machine };
}
