import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EthernetHub } from '../../devices/net/link';
import { parsePcap } from '../../devices/net/pcap';
import { EventScheduler } from '../../emulator/time/scheduler';
import { Prng } from '../../emulator/random/prng';
import { PcapFile, applyLinkPlan, parseBandwidth, parseLinkFault } from './net-faults';
import { parseScenario } from './load';

describe('link fault parameters', () => {
  it('turns rates, durations and bandwidth into the hub fault fields', () => {
    expect(parseLinkFault({ loss: '5%', duplicate: 0.01, reorder: '10%', delay: '20ms', jitter: '5ms', corrupt: 0.001, bandwidth: '2Mbit' })).toEqual({
      direction: 'both', clear: false,
      faults: { lossRate: 0.05, duplicateRate: 0.01, reorderRate: 0.1, reorderDelayNs: 2_000_000, delayNs: 20_000_000, jitterNs: 5_000_000, corruptRate: 0.001, bandwidthBitsPerSec: 2_000_000, queueLimitFrames: 1000 },
    });
    expect(parseLinkFault({ partition: '3s', netdev: 'net0', direction: 'tx' })).toEqual({ direction: 'tx', clear: false, faults: {}, partition: 3e9, netdev: 'net0' });
    expect(parseLinkFault({ partition: true })).toMatchObject({ partition: 'forever' });
    expect(parseLinkFault({ clear: true })).toMatchObject({ clear: true });
  });

  it('refuses bad values and unknown keys with a message', () => {
    expect(parseLinkFault({ loss: 1.5 })).toMatch(/loss must be a probability/);
    expect(parseLinkFault({ delay: 'soon' })).toMatch(/delay must be a duration/);
    expect(parseLinkFault({ bandwidth: 'fast' })).toMatch(/bandwidth must be/);
    expect(parseLinkFault({ direction: 'up' })).toMatch(/direction must be/);
    expect(parseLinkFault({ los: 0.1 })).toMatch(/unknown link fault parameter 'los'/);
    expect(parseLinkFault({})).toMatch(/needs at least one/);
    expect(parseBandwidth('512kbit')).toBe(512_000);
    expect(parseBandwidth(8000)).toBe(8000);
  });

  it('is checked when a scenario loads', () => {
    const bad = parseScenario('name: x\nmachine: -M virt\nsteps:\n  - boot\n  - fault: { kind: link, loss: 2 }\n', 'x.yaml');
    expect(bad.ok ? '' : bad.error).toMatch(/x\.yaml:5.*loss must be a probability/);
    const good = parseScenario('name: x\nmachine: -M virt\nsteps:\n  - boot\n  - fault: { kind: link, loss: 5% }\n  - fault: { kind: pcap, file: a.pcap }\n', 'x.yaml');
    expect(good.ok).toBe(true);
  });
});

describe('applying link faults and capturing', () => {
  function hubWithPorts() {
    const sched = new EventScheduler();
    const hub = new EthernetHub('h', sched, new Prng(3).fork('hub'), { latencyNs: 1000 });
    const got: string[] = [];
    hub.attach('net0', () => got.push('net0'));
    hub.attach('user', () => got.push('user'));
    return { sched, hub, got };
  }
  const frame = new Uint8Array(60).fill(0xab);

  it('a partition cuts both directions and heals after its time; clear heals at once', () => {
    const { sched, hub, got } = hubWithPorts();
    const target = [{ hub, nicPorts: ['net0'], peerPorts: ['user'] }];
    expect(applyLinkPlan(target, parseLinkFault({ partition: '1ms' }) as never)).toBeUndefined();
    hub.port('net0')!.send(frame);
    hub.port('user')!.send(frame);
    sched.runUntil(500_000);
    expect(got).toEqual([]);
    sched.runUntil(2_000_000);
    hub.port('net0')!.send(frame);
    sched.runUntil(3_000_000);
    expect(got).toEqual(['user']);
    applyLinkPlan(target, parseLinkFault({ partition: true }) as never);
    applyLinkPlan(target, parseLinkFault({ clear: true }) as never);
    hub.port('user')!.send(frame);
    sched.runUntil(4_000_000);
    expect(got).toEqual(['user', 'net0']);
  });

  it('loss 100% on tx drops only what the NIC sends', () => {
    const { sched, hub, got } = hubWithPorts();
    applyLinkPlan([{ hub, nicPorts: ['net0'], peerPorts: ['user'] }], parseLinkFault({ loss: 1, direction: 'tx' }) as never);
    hub.port('net0')!.send(frame);
    hub.port('user')!.send(frame);
    sched.runUntil(1_000_000);
    expect(got).toEqual(['net0']);
  });

  it('PcapFile writes every frame sent with its virtual time', () => {
    const { sched, hub } = hubWithPorts();
    const path = join(mkdtempSync(join(tmpdir(), 'pcapfile-')), 'x.pcap');
    const f = new PcapFile(path);
    f.tap([hub]);
    sched.runUntil(7_000);
    hub.port('net0')!.send(frame);
    f.close();
    const p = parsePcap(new Uint8Array(readFileSync(path)));
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.value.records.map((r) => [r.timeNs, r.data.length])).toEqual([[7000, 60]]);
  });
});
