import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../../guest/net/wire/bytes';
import type { DecodedFrame } from '../../../guest/net/wire/frame';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpRepr } from '../../../guest/net/wire/tcp';
import { USER_GATEWAY } from './addresses';
import { ScriptedGuest } from './testing';

const GUEST_IP = ipv4('10.0.2.15');
const HOST_IP = ipv4('93.184.216.34');
const PAGE = '<html><body>' + 'x'.repeat(3000) + '</body></html>\n';
const OPTS = { hosts: [{ ip: '93.184.216.34', http: { port: 80, pages: { '/': PAGE } } }] };

function seg(seq: number, ack: number, flags: number, payload = '', srcPort = 40000, dstPort = 80): TcpRepr {
  return { srcPort, dstPort, seq, ack, flags, window: 65535, urgent: 0, options: flags & TCP_SYN ? { mss: 1000 } : {}, payload: Uint8Array.from([...payload].map((c) => c.charCodeAt(0))) };
}

function tcps(frames: DecodedFrame[]): TcpRepr[] {
  return frames.map((f) => {
    if (f.kind !== 'tcp') throw new Error(`expected tcp, got ${f.kind}`);
    return f.tcp;
  });
}

const text = (segs: TcpRepr[]): string => segs.map((s) => String.fromCharCode(...s.payload)).join('');

