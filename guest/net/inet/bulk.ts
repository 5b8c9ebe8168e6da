// A TCP bulk transfer between two stacks driven straight from the scheduler: the client writes
// as fast as its send buffer allows, the server reads everything, both close. Used by the fault
// tests, the soak test and the bench (which is why it lives outside a test file).

import { AF_INET, SOCK_STREAM, type KernelSocket } from '../socket';
import type { Ipv4Stack } from './stack';
import type { EventScheduler } from '../../../emulator/time/scheduler';
import { Prng } from '../../../emulator/random/prng';
import { ADDR_B, runUntilDone, stackPair } from './testing';
import { IPPROTO_TCP, TCP_NODELAY } from './consts';

export interface BulkResult {
  received: Uint8Array;
  /** What the client's connect/send/close ended with: 0, or the first -errno. */
  clientError: number;
  serverError: number;
  virtualNs: number;
  events: number;
  done: boolean;
}

export interface BulkOptions {
  port?: number;
  /** Give up (done=false) once virtual time passes this. */
  limitNs?: number;
  chunkBytes?: number;
}

function must(s: KernelSocket | number): KernelSocket {
  if (typeof s === 'number') throw new Error(`socket: ${s}`);
  return s;
}

export function tcpBulk(sched: EventScheduler, client: Ipv4Stack, server: Ipv4Stack, serverAddr: number, data: Uint8Array, opts: BulkOptions = {}): BulkResult {
  const port = opts.port ?? 5001;
  const chunk = opts.chunkBytes ?? 65536;
  const limitNs = sched.now + (opts.limitNs ?? 3_600_000_000_000);
  const startNs = sched.now;
  const startEvents = sched.fired;
  const l = must(server.createSocket(SOCK_STREAM, 0));
  l.bind({ family: AF_INET, addr: 0, port });
  l.listen(4);
  const c = must(client.createSocket(SOCK_STREAM, 0));
  let clientError = 0;
  let serverError = 0;
  const cr = c.connect({ family: AF_INET, addr: serverAddr, port }, true);
  if (typeof cr === 'number' && cr !== -115) clientError = cr;
  let accepted: KernelSocket | null = null;
  const parts: Uint8Array[] = [];
  let receivedBytes = 0;
  let sent = 0;
  let clientClosed = false;
  let eof = false;
  while (!eof && clientError === 0 && serverError === 0) {
    if (!accepted) {
      const a = l.accept(true);
      if (typeof a === 'object' && !('kind' in a)) accepted = a;
    }
    while (sent < data.length) {
      const r = c.send(data.subarray(sent, Math.min(data.length, sent + chunk)), 0, undefined, true);
      if (typeof r !== 'number') break;
      if (r === -11) break;
      if (r < 0) {
        clientError = r;
        break;
      }
      sent += r;
    }
    if (sent === data.length && !clientClosed) {
      c.close();
      clientClosed = true;
    }
    while (accepted) {
      const r = accepted.recv(1 << 20, 0, true);
      if (typeof r === 'number') {
        if (r !== -11) serverError = r;
        break;
      }
      if ('kind' in r) break;
      if (r.data.length === 0) {
        eof = true;
        break;
      }
      parts.push(r.data);
      receivedBytes += r.data.length;
    }
    if (eof) break;
    const next = sched.nextEventTime();
    if (next === undefined || next > limitNs) break;
    sched.runNext();
  }
  accepted?.close();
  l.close();
  if (!clientClosed) c.close();
  const received = new Uint8Array(receivedBytes);
  let off = 0;
  for (const p of parts) {
    received.set(p, off);
    off += p.length;
  }
  return { received, clientError, serverError, virtualNs: sched.now - startNs, events: sched.fired - startEvents, done: eof };
}

/** The issue's fault mix: 5% loss, 5% reordering (2 ms hold-back), 1% duplication, 0.5 ms jitter. */
export const ISSUE_FAULTS = { lossRate: 0.05, reorderRate: 0.05, reorderDelayNs: 2_000_000, duplicateRate: 0.01, jitterNs: 500_000 } as const;

/** A seeded transfer of `sizeBytes` pseudo-random bytes from stack A to B with ISSUE_FAULTS both ways. */
export function faultyTransfer(seed: number, sizeBytes: number): { sent: Uint8Array; result: BulkResult; retransmits: number; timeouts: number; fastRetransmits: number } {
  const p = stackPair(seed);
  for (const port of ['a', 'b']) {
    const err = p.hub.setFaults(port, ISSUE_FAULTS);
    if (err) throw new Error(err);
  }
  const sent = new Uint8Array(sizeBytes);
  new Prng(seed ^ 0x5eed).fill(sent);
  const result = tcpBulk(p.sched, p.a, p.b, ADDR_B, sent);
  return { sent, result, retransmits: p.a.counters.tcpRetransSegs, timeouts: p.a.counters.tcpTimeouts, fastRetransmits: p.a.counters.tcpFastRetrans };
}

/** `count` 64-byte request / 64-byte response round trips on one TCP_NODELAY connection. */
export function tcpRequestResponse(sched: EventScheduler, client: Ipv4Stack, server: Ipv4Stack, serverAddr: number, count: number): { virtualNs: number; completed: number } {
  const l = must(server.createSocket(SOCK_STREAM, 0));
  l.bind({ family: AF_INET, addr: 0, port: 5002 });
  l.listen(1);
  const c = must(client.createSocket(SOCK_STREAM, 0));
  const one = new Uint8Array([1, 0, 0, 0]);
  c.setOption(IPPROTO_TCP, TCP_NODELAY, one);
  if (runUntilDone(sched, () => c.connect({ family: AF_INET, addr: serverAddr, port: 5002 }, false)) !== 0) return { virtualNs: 0, completed: 0 };
  const acc = runUntilDone(sched, () => l.accept(false));
  if (typeof acc !== 'object') return { virtualNs: 0, completed: 0 };
  const s = acc;
  s.setOption(IPPROTO_TCP, TCP_NODELAY, one);
  const msg = new Uint8Array(64);
  const t0 = sched.now;
  let completed = 0;
  const read64 = (k: KernelSocket): boolean => {
    let got = 0;
    while (got < 64) {
      const r = runUntilDone(sched, () => k.recv(64 - got, 0, false), 60_000_000_000);
      if (typeof r !== 'object' || r.data.length === 0) return false;
      got += r.data.length;
    }
    return true;
  };
  for (; completed < count; completed++) {
    if (c.send(msg, 0, undefined, false) !== 64 || !read64(s)) break;
    if (s.send(msg, 0, undefined, false) !== 64 || !read64(c)) break;
  }
  const virtualNs = sched.now - t0;
  c.close();
  s.close();
  l.close();
  return { virtualNs, completed };
}
