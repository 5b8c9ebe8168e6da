// Helpers for link tests and benches: a numbered test frame and a run that pushes frames
// through a hub and collects what arrives.

import { EventScheduler } from '../../emulator/time/scheduler';
import { Prng } from '../../emulator/random/prng';
import { EthernetHub, type Delivery } from './link';
import type { FaultConfig } from './faults';

/** A broadcast-free frame carrying a sequence number in its first payload bytes. */
export function numberedFrame(seq: number, lenBytes = 64): Uint8Array {
  const f = new Uint8Array(Math.max(lenBytes, 18));
  f.set([0x52, 0x54, 0, 0, 0, 2, 0x52, 0x54, 0, 0, 0, 1, 0x88, 0xb5]);
  new DataView(f.buffer).setUint32(14, seq);
  return f;
}

export function frameSeq(f: Uint8Array): number {
  return new DataView(f.buffer, f.byteOffset).getUint32(14);
}

export interface LinkRun {
  hub: EthernetHub;
  sched: EventScheduler;
  trace: Delivery[];
  received: number[];
}

/** Sends `count` frames a→b, one every gapNs, with faults on a's side; runs to quiescence. */
export function runLink(seed: number, faults: Partial<FaultConfig>, count: number, gapNs = 10_000, lenBytes = 64): LinkRun {
  const sched = new EventScheduler();
  const hub = new EthernetHub('test', sched, new Prng(seed));
  const received: number[] = [];
  const a = hub.attach('a', () => undefined);
  hub.attach('b', (f) => received.push(frameSeq(f)));
  const err = hub.setFaults('a', faults);
  if (err) throw new Error(err);
  const trace: Delivery[] = [];
  hub.deliveryListeners.push((d) => trace.push(d));
  for (let i = 0; i < count; i++) sched.schedule(i * gapNs, () => a.send(numberedFrame(i, lenBytes)), 'send');
  while (sched.runNext()) {
    /* run to quiescence */
  }
  return { hub, sched, trace, received };
}
