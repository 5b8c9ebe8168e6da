import { describe, expect, it } from 'vitest';
import { EventScheduler } from '../../emulator/time/scheduler';
import { Prng } from '../../emulator/random/prng';
import { EthernetHub, pointToPoint } from './link';
import { numberedFrame, runLink } from './testing';

const HARSH = { lossRate: 0.1, duplicateRate: 0.05, reorderRate: 0.1, reorderDelayNs: 50_000, delayNs: 5_000, jitterNs: 20_000, corruptRate: 0.05 };

describe('ethernet hub', () => {
  it('delivers to every other port after the latency, in order, unchanged', () => {
    const sched = new EventScheduler();
    const hub = new EthernetHub('h', sched, new Prng(1), { latencyNs: 1000 });
    const got: Array<[string, number]> = [];
    const a = hub.attach('a', () => got.push(['a', sched.now]));
    hub.attach('b', () => got.push(['b', sched.now]));
    hub.attach('c', () => got.push(['c', sched.now]));
    a.send(numberedFrame(0));
    sched.runUntil(999);
    expect(got).toEqual([]);
    sched.runUntil(1000);
    expect(got).toEqual([['b', 1000], ['c', 1000]]);
    expect(() => hub.attach('a', () => undefined)).toThrow(/already attached/);
  });

  it('is deterministic: same seed, same delivery trace; another seed, another trace', () => {
    const one = runLink(42, HARSH, 500).trace;
    const two = runLink(42, HARSH, 500).trace;
    const other = runLink(43, HARSH, 500).trace;
    expect(two).toEqual(one);
    expect(other).not.toEqual(one);
  });

  it('applies each fault kind', () => {
    const n = 2000;
    const loss = runLink(7, { lossRate: 0.2 }, n);
    expect(loss.received.length / n).toBeGreaterThan(0.75);
    expect(loss.received.length / n).toBeLessThan(0.85);
    expect(loss.hub.port('a')?.stats.droppedLoss).toBe(n - loss.received.length);
    const dup = runLink(7, { duplicateRate: 0.1 }, n);
    expect(dup.received.length - n).toBe(dup.hub.port('a')?.stats.duplicated);
    const reorder = runLink(7, { reorderRate: 0.1, reorderDelayNs: 100_000 }, n);
    const outOfOrder = reorder.received.filter((s, i) => i > 0 && s < reorder.received[i - 1]).length;
    expect(outOfOrder).toBeGreaterThan(100);
    expect([...reorder.received].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
    const corrupt = runLink(7, { corruptRate: 0.1 }, n);
    const clean = runLink(7, {}, n);
    const changed = corrupt.trace.filter((d, i) => d.hash !== clean.trace[i].hash).length;
    expect(changed).toBe(corrupt.hub.port('a')?.stats.corrupted);
    expect(changed).toBeGreaterThan(150);
  });

  it('adds delay and bounded jitter', () => {
    const r = runLink(3, { delayNs: 1_000_000, jitterNs: 500 }, 100, 10_000);
    r.trace.forEach((d, i) => {
      const sentNs = i * 10_000;
      expect(d.atNs - sentNs).toBeGreaterThanOrEqual(1_010_000);
      expect(d.atNs - sentNs).toBeLessThan(1_010_500);
    });
  });

  it('serialises at the bandwidth and tail-drops beyond the queue limit', () => {
    // 1000 frames of 1250 bytes (10 kbit) offered at once to a 10 Mbit/s link: 1 ms each.
    const r = runLink(5, { bandwidthBitsPerSec: 10_000_000, queueLimitFrames: 10 }, 1000, 0, 1250);
    expect(r.received).toEqual([...Array(10).keys()]);
    expect(r.trace.map((d) => d.atNs)).toEqual([...Array(10).keys()].map((i) => (i + 1) * 1_000_000 + 10_000));
    expect(r.hub.port('a')?.stats.droppedQueue).toBe(990);
    const paced = runLink(5, { bandwidthBitsPerSec: 10_000_000, queueLimitFrames: 2 }, 100, 1_000_000, 1250);
    expect(paced.received.length).toBe(100);
  });

  it('partitions and heals, on request or after a time', () => {
    const sched = new EventScheduler();
    const got: number[] = [];
    const { hub, a } = pointToPoint(sched, new Prng(9), 'p2p', { name: 'a', sink: () => undefined }, { name: 'b', sink: () => got.push(sched.now) });
    expect(hub.partition(['a'], ['b'], 1_000_000)).toBeNull();
    a.send(numberedFrame(1));
    sched.runUntil(500_000);
    sched.schedule(2_000_000, () => a.send(numberedFrame(2)));
    sched.runUntil(3_000_000);
    expect(got).toEqual([2_010_000]);
    expect(hub.port('a')?.stats.droppedPartition).toBe(1);
    expect(hub.partition(['a'], ['nope'])).toMatch(/no port "nope"/);
    hub.partition(['b'], ['a']);
    expect(hub.isCut('a', 'b')).toBe(true);
    hub.heal();
    expect(hub.isCut('a', 'b')).toBe(false);
  });

  it('refuses bad settings and malformed frames without throwing', () => {
    const sched = new EventScheduler();
    const hub = new EthernetHub('h', sched, new Prng(1));
    const a = hub.attach('a', () => undefined);
    expect(hub.setFaults('a', { lossRate: 1.5 })).toMatch(/lossRate/);
    expect(hub.setFaults('a', { jitterNs: -1 })).toMatch(/jitterNs/);
    expect(hub.setFaults('a', { queueLimitFrames: 0 })).toMatch(/queueLimitFrames/);
    expect(hub.setFaults('x', {})).toMatch(/no port/);
    expect(hub.clearFaults('a')).toBeNull();
    a.send(new Uint8Array(5));
    a.send(new Uint8Array(70_000));
    expect(a.stats.droppedMalformed).toBe(2);
  });

  it('keeps a delivery-ratio table (loss rate × queue size) stable', () => {
    // UDP-style traffic: 400 frames of 1000 bytes offered every 0.5 ms to a 10 Mbit/s link
    // (0.8 ms per frame), so the queue fills and its size matters as much as the loss rate.
    const rows: string[] = [];
    for (const lossRate of [0, 0.01, 0.05, 0.2]) {
      const cells = [4, 16, 64, 256].map((queueLimitFrames) => {
        const r = runLink(2024, { lossRate, bandwidthBitsPerSec: 10_000_000, queueLimitFrames }, 400, 500_000, 1000);
        return (r.received.length / 400).toFixed(3);
      });
      rows.push(`loss ${lossRate.toFixed(2)}: ${cells.join(' ')}`);
    }
    expect(rows).toMatchSnapshot();
  });
});

describe('fault injector state', () => {
  it('saves and restores mid-run: the rest of the run is the same', async () => {
    const { FaultInjector } = await import('./faults');
    const a = new FaultInjector(new Prng(77));
    a.set({ lossRate: 0.3, jitterNs: 1000, bandwidthBitsPerSec: 1_000_000, queueLimitFrames: 4 });
    for (let i = 0; i < 50; i++) a.decide(100, i * 100);
    const saved = a.save();
    const b = new FaultInjector(new Prng(1));
    b.restore(saved, (s) => Prng.restore(s));
    const next = (x: InstanceType<typeof FaultInjector>): unknown[] => Array.from({ length: 50 }, (_, i) => x.decide(100, 5000 + i * 100));
    expect(next(b)).toEqual(next(a));
    expect(b.config.lossRate).toBe(0.3);
  });
});
