import { describe, it, expect } from 'vitest';
import { AF_INET, SOCK_STREAM, type KernelSocket } from '../socket';
import { decodeFrame } from '../wire/frame';
import { TCP_SYN } from '../wire/tcp';
import { ECONNREFUSED, ECONNRESET, EALREADY, EINPROGRESS, EISCONN, intOpt, IPPROTO_TCP, SO_ERROR, SO_KEEPALIVE, SO_RCVBUF, SOL_SOCKET, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_MAXSEG, TCP_NODELAY } from './consts';
import { ADDR_A, ADDR_B, asRecv, asSocket, runUntilDone, stackPair, type StackPair } from './testing';

const ETIMEDOUT = 110, EAGAIN = 11, EPIPE = 32;
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10;

function connected(p: StackPair, port = 80): { c: KernelSocket; s: KernelSocket; l: KernelSocket } {
  const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
  expect(l.bind({ family: AF_INET, addr: 0, port })).toBe(0);
  expect(l.listen(8)).toBe(0);
  const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
  expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port }, false))).toBe(0);
  const s = asSocket(runUntilDone(p.sched, () => l.accept(false)));
  return { c, s, l };
}

function tcpStates(p: StackPair): { a: number[]; b: number[] } {
  const st = (x: StackPair['a']): number[] => x.sockets().filter((r) => r.protocol === 'tcp' && r.state !== 10).map((r) => r.state);
  return { a: st(p.a), b: st(p.b) };
}

function readAll(p: StackPair, s: KernelSocket): string {
  let out = '';
  for (;;) {
    const r = asRecv(runUntilDone(p.sched, () => s.recv(65536, 0, false)));
    if (r.data.length === 0) return out;
    out += str(r.data);
  }
}

function tcpSegments(frames: Uint8Array[]): Array<{ flags: number; len: number; mss?: number; wscale?: number }> {
  const out: Array<{ flags: number; len: number; mss?: number; wscale?: number }> = [];
  for (const f of frames) {
    const d = decodeFrame(f);
    if (d.ok && d.value.kind === 'tcp') out.push({ flags: d.value.tcp.flags, len: d.value.tcp.payload.length, mss: d.value.tcp.options.mss, wscale: d.value.tcp.options.windowScale });
  }
  return out;
}

describe('TCP teardown orders', () => {
  it('client closes first: the client holds TIME-WAIT for 60 s, the server goes to CLOSED', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    c.close();
    expect(readAll(p, s)).toBe('');
    s.close();
    p.sched.runUntil(p.sched.now + 1e9);
    expect(tcpStates(p)).toEqual({ a: [6], b: [] });
    p.sched.runUntil(p.sched.now + 60e9);
    expect(tcpStates(p)).toEqual({ a: [], b: [] });
  });

  it('simultaneous close passes through CLOSING and leaves both sides in TIME-WAIT', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    c.close();
    s.close();
    expect(tcpStates(p)).toEqual({ a: [4], b: [4] });
    p.sched.runUntil(p.sched.now + 1e9);
    expect(tcpStates(p)).toEqual({ a: [6], b: [6] });
  });

  it('half-close: the client shuts down writing and still reads the server\'s reply', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    c.send(text('request'), 0, undefined, false);
    expect(c.shutdown(1)).toBe(0);
    expect(c.send(text('more'), 0, undefined, false)).toBe(-EPIPE);
    expect(readAll(p, s)).toBe('request');
    p.sched.runUntil(p.sched.now + 1e6);
    expect(tcpStates(p)).toEqual({ a: [5], b: [8] });
    s.send(text('reply'), 0, undefined, false);
    s.close();
    expect(readAll(p, c)).toBe('reply');
    p.sched.runUntil(p.sched.now + 1e9);
    expect(tcpStates(p)).toEqual({ a: [6], b: [] });
  });

  it('closing with unread data sends RST: the peer reads ECONNRESET', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    c.send(text('unread'), 0, undefined, false);
    p.sched.runUntil(p.sched.now + 1e9);
    s.close();
    expect(runUntilDone(p.sched, () => c.recv(10, 0, false))).toBe(-ECONNRESET);
    expect(tcpStates(p)).toEqual({ a: [], b: [] });
  });

  it('a listener closed with unaccepted connections resets them', () => {
    const p = stackPair();
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    l.listen(4);
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(0);
    p.sched.runUntil(p.sched.now + 1e6);
    l.close();
    expect(runUntilDone(p.sched, () => c.recv(10, 0, false))).toBe(-ECONNRESET);
  });
});

