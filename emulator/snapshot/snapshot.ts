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
import { Packr } from 'msgpackr';
import { Machine, type JournalEntry } from '../machine/machine';
import type { MachineDescription } from '../machine/description/types';
import type { GuestFactory } from '../machine/guest';

export const SNAPSHOT_VERSION = 1;

/**
 * Plain msgpack, no record extension: msgpackr's default packer shares record definitions
 * between calls, so the same value could encode to different bytes, which a digest must not.
 */
const codec = new Packr({ useRecords: false });

export interface MachineSnapshot {
  version: number;
  description: MachineDescription;
  seed: number;
  step: number;
  clockNs: number;
  journal: JournalEntry[];
  /** Input typed but not yet taken by the guest. */
  pendingInput: Uint8Array[];
  ram: Array<[number, Uint8Array]>;
  state: Record<string, unknown>;
  /** SHA-256 over RAM, component state and the console transcript, to compare without holding both. */
  digest: string;
}

export type RestoreResult = { ok: true; machine: Machine } | { ok: false; error: string };

/**
 * The state with every typed array turned into its plain bytes: msgpackr encodes other typed
 * arrays with alignment padding that depends on where its output buffer happens to be, so the
 * same state could hash differently.
 */
function canonical(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [canonical(k), canonical(v)]);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = canonical(v);
    return out;
  }
  return value;
}

export function machineDigest(machine: Machine): string {
  const h = createHash('sha256');
  for (const [index, page] of machine.ram.savePages()) {
    h.update(String(index));
    h.update(page);
  }
  h.update(codec.pack(canonical(machine.saveState())));
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
    journal: machine.inputJournal.map((j) => ('bytes' in j ? { step: j.step, bytes: j.bytes.slice() } : { ...j })),
    pendingInput: machine.console.peekPendingInput(),
    ram: machine.ram.savePages(),
    state: machine.saveState(),
    digest: machineDigest(machine),
  };
  return codec.pack(snap);
}

/** Decodes and checks the shape of a snapshot file; bad input is an error value. */
export function decodeSnapshot(bytes: Uint8Array): MachineSnapshot | string {
  let raw: unknown;
  try {
    raw = codec.unpack(bytes);
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
  let limitNs: number | undefined;
  const apply = (j: JournalEntry) => {
    if ('bytes' in j) machine.console.type(j.bytes);
    else if ('idleUntilNs' in j) machine.idleUntil(j.idleUntilNs);
    else limitNs = j.runLimitNs ?? undefined;
  };
  while (machine.stepCount < snap.step) {
    while (next < snap.journal.length && snap.journal[next].step === machine.stepCount + 1) apply(snap.journal[next++]);
    const before = machine.stepCount;
    const stop = machine.run({ maxSteps: 1, untilNs: limitNs });
    if (machine.stepCount === before) {
      return { ok: false, error: `snapshot: replay stalled (${stop}) at step ${before} of ${snap.step}` };
    }
  }
  // Idle time let pass after the last step, before the snapshot was taken.
  while (next < snap.journal.length) apply(snap.journal[next++]);
  const digest = machineDigest(machine);
  if (digest !== snap.digest) {
    return { ok: false, error: `snapshot: replayed state differs from the snapshot (digest ${digest.slice(0, 12)} != ${snap.digest.slice(0, 12)})` };
  }
  for (const chunk of snap.pendingInput ?? []) machine.console.type(chunk);
  return { ok: true, machine };
}