describe('simulated HTTP server (TCP responder)', () => {
  it('completes handshake, request, response in MSS-sized segments, and the close', () => {
    const g = new ScriptedGuest(OPTS);
    const [synAck] = tcps(g.tcp(GUEST_IP, HOST_IP, seg(1000, 0, TCP_SYN)));
    expect(synAck.flags).toBe(TCP_SYN | TCP_ACK);
    expect(synAck.ack).toBe(1001);
    expect(synAck.options).toEqual({ mss: 1460 });
    const s0 = (synAck.seq + 1) >>> 0;
    expect(g.tcp(GUEST_IP, HOST_IP, seg(1001, s0, TCP_ACK))).toEqual([]);
    const req = 'GET / HTTP/1.0\r\nHost: example.com\r\n\r\n';
    const resp = tcps(g.tcp(GUEST_IP, HOST_IP, seg(1001, s0, TCP_ACK | TCP_PSH, req)));
    const data = resp.filter((s) => s.payload.length > 0);
    expect(data.every((s) => s.payload.length <= 1000 && s.ack === 1001 + req.length)).toBe(true);
    expect(text(data)).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*Content-Length: 3027\r\n[\s\S]*\r\n\r\n<html><body>x+<\/body><\/html>\n$/);
    const fin = resp[resp.length - 1];
    expect(fin.flags).toBe(TCP_FIN | TCP_ACK);
    const end = (fin.seq + 1) >>> 0;
    const cAck = 1001 + req.length;
    expect(g.tcp(GUEST_IP, HOST_IP, seg(cAck, end, TCP_ACK))).toEqual([]);
    expect(g.net['hosts'][0].http?.stateOf(GUEST_IP, 40000)).toBe('FIN-WAIT-2');
    const last = tcps(g.tcp(GUEST_IP, HOST_IP, seg(cAck, end, TCP_FIN | TCP_ACK)));
    expect(last.map((s) => [s.flags, s.seq, s.ack])).toEqual([[TCP_ACK, end, cAck + 1]]);
    expect(g.net['hosts'][0].http?.stateOf(GUEST_IP, 40000)).toBe('TIME-WAIT');
    g.run(61_000_000_000);
    expect(g.net['hosts'][0].http?.openConnections).toBe(0);
  });

  it('keeps accepting after many short connections: TIME-WAIT does not fill the backlog', () => {
    const g = new ScriptedGuest(OPTS);
    const req = 'GET / HTTP/1.0\r\n\r\n';
    for (let i = 0; i < 20; i++) {
      const port = 41000 + i;
      const [synAck] = tcps(g.tcp(GUEST_IP, HOST_IP, seg(1000, 0, TCP_SYN, '', port)));
      expect(synAck?.flags, `connection ${i}`).toBe(TCP_SYN | TCP_ACK);
      const s0 = (synAck.seq + 1) >>> 0;
      const resp = tcps(g.tcp(GUEST_IP, HOST_IP, seg(1001, s0, TCP_ACK | TCP_PSH, req, port)));
      const fin = resp[resp.length - 1];
      const end = (fin.seq + 1) >>> 0;
      const cAck = 1001 + req.length;
      g.tcp(GUEST_IP, HOST_IP, seg(cAck, end, TCP_ACK, '', port));
      g.tcp(GUEST_IP, HOST_IP, seg(cAck, end, TCP_FIN | TCP_ACK, '', port));
      expect(g.net['hosts'][0].http?.stateOf(GUEST_IP, port)).toBe('TIME-WAIT');
    }
    expect(g.net['hosts'][0].http?.openConnections).toBe(20);
  });

  it('retransmits unacknowledged data on the RTO timer, then gives up with RST', () => {
    const g = new ScriptedGuest(OPTS);
    const [synAck] = tcps(g.tcp(GUEST_IP, HOST_IP, seg(1, 0, TCP_SYN)));
    const s0 = (synAck.seq + 1) >>> 0;
    const first = tcps(g.tcp(GUEST_IP, HOST_IP, seg(2, s0, TCP_ACK, 'GET /missing HTTP/1.1\r\n\r\n')));
    expect(text(first)).toMatch(/^HTTP\/1\.0 404 Not Found/);
    expect(tcps(g.run(900_000_000))).toEqual([]);
    const again = tcps(g.run(200_000_000));
    expect(again[0].seq).toBe(s0);
    expect(text(again)).toBe(text(first));
    const rest = tcps(g.run(600_000_000_000));
    expect(rest[rest.length - 1].flags).toBe(TCP_RST);
    expect(g.net['hosts'][0].http?.openConnections).toBe(0);
  });

  it('resets segments for unknown connections and closed ports, and ignores RSTs', () => {
    const g = new ScriptedGuest(OPTS);
    const [r1] = tcps(g.tcp(GUEST_IP, HOST_IP, seg(5, 777, TCP_ACK)));
    expect([r1.flags, r1.seq]).toEqual([TCP_RST, 777]);
    const [r2] = tcps(g.tcp(GUEST_IP, HOST_IP, seg(5, 0, TCP_SYN, '', 40001, 81)));
    expect([r2.flags, r2.ack]).toEqual([TCP_RST | TCP_ACK, 6]);
    const [r3] = tcps(g.tcp(GUEST_IP, USER_GATEWAY, seg(9, 0, TCP_SYN, '', 40002, 22)));
    expect(r3.flags).toBe(TCP_RST | TCP_ACK);
    expect(g.tcp(GUEST_IP, HOST_IP, seg(5, 0, TCP_RST))).toEqual([]);
  });

  it('answers out-of-order data with a duplicate ACK and takes an in-window RST', () => {
    const g = new ScriptedGuest(OPTS);
    const [synAck] = tcps(g.tcp(GUEST_IP, HOST_IP, seg(100, 0, TCP_SYN)));
    const s0 = (synAck.seq + 1) >>> 0;
    g.tcp(GUEST_IP, HOST_IP, seg(101, s0, TCP_ACK));
    const [dup] = tcps(g.tcp(GUEST_IP, HOST_IP, seg(150, s0, TCP_ACK, 'later')));
    expect([dup.flags, dup.ack]).toEqual([TCP_ACK, 101]);
    expect(g.tcp(GUEST_IP, HOST_IP, seg(101, s0, TCP_RST))).toEqual([]);
    expect(g.net['hosts'][0].http?.openConnections).toBe(0);
  });
});

describe('flow control', () => {
  it('respects the peer window and probes a closed one', () => {
    const g = new ScriptedGuest(OPTS);
    const [synAck] = tcps(g.tcp(GUEST_IP, HOST_IP, { ...seg(1, 0, TCP_SYN), window: 0 }));
    const s0 = (synAck.seq + 1) >>> 0;
    const req = 'GET / HTTP/1.0\r\n\r\n';
    const first = tcps(g.tcp(GUEST_IP, HOST_IP, { ...seg(2, s0, TCP_ACK | TCP_PSH, req), window: 0 }));
    expect(first.map((s) => s.payload.length)).toEqual([1]);
    const probe = tcps(g.run(1_100_000_000));
    expect(probe.map((s) => [s.seq, s.payload.length])).toEqual([[s0, 1]]);
    const opened = tcps(g.tcp(GUEST_IP, HOST_IP, { ...seg(2 + req.length, (s0 + 1) >>> 0, TCP_ACK), window: 2000 }));
    expect(opened.reduce((n, s) => n + s.payload.length, 0)).toBe(2000);
  });
});