describe('TCP connect', () => {
  it('non-blocking connect: EINPROGRESS, EALREADY, POLLOUT with SO_ERROR 0, then EISCONN', () => {
    const p = stackPair();
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    l.listen(1);
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, true)).toBe(-EINPROGRESS);
    expect(c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, true)).toBe(-EALREADY);
    expect(c.poll().mask & POLLOUT).toBe(0);
    p.sched.runUntil(p.sched.now + 1e9);
    expect(c.poll().mask & POLLOUT).toBe(POLLOUT);
    expect(c.getOption(SOL_SOCKET, SO_ERROR)).toEqual(intOpt(0));
    expect(c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, true)).toBe(-EISCONN);
    const local = c.localAddress();
    expect(typeof local === 'object' && local.family === AF_INET && local.addr).toBe(ADDR_A);
    expect(c.peerAddress()).toEqual({ family: AF_INET, addr: ADDR_B, port: 80 });
  });

  it('non-blocking connect to a closed port reports ECONNREFUSED through SO_ERROR and POLLERR', () => {
    const p = stackPair();
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(c.connect({ family: AF_INET, addr: ADDR_B, port: 81 }, true)).toBe(-EINPROGRESS);
    p.sched.runUntil(p.sched.now + 1e9);
    expect(c.poll().mask & (POLLERR | POLLHUP)).toBe(POLLERR | POLLHUP);
    expect(c.getOption(SOL_SOCKET, SO_ERROR)).toEqual(intOpt(ECONNREFUSED));
    expect(c.getOption(SOL_SOCKET, SO_ERROR)).toEqual(intOpt(0));
  });

  it('an unanswered SYN retries with backoff (1, 2, 4 ... s) and ends in ETIMEDOUT after 6 retries', () => {
    const p = stackPair();
    // Only TCP is lost: ARP keeps working, so the neighbour never looks unreachable.
    p.devA.dropOutgoing = (f) => {
      const d = decodeFrame(f);
      return d.ok && d.value.kind === 'tcp';
    };
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    const t0 = p.sched.now;
    expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(-ETIMEDOUT);
    // 1+2+4+8+16+32+64 s, as Linux's tcp_syn_retries=6 gives.
    expect((p.sched.now - t0) / 1e9).toBeCloseTo(127, 0);
  });

  it('reports SYN options: MSS from the MTU and window scale 7', () => {
    const p = stackPair(1, { mtuBytes: 1000 });
    const frames: Uint8Array[] = [];
    p.hub.addTap((_t, f) => frames.push(f));
    connected(p);
    const syns = tcpSegments(frames).filter((s) => s.flags & TCP_SYN);
    expect(syns.map((s) => [s.mss, s.wscale])).toEqual([[960, 7], [960, 7]]);
  });
});

