import { describe, it, expect } from 'vitest';
import { AF_INET, SOCK_STREAM, type KernelSocket } from '../socket';
import { decodeFrame } from '../wire/frame';
import { TCP_SYN } from '../wire/tcp';
import { Ipv4Stack } from './stack';
import { ADDR_B, asRecv, asSocket, runUntilDone, stackPair, type StackPair } from './testing';

function connect(p: StackPair): { c: KernelSocket; s: KernelSocket } {
  const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
  l.bind({ family: AF_INET, addr: 0, port: 80 });
  l.listen(1);
  const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
  expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(0);
  return { c, s: asSocket(runUntilDone(p.sched, () => l.accept(false))) };
}

function drain(p: StackPair, s: KernelSocket, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let got = 0;
  while (got < bytes) {
    const r = asRecv(runUntilDone(p.sched, () => s.recv(1 << 20, 0, false)));
    out.set(r.data, got);
    got += r.data.length;
  }
  return out;
}

describe('TCP selective acknowledgements (RFC 2018)', () => {
  it('offers SACK-permitted in both SYNs and reports held ranges in duplicate ACKs', () => {
    const p = stackPair();
    const syns: boolean[] = [];
    const sackAcks: Array<Array<{ left: number; right: number }>> = [];
    p.hub.addTap((_t, f, from) => {
      const d = decodeFrame(f);
      if (!d.ok || d.value.kind !== 'tcp') return;
      if (d.value.tcp.flags & TCP_SYN) syns.push(d.value.tcp.options.sackPermitted === true);
      if (from === 'b' && d.value.tcp.options.sackBlocks) sackAcks.push(d.value.tcp.options.sackBlocks);
    });
    const { c, s } = connect(p);
    let n = 0;
    p.devA.dropOutgoing = (f) => f.length > 1000 && ++n === 2;
    const data = new Uint8Array(6 * 1460).map((_, i) => i & 0xff);
    c.send(data, 0, undefined, false);
    expect(drain(p, s, data.length)).toEqual(data);
    expect(syns).toEqual([true, true]);
    expect(sackAcks.length).toBeGreaterThanOrEqual(3);
    // The first SACK covers the third segment, right after the lost second one.
    const first = sackAcks[0][0];
    expect(((first.right - first.left) >>> 0)).toBe(1460);
  });

  it('repairs several losses in one window without a timeout', () => {
    const p = stackPair();
    const { c, s } = connect(p);
    let n = 0;
    p.devA.dropOutgoing = (f) => f.length > 1000 && [3, 6, 9].includes(++n);
    const data = new Uint8Array(60 * 1460).map((_, i) => (i * 5) & 0xff);
    c.send(data, 0, undefined, false);
    expect(drain(p, s, data.length)).toEqual(data);
    expect(p.a.counters.tcpTimeouts).toBe(0);
    expect(p.a.counters.tcpRetransSegs).toBe(3);
  });

  it('falls back to NewReno when the peer does not offer SACK (tcp_sack=0)', () => {
    const p = stackPair();
    const b2 = new Ipv4Stack({ scheduler: p.sched, prng: p.b.prng.fork('nosack'), tcp: { sack: false } });
    expect(b2.tcp.env.tunables.sack).toBe(false);
    const syns: boolean[] = [];
    p.hub.addTap((_t, f) => {
      const d = decodeFrame(f);
      if (d.ok && d.value.kind === 'tcp' && d.value.tcp.flags & TCP_SYN) syns.push(d.value.tcp.options.sackPermitted === true);
    });
    // Swap B's stack for one without SACK on the same device.
    b2.addDevice(p.devB);
    b2.setUp('eth0', true);
    b2.addAddress('eth0', { addr: ADDR_B, prefixLen: 24 });
    const l = asSocket(b2.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    l.listen(1);
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(0);
    expect(syns).toEqual([true, false]);
  });
});
