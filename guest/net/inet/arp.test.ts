import { describe, it, expect } from 'vitest';
import { AF_INET, SOCK_DGRAM } from '../socket';
import { decodeFrame } from '../wire/frame';
import { ARP_REACHABLE_NS } from './arp';
import { asSocket, stackPair } from './testing';

function arpOps(frames: Array<{ t: number; f: Uint8Array; from: string }>): Array<[number, string, number, string]> {
  const out: Array<[number, string, number, string]> = [];
  for (const { t, f, from } of frames) {
    const d = decodeFrame(f);
    if (d.ok && d.value.kind === 'arp') out.push([t, from, d.value.arp.operation, d.value.eth.dst]);
  }
  return out;
}

describe('ARP', () => {
  it('sends a gratuitous ARP when an address is added to an up interface', () => {
    const p = stackPair();
    const seen: Array<{ t: number; f: Uint8Array; from: string }> = [];
    p.hub.addTap((t, f, from) => seen.push({ t, f, from }));
    p.a.addAddress('eth0', { addr: 0x0a000063, prefixLen: 24 });
    const d = decodeFrame(seen[0].f);
    expect(d.ok && d.value.kind === 'arp' && [d.value.arp.senderIp, d.value.arp.targetIp, d.value.eth.dst]).toEqual([0x0a000063, 0x0a000063, 'ff:ff:ff:ff:ff:ff']);
  });

  it('retries a request 3 times a second apart, then drops the queued datagrams', () => {
    const p = stackPair();
    const seen: Array<{ t: number; f: Uint8Array; from: string }> = [];
    p.hub.addTap((t, f, from) => seen.push({ t, f, from }));
    const s = asSocket(p.a.createSocket(SOCK_DGRAM, 0));
    s.send(new Uint8Array(4), 0, { family: AF_INET, addr: 0x0a000009, port: 9 }, false);
    s.send(new Uint8Array(4), 0, { family: AF_INET, addr: 0x0a000009, port: 9 }, false);
    p.sched.runUntil(10e9);
    expect(arpOps(seen).map(([t, , op, dst]) => [t / 1e9, op, dst])).toEqual([[0, 1, 'ff:ff:ff:ff:ff:ff'], [1, 1, 'ff:ff:ff:ff:ff:ff'], [2, 1, 'ff:ff:ff:ff:ff:ff']]);
    expect(p.a.counters.arpDropped).toBe(2);
    expect(p.a.arpTable()).toEqual([]);
  });

  it('re-resolves a stale entry by unicast after the reachable time', () => {
    const p = stackPair();
    const s = asSocket(p.a.createSocket(SOCK_DGRAM, 0));
    s.send(new Uint8Array(4), 0, { family: AF_INET, addr: 0x0a000002, port: 9 }, false);
    p.sched.runUntil(1e9);
    expect(p.a.arpTable()[0].complete).toBe(true);
    p.sched.runUntil(1e9 + ARP_REACHABLE_NS);
    expect(p.a.arpTable()[0].complete).toBe(false);
    const seen: Array<{ t: number; f: Uint8Array; from: string }> = [];
    p.hub.addTap((t, f, from) => seen.push({ t, f, from }));
    s.send(new Uint8Array(4), 0, { family: AF_INET, addr: 0x0a000002, port: 9 }, false);
    p.sched.runUntil(p.sched.now + 1e9);
    expect(arpOps(seen).map(([, from, op, dst]) => [from, op, dst])).toEqual([['a', 1, '52:54:00:00:00:02'], ['b', 2, '52:54:00:00:00:01']]);
    expect(p.a.arpTable()[0].complete).toBe(true);
  });

  it('does not answer requests for addresses it does not own', () => {
    const p = stackPair();
    const s = asSocket(p.b.createSocket(SOCK_DGRAM, 0));
    s.send(new Uint8Array(1), 0, { family: AF_INET, addr: 0x0a000007, port: 9 }, false);
    p.sched.runUntil(5e9);
    expect(p.a.arpTable()).toEqual([]);
  });
});

describe('ARP failure reaches the sender', () => {
  it('a TCP connect to a silent neighbour fails with EHOSTUNREACH after the 3 ARP tries, like Linux', async () => {
    const { SOCK_STREAM } = await import('../socket');
    const { runUntilDone } = await import('./testing');
    const p = stackPair();
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: 0x0a000009, port: 80 }, false))).toBe(-113);
    expect(p.sched.now / 1e9).toBeCloseTo(3, 1);
  });

  it('a connected UDP socket reads EHOSTUNREACH', async () => {
    const { runUntilDone } = await import('./testing');
    const p = stackPair();
    const u = asSocket(p.a.createSocket(SOCK_DGRAM, 0));
    u.connect({ family: AF_INET, addr: 0x0a000009, port: 53 }, false);
    u.send(new Uint8Array(4), 0, undefined, false);
    expect(runUntilDone(p.sched, () => u.recv(10, 0, false))).toBe(-113);
  });
});