describe('TCP data transfer', () => {
  it('a partition longer than the retry budget ends in ETIMEDOUT, not a hang', () => {
    const p = stackPair();
    const { c } = connected(p);
    p.hub.partition(['a'], ['b']);
    const t0 = p.sched.now;
    expect(c.send(text('lost'), 0, undefined, false)).toBe(4);
    const r = runUntilDone(p.sched, () => c.recv(10, 0, false));
    expect(r).toBe(-ETIMEDOUT);
    const s = (p.sched.now - t0) / 1e9;
    // tcp_retries2 = 15 with a 200 ms..120 s RTO: some 15 minutes, like Linux's 924.6 s.
    expect(s).toBeGreaterThan(600);
    expect(s).toBeLessThan(1000);
    expect(c.send(text('x'), 0, undefined, false)).toBe(-EPIPE);
  });

  it('a partition that heals inside the budget loses nothing', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    p.hub.partition(['a'], ['b'], 20e9);
    c.send(text('survives'), 0, undefined, false);
    c.close();
    expect(readAll(p, s)).toBe('survives');
  });

  it('fast retransmit repairs one lost segment before any timeout', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    let n = 0;
    p.devA.dropOutgoing = (f) => f.length > 1000 && ++n === 3;
    const data = new Uint8Array(40 * 1460).map((_, i) => (i * 7) & 0xff);
    const t0 = p.sched.now;
    expect(c.send(data, 0, undefined, false)).toBe(data.length);
    let got = 0;
    while (got < data.length) {
      const r = asRecv(runUntilDone(p.sched, () => s.recv(1 << 20, 0, false)));
      got += r.data.length;
    }
    expect(p.a.counters.tcpRetransSegs).toBe(1);
    expect(p.sched.now - t0).toBeLessThan(200e6);
  });

  it('the sender stops at a full receive window and resumes when the reader drains it', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    const big = new Uint8Array(1 << 20);
    let sent = 0;
    for (let stalls = 0; stalls < 2; ) {
      const r = c.send(big.subarray(sent), 0, undefined, true);
      if (typeof r === 'number' && r > 0) {
        sent += r;
        stalls = 0;
      } else {
        expect(r).toBe(-EAGAIN);
        stalls++;
        p.sched.runUntil(p.sched.now + 1e9);
      }
    }
    // Both buffers full: the peer's 128 KiB window (less what a scaled window of 128-byte units
    // cannot express) plus our 128 KiB send buffer.
    expect(sent).toBeGreaterThan(2 * 131072 - 128);
    expect(sent).toBeLessThanOrEqual(2 * 131072);
    expect(c.poll().mask & POLLOUT).toBe(0);
    // Zero-window probes keep going while the window is shut.
    p.sched.runUntil(p.sched.now + 30e9);
    let got = 0;
    while (got < sent) got += asRecv(runUntilDone(p.sched, () => s.recv(1 << 20, 0, false))).data.length;
    expect(got).toBe(sent);
    p.sched.runUntil(p.sched.now + 1e9);
    expect(c.poll().mask & POLLOUT).toBe(POLLOUT);
  });

  it('Nagle holds small writes while data is unacknowledged; TCP_NODELAY sends each at once', () => {
    for (const nodelay of [false, true]) {
      const p = stackPair();
      const { c, s } = connected(p);
      if (nodelay) expect(c.setOption(IPPROTO_TCP, TCP_NODELAY, intOpt(1))).toBe(0);
      const frames: Uint8Array[] = [];
      p.hub.addTap((_t, f, from) => {
        if (from === 'a') frames.push(f);
      });
      for (let i = 0; i < 5; i++) c.send(text('x'), 0, undefined, false);
      c.close();
      expect(readAll(p, s)).toBe('xxxxx');
      const dataSegs = tcpSegments(frames).filter((x) => x.len > 0).map((x) => x.len);
      expect(dataSegs).toEqual(nodelay ? [1, 1, 1, 1, 1] : [1, 4]);
    }
  });

  it('delays a lone ACK by 40 ms and acknowledges every second segment at once', () => {
    const p = stackPair();
    const { c } = connected(p);
    const acks: number[] = [];
    p.hub.addTap((t, f, from) => {
      const d = decodeFrame(f);
      if (from === 'b' && d.ok && d.value.kind === 'tcp' && d.value.tcp.payload.length === 0) acks.push(t);
    });
    const t0 = p.sched.now;
    c.send(text('one'), 0, undefined, false);
    p.sched.runUntil(p.sched.now + 1e9);
    expect(acks.map((t) => Math.round((t - t0) / 1e6))).toEqual([40]);
  });

  it('TCP_MAXSEG and SO_RCVBUF are honoured and read back', () => {
    const p = stackPair();
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(c.setOption(IPPROTO_TCP, TCP_MAXSEG, intOpt(500))).toBe(0);
    expect(c.setOption(SOL_SOCKET, SO_RCVBUF, intOpt(65536))).toBe(0);
    expect(c.getOption(SOL_SOCKET, SO_RCVBUF)).toEqual(intOpt(131072));
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    l.listen(1);
    expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(0);
    expect(c.getOption(IPPROTO_TCP, TCP_MAXSEG)).toEqual(intOpt(500));
  });
});

describe('TCP keepalive', () => {
  it('probes an idle connection and gives ETIMEDOUT when the peer is gone', () => {
    const p = stackPair();
    const { c } = connected(p);
    for (const [lvl, name, v] of [[SOL_SOCKET, SO_KEEPALIVE, 1], [IPPROTO_TCP, TCP_KEEPIDLE, 10], [IPPROTO_TCP, TCP_KEEPINTVL, 2], [IPPROTO_TCP, TCP_KEEPCNT, 3]]) {
      expect(c.setOption(lvl, name, intOpt(v))).toBe(0);
    }
    // While the peer answers, probes keep the connection up.
    p.sched.runUntil(p.sched.now + 100e9);
    expect(c.poll().mask & POLLERR).toBe(0);
    const t0 = p.sched.now;
    p.hub.partition(['a'], ['b']);
    expect(runUntilDone(p.sched, () => c.recv(1, 0, false))).toBe(-ETIMEDOUT);
    expect((p.sched.now - t0) / 1e9).toBeLessThanOrEqual(10 + 2 * 4);
  });
});

describe('TCP RST rules', () => {
  it('answers a stray ACK with RST seq=ack and a stray SYN with RST|ACK', () => {
    const p = stackPair();
    const frames: Uint8Array[] = [];
    p.hub.addTap((_t, f, from) => {
      if (from === 'b') frames.push(f);
    });
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 9 }, false))).toBe(-ECONNREFUSED);
    const rst = frames.map((f) => decodeFrame(f)).find((d) => d.ok && d.value.kind === 'tcp');
    expect(rst?.ok && rst.value.kind === 'tcp' && rst.value.tcp.flags).toBe(0x14);
  });

  it('a listener never answers a RST, and a stale connection is reset by the restarted peer', () => {
    const p = stackPair();
    const { c } = connected(p);
    // The server's stack "reboots": its connection table is gone.
    p.b.tcp.conns.clear();
    c.send(text('hello?'), 0, undefined, false);
    expect(runUntilDone(p.sched, () => c.recv(10, 0, false))).toBe(-ECONNRESET);
    expect(p.b.counters.tcpOutRsts).toBeGreaterThan(0);
  });
});

