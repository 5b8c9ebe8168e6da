// Figures for the machine core: the event scheduler, guest memory through the bus, and a
// whole boot to the first shell prompt (virtual time, which must not drift, and wall time).

import { Bus } from '../../emulator/bus/bus';
import { GuestRam } from '../../emulator/memory/guest-ram';
import { EventScheduler } from '../../emulator/time/scheduler';
import { Machine } from '../../emulator/machine/machine';
import type { GuestFactory } from '../../emulator/machine/guest';
import type { MachineType } from '../../emulator/machine/description/types';
import { bareDescription } from '../../emulator/machine/testing/descriptions';
import { medianOf, sampleOpsPerSecond, type BenchCase, type BenchFigure } from '../harness';

const EVENTS_PER_CALL = 10_000;
const ACCESSES_PER_CALL = 65_536;

const schedulerEvents: BenchCase = {
  name: 'scheduler',
  quick: true,
  measure: ({ quick }) => {
    const s = new EventScheduler();
    const noop = () => {};
    return [
      sampleOpsPerSecond('scheduler events', () => {
        const base = s.now;
        for (let i = 0; i < EVENTS_PER_CALL; i++) s.schedule(base + ((i * 7919) % 1000), noop);
        while (s.runNext());
      }, { quick, opsPerCall: EVENTS_PER_CALL, unit: 'events/s' }),
    ];
  },
};

const memoryAccesses: BenchCase = {
  name: 'memory',
  quick: true,
  measure: ({ quick }) => {
    const bus = new Bus(new GuestRam(0x4000_0000, 64 * 1024 * 1024));
    let sink = 0;
    const fig = sampleOpsPerSecond('guest memory accesses (bus, 32-bit)', () => {
      for (let i = 0; i < ACCESSES_PER_CALL; i += 2) {
        const a = 0x4000_0000 + ((i * 2654435761) & 0x3fffffc);
        bus.write(a, 4, i);
        sink ^= bus.read(a, 4);
      }
    }, { quick, opsPerCall: ACCESSES_PER_CALL, unit: 'accesses/s' });
    if (sink === 0.5) fig.note = 'unreachable';
    return [fig];
  },
};

/** The guest `twinbox console` runs; resolved lazily so the bench works while guest/ grows. */
export async function defaultGuest(): Promise<GuestFactory> {
  const mod = (await import('../../guest/index')) as { createGuest: GuestFactory };
  return mod.createGuest;
}

export const PROMPT = '/ # ';

async function bootFigures(type: MachineType, quick: boolean): Promise<BenchFigure[]> {
  const factory = await defaultGuest();
  let virtualNs = 0;
  const wall = await medianOf(quick ? 3 : 7, () => {
    const t0 = performance.now();
    const m = new Machine(bareDescription(type, { memoryBytes: 1 << 30 }), 1);
    m.start(factory);
    const stop = m.run({ until: () => m.console.textSince(0).includes(PROMPT), untilNs: 60e9 });
    if (stop !== 'condition') throw new Error(`bench: ${type} did not reach the prompt (${stop})`);
    virtualNs = m.scheduler.now;
    return performance.now() - t0;
  });
  return [
    { name: `boot to first prompt ${type} (virtual)`, value: virtualNs / 1e6, unit: 'ms', better: 'lower' },
    { name: `boot to first prompt ${type} (wall)`, value: wall.median, unit: 'ms', better: 'lower', note: `median of ${wall.samples.length}` },
  ];
}

const boot: BenchCase = {
  name: 'boot',
  quick: true,
  measure: async ({ quick }) => [...(await bootFigures('virt', quick)), ...(await bootFigures('q35', quick))],
};

export const coreCases: BenchCase[] = [schedulerEvents, memoryAccesses, boot];
