import { describe, it, expect } from 'vitest';
import { AF_INET, MSG_PEEK, MSG_WAITALL, SOCK_DGRAM, SOCK_STREAM } from '../socket';
import { decodeFrame } from '../wire/frame';
import { intOpt, IP_TTL, IPPROTO_IP, SO_BINDTODEVICE, SO_BROADCAST, SO_REUSEADDR, SOL_SOCKET } from './consts';
import { ADDR_A, ADDR_B, asRecv, asSocket, runUntilDone, stackPair } from './testing';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('socket details', () => {
  it('listen(0) admits one connection; the next SYN is dropped until accept() makes room', () => {
    const p = stackPair();
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    expect(l.listen(0)).toBe(0);
    const c1 = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    const c2 = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(p.sched, () => c1.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(0);
    expect(c2.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, true)).toBe(-115);
    p.sched.runUntil(p.sched.now + 500e6);
    expect(p.b.sockets().filter((s) => s.protocol === 'tcp').map((s) => s.state)).toEqual([10, 1]);
    asSocket(l.accept(true));
    expect(c2.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false)).toBe(-114);
    // c2's SYN retransmission (1 s after the first) now finds room.
    p.sched.runUntil(p.sched.now + 1e9);
    expect(c2.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false)).toBe(-106);
    expect(asSocket(l.accept(true))).toBeTruthy();
  });

  it('MSG_PEEK leaves data queued and MSG_WAITALL waits for the whole amount', () => {
    const p = stackPair();
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    l.listen(1);
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false));
    const s = asSocket(runUntilDone(p.sched, () => l.accept(false)));
    c.send(text('abc'), 0, undefined, false);
    expect(str(asRecv(runUntilDone(p.sched, () => s.recv(10, MSG_PEEK, false))).data)).toBe('abc');
    const w = s.recv(6, MSG_WAITALL, false);
    expect(typeof w === 'object' && 'kind' in w).toBe(true);
    c.send(text('def'), 0, undefined, false);
    expect(str(asRecv(runUntilDone(p.sched, () => s.recv(6, MSG_WAITALL, false))).data)).toBe('abcdef');
  });

  it('delivers a broadcast to every socket sharing the port with SO_REUSEADDR, and honours SO_BINDTODEVICE', () => {
    const p = stackPair();
    const rx = [0, 1, 2].map(() => asSocket(p.b.createSocket(SOCK_DGRAM, 0)));
    for (const s of rx) expect(s.setOption(SOL_SOCKET, SO_REUSEADDR, intOpt(1))).toBe(0);
    expect(rx[2].setOption(SOL_SOCKET, SO_BINDTODEVICE, text('lo'))).toBe(0);
    expect(rx[2].setOption(SOL_SOCKET, SO_BINDTODEVICE, text('nope'))).toBe(-19);
    for (const s of rx) expect(s.bind({ family: AF_INET, addr: 0, port: 520 })).toBe(0);
    const tx = asSocket(p.a.createSocket(SOCK_DGRAM, 0));
    tx.setOption(SOL_SOCKET, SO_BROADCAST, intOpt(1));
    expect(tx.send(text('hi all'), 0, { family: AF_INET, addr: 0x0a0000ff, port: 520 }, false)).toBe(6);
    p.sched.runUntil(p.sched.now + 1e9);
    expect(rx.map((s) => s.recv(100, 0, true)).map((r) => (typeof r === 'object' && 'data' in r ? str(r.data) : r))).toEqual(['hi all', 'hi all', -11]);
  });

  it('IP_TTL sets the TTL on the wire', () => {
    const p = stackPair();
    const ttls: number[] = [];
    p.hub.addTap((_t, f) => {
      const d = decodeFrame(f);
      if (d.ok && d.value.kind === 'udp') ttls.push(d.value.ip.ttl);
    });
    const s = asSocket(p.a.createSocket(SOCK_DGRAM, 0));
    expect(s.setOption(IPPROTO_IP, IP_TTL, intOpt(3))).toBe(0);
    expect(s.getOption(IPPROTO_IP, IP_TTL)).toEqual(intOpt(3));
    s.send(text('x'), 0, { family: AF_INET, addr: ADDR_B, port: 9 }, false);
    p.sched.runUntil(1e9);
    expect(ttls).toEqual([3]);
  });

  it('lists sockets for /proc/net with Linux state numbers and queue sizes', () => {
    const p = stackPair();
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    l.listen(1);
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false));
    c.send(text('queued'), 0, undefined, false);
    p.sched.runUntil(p.sched.now + 1e9);
    const rows = p.b.sockets().filter((s) => s.protocol === 'tcp');
    expect(rows.map((r) => [r.state, r.local.port, r.remote.addr, r.rxQueueBytes])).toEqual([[10, 80, 0, 1], [1, 80, ADDR_A, 6]]);
  });
});
