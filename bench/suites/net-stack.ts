// The guest IPv4 stack between two simulated machines on one hub (1 Gbit/s, 50 µs latency):
// TCP bulk throughput (wall clock and virtual time), the same under the fault mix, and a
// 64-byte request/response rate on one connection.

import { ADDR_B, stackPair } from '../../guest/net/inet/testing';
import { faultyTransfer, tcpBulk, tcpRequestResponse } from '../../guest/net/inet/bulk';
import type { BenchCase, BenchFigure } from '../harness';

const nowMs = () => performance.now();
const MiB = 1024 * 1024;

function bulkFigures(quick: boolean): BenchFigure[] {
  const sizeBytes = (quick ? 4 : 16) * MiB;
  const p = stackPair(1);
  for (const port of ['a', 'b']) p.hub.setFaults(port, { bandwidthBitsPerSec: 1e9, queueLimitFrames: 1000 });
  const t0 = nowMs();
  const r = tcpBulk(p.sched, p.a, p.b, ADDR_B, new Uint8Array(sizeBytes));
  const wallS = (nowMs() - t0) / 1000;
  if (!r.done || r.received.length !== sizeBytes) throw new Error('bulk transfer did not complete');
  return [
    { name: 'guest TCP bulk, 1 Gbit/s link (wall)', value: sizeBytes / MiB / wallS, unit: 'MiB/s', better: 'higher' },
    { name: 'guest TCP bulk, 1 Gbit/s link (virtual)', value: sizeBytes / MiB / (r.virtualNs / 1e9), unit: 'MiB/s', better: 'higher', note: 'of 119 MiB/s line rate' },
  ];
}

function faultFigures(quick: boolean): BenchFigure[] {
  const sizeBytes = (quick ? 2 : 10) * MiB;
  const t0 = nowMs();
  const r = faultyTransfer(1, sizeBytes);
  const wallS = (nowMs() - t0) / 1000;
  return [
    { name: 'guest TCP bulk, 5% loss/5% reorder/1% dup (wall)', value: sizeBytes / MiB / wallS, unit: 'MiB/s', better: 'higher' },
    { name: 'guest TCP bulk, 5% loss/5% reorder/1% dup (virtual)', value: sizeBytes / MiB / (r.result.virtualNs / 1e9), unit: 'MiB/s', better: 'higher', note: `${r.retransmits} retransmissions, ${r.timeouts} timeouts, ${r.fastRetransmits} fast retransmits (SACK + NewReno)` },
  ];
}

function rrFigures(quick: boolean): BenchFigure[] {
  const count = quick ? 500 : 5000;
  const p = stackPair(1);
  const t0 = nowMs();
  const r = tcpRequestResponse(p.sched, p.a, p.b, ADDR_B, count);
  const wallS = (nowMs() - t0) / 1000;
  if (r.completed !== count) throw new Error(`request/response stopped after ${r.completed}`);
  return [
    { name: 'guest TCP request/response 64 B (wall)', value: count / wallS, unit: 'trans/s', better: 'higher' },
    { name: 'guest TCP request/response 64 B (virtual)', value: count / (r.virtualNs / 1e9), unit: 'trans/s', better: 'higher', note: '2 × 50 µs link latency per round trip' },
  ];
}

const netStack: BenchCase = {
  name: 'guest IPv4 stack',
  quick: true,
  measure: ({ quick }) => [...bulkFigures(quick), ...faultFigures(quick), ...rrFigures(quick)],
};

export const netStackCases: BenchCase[] = [netStack];