describe('TCP over loopback', () => {
  it('connects to 127.0.0.1 and to the stack\'s own address', () => {
    for (const addr of [0x7f000001, ADDR_A]) {
      const p = stackPair();
      const before = p.devA.stats.txPackets;
      const l = asSocket(p.a.createSocket(SOCK_STREAM, 0));
      l.bind({ family: AF_INET, addr: 0, port: 1234 });
      l.listen(1);
      const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
      expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr, port: 1234 }, false))).toBe(0);
      const s = asSocket(runUntilDone(p.sched, () => l.accept(false)));
      c.send(text('loop'), 0, undefined, false);
      c.close();
      expect(readAll(p, s)).toBe('loop');
      expect(p.devA.stats.txPackets).toBe(before);
    }
  });
});

describe('TCP TIME-WAIT', () => {
  it('re-acknowledges a retransmitted FIN and restarts the 60 s timer', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    c.close();
    expect(readAll(p, s)).toBe('');
    // The client's ACK of the server's FIN is lost once, so the server sends its FIN again after
    // its 1 s RTO, and the client's TIME-WAIT restarts from there.
    let dropped = 0;
    p.devA.dropOutgoing = (f) => {
      const d = decodeFrame(f);
      return d.ok && d.value.kind === 'tcp' && d.value.tcp.payload.length === 0 && dropped++ === 0;
    };
    const t0 = p.sched.now;
    s.close();
    p.sched.runUntil(t0 + 60.5e9);
    expect(tcpStates(p)).toEqual({ a: [6], b: [] });
    p.sched.runUntil(t0 + 61.5e9);
    expect(tcpStates(p)).toEqual({ a: [], b: [] });
    expect(dropped).toBe(2);
  });
});

describe('TCP receive window', () => {
  it('never offers more than the receive buffer, whatever the initial sequence numbers', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const p = stackPair(seed);
      const windows: number[] = [];
      p.hub.addTap((_t, f) => {
        const d = decodeFrame(f);
        if (d.ok && d.value.kind === 'tcp' && !(d.value.tcp.flags & TCP_SYN)) windows.push(d.value.tcp.window << 7);
      });
      const { c, s } = connected(p);
      c.send(new Uint8Array(300_000), 0, undefined, false);
      p.sched.runUntil(p.sched.now + 2e9);
      expect(Math.max(...windows)).toBeLessThanOrEqual(131072);
      expect(s.poll().mask & POLLIN).toBe(POLLIN);
    }
  });
});

describe('TCP limited transmit (RFC 3042)', () => {
  it('lets new segments out on the first duplicate ACKs, so a small window still reaches fast retransmit', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    const conn = [...p.a.tcp.conns.values()][0];
    // Without SACK (whose pipe estimate would already let new data out) and a 3-segment window.
    conn.sackOk = false;
    conn.cc.sackPipe = false;
    conn.cc.cwndBytes = 3 * 1460;
    conn.cc.ssthreshBytes = 3 * 1460;
    let n = 0;
    p.devA.dropOutgoing = (f) => f.length > 1000 && ++n === 1;
    const data = new Uint8Array(12 * 1460).map((_, i) => (i * 3) & 0xff);
    c.send(data, 0, undefined, false);
    let got = 0;
    while (got < data.length) got += asRecv(runUntilDone(p.sched, () => s.recv(1 << 20, 0, false))).data.length;
    expect(p.a.counters.tcpTimeouts).toBe(0);
    expect(p.a.counters.tcpFastRetrans).toBe(1);
  });
});

describe('SO_LINGER', () => {
  it('with a zero timeout, close() resets the connection instead of a FIN and skips TIME-WAIT', () => {
    const p = stackPair();
    const { c, s } = connected(p);
    const linger = new Uint8Array(8);
    linger.set(intOpt(1), 0);
    expect(c.setOption(SOL_SOCKET, 13, linger)).toBe(0);
    expect(c.getOption(SOL_SOCKET, 13)).toEqual(linger);
    expect(c.setOption(SOL_SOCKET, 13, intOpt(1))).toBe(-22);
    c.close();
    expect(runUntilDone(p.sched, () => s.recv(10, 0, false))).toBe(-ECONNRESET);
    expect(tcpStates(p)).toEqual({ a: [], b: [] });
  });
});
