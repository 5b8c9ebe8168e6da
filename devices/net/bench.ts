// Networking throughput figures: frames per second through a hub with and without faults, wire
// decode+encode per second, and frames per second transmitted through virtio-net onto a link.
// The wall clock is passed in (devices/ code never reads one); `twinbox bench` supplies it.

import { EventScheduler } from '../../emulator/time/scheduler';
import { Prng } from '../../emulator/random/prng';
import { F_RING_EVENT_IDX, F_VERSION_1 } from '../virtio/constants';
import { virtioRig } from '../virtio/testing/harness';
import { arpFrame, decodeFrame, icmpFrame, tcpFrame, udpFrame, type DecodedFrame } from '../../guest/net/wire/frame';
import { SAMPLE_FRAMES } from '../../guest/net/wire/testing/samples';
import type { FaultConfig } from './faults';
import { EthernetHub } from './link';
import { numberedFrame } from './testing';
import { emitNetHdr, PLAIN_HDR, TX_QUEUE, VIRTIO_NET_F_MAC } from './virtio-net/config';
import { VirtioNet } from './virtio-net/device';

export interface NetBenchResult {
  name: string;
  ops: number;
  wallMs: number;
  opsPerSec: number;
  note: string;
}

function result(name: string, ops: number, wallMs: number, note: string): NetBenchResult {
  return { name, ops, wallMs, opsPerSec: ops / Math.max(wallMs / 1000, 1e-9), note };
}

export const BENCH_FAULTS: Partial<FaultConfig> = { lossRate: 0.05, duplicateRate: 0.01, reorderRate: 0.05, reorderDelayNs: 200_000, jitterNs: 50_000, corruptRate: 0.01 };

/** Frames of `lenBytes` pushed a→b through a two-port hub, one per 10 µs of virtual time. */
export function benchLink(nowMs: () => number, frames: number, faults: Partial<FaultConfig> = {}, lenBytes = 1514): NetBenchResult {
  const sched = new EventScheduler();
  const hub = new EthernetHub('bench', sched, new Prng(1));
  let received = 0;
  const a = hub.attach('a', () => undefined);
  hub.attach('b', () => received++);
  hub.setFaults('a', faults);
  const frame = numberedFrame(0, lenBytes);
  const t0 = nowMs();
  for (let i = 0; i < frames; i++) {
    sched.runUntil(i * 10_000);
    a.send(frame);
  }
  while (sched.runNext()) {
    /* drain */
  }
  const label = Object.keys(faults).length > 0 ? 'with faults' : 'clean';
  return result(`net.link ${label} ${lenBytes}B frames/s`, frames, nowMs() - t0, `${received} delivered`);
}

/** Decode every layer of the sample frames and emit them again. */
export function benchWire(nowMs: () => number, rounds: number): NetBenchResult {
  const frames = SAMPLE_FRAMES.map((s) => s.frame);
  let bytes = 0;
  const t0 = nowMs();
  for (let r = 0; r < rounds; r++) {
    for (const f of frames) {
      const d = decodeFrame(f);
      if (!d.ok) throw new Error(`bench: sample frame does not decode: ${d.error}`);
      bytes += reemit(d.value).length;
    }
  }
  return result('net.wire parse+emit frames/s', rounds * frames.length, nowMs() - t0, `${bytes} bytes emitted`);
}

function reemit(d: DecodedFrame): Uint8Array {
  const l2 = { srcMac: d.eth.src, dstMac: d.eth.dst };
  switch (d.kind) {
    case 'arp': return arpFrame(l2, d.arp);
    case 'udp': return udpFrame({ ...l2, src: d.ip.src, dst: d.ip.dst, ident: d.ip.ident }, d.udp);
    case 'tcp': return tcpFrame({ ...l2, src: d.ip.src, dst: d.ip.dst, ident: d.ip.ident }, d.tcp);
    case 'icmp': return icmpFrame({ ...l2, src: d.ip.src, dst: d.ip.dst, ident: d.ip.ident }, d.icmp);
    default: return d.eth.payload;
  }
}

/** Frames transmitted through virtio-net (mock driver, mmio transport) onto a hub, `batch` per kick. */
export function benchVirtioNetTx(nowMs: () => number, frames: number, batch = 32, lenBytes = 1514): NetBenchResult {
  const dev = new VirtioNet({ mac: '52:54:00:12:34:56' });
  const sched = new EventScheduler();
  const hub = new EthernetHub('bench', sched, new Prng(1), { latencyNs: 0 });
  dev.attach(hub, 'nic');
  let received = 0;
  hub.attach('peer', () => received++);
  const { driver } = virtioRig(dev, 64 << 20);
  if (!driver.negotiate(F_VERSION_1 | F_RING_EVENT_IDX | VIRTIO_NET_F_MAC)) throw new Error('bench: feature negotiation failed');
  driver.setupQueue(0, 256);
  driver.setupQueue(TX_QUEUE, 256);
  driver.driverOk();
  const hdr = emitNetHdr(PLAIN_HDR);
  const frame = numberedFrame(0, lenBytes);
  const t0 = nowMs();
  for (let sent = 0; sent < frames; sent += batch) {
    for (let i = 0; i < batch; i++) driver.submit(TX_QUEUE, [{ out: hdr }, { out: frame }]);
    driver.kick(TX_QUEUE);
    driver.collect(TX_QUEUE);
    sched.runUntil(sched.now + 1000);
  }
  return result(`net.virtio-net tx ${lenBytes}B frames/s`, frames, nowMs() - t0, `${received} reached the peer`);
}

export function benchNetworking(nowMs: () => number, quick = false): NetBenchResult[] {
  const n = quick ? 20_000 : 200_000;
  return [
    benchLink(nowMs, n),
    benchLink(nowMs, n, BENCH_FAULTS),
    benchWire(nowMs, quick ? 5_000 : 50_000),
    benchVirtioNetTx(nowMs, quick ? 10_000 : 100_000),
  ];
}
