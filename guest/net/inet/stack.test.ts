import { describe, it, expect } from 'vitest';
import { AF_INET, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, type KernelSocket, type RecvResult } from '../socket';
import { emitIcmpv4, parseIcmpv4 } from '../wire/icmpv4';
import { parseIpv4 } from '../wire/ipv4';
import { ECONNREFUSED, IPPROTO_ICMP } from './consts';
import { ADDR_A, ADDR_B, asSocket, runUntilDone, stackPair } from './testing';

function sock(s: KernelSocket | number): KernelSocket {
  if (typeof s === 'number') throw new Error(`socket failed: ${s}`);
  return s;
}

function recvOk(r: RecvResult | number | 'timeout'): RecvResult {
  if (typeof r !== 'object') throw new Error(`recv failed: ${String(r)}`);
  return r;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('Ipv4Stack: interfaces and routes', () => {
  it('starts with lo 127.0.0.1/8 at ifindex 1 and adds devices from 2 with connected routes', () => {
    const { a } = stackPair();
    const ifs = a.interfaces();
    expect(ifs.map((i) => [i.index, i.name, i.loopback])).toEqual([[1, 'lo', true], [2, 'eth0', false]]);
    expect(ifs[0].addresses).toEqual([{ addr: 0x7f000001, prefixLen: 8 }]);
    expect(a.routes()).toEqual([{ dest: 0x0a000000, prefixLen: 24, gateway: 0, ifname: 'eth0', metric: 0 }]);
    expect(a.addRoute({ dest: 0, prefixLen: 0, gateway: 0x0a0000fe, ifname: 'eth0', metric: 0 })).toBe(0);
    expect(a.addRoute({ dest: 0, prefixLen: 0, gateway: 0x0b0000fe, ifname: 'eth0', metric: 0 })).toBeLessThan(0);
    expect(a.sourceFor(0x08080808)).toBe(ADDR_A);
    expect(a.removeAddress('eth0', { addr: ADDR_A, prefixLen: 24 })).toBe(0);
    expect(a.routes()).toEqual([]);
  });
});

describe('Ipv4Stack: ARP and ICMP', () => {
  it('resolves the neighbour, answers ping over a ping socket, and fills both ARP tables', () => {
    const { sched, a, b } = stackPair();
    const ping = sock(a.createSocket(SOCK_DGRAM, IPPROTO_ICMP));
    const req = emitIcmpv4({ kind: 'echoRequest', ident: 0, seq: 7, data: text('hello') });
    expect(ping.send(req, 0, { family: AF_INET, addr: ADDR_B, port: 0 }, false)).toBe(req.length);
    const r = recvOk(runUntilDone(sched, () => ping.recv(1500, 0, false)));
    const reply = parseIcmpv4(r.data);
    expect(reply.ok && reply.value.kind === 'echoReply' && reply.value.seq === 7 && str(reply.value.data)).toBe('hello');
    expect(r.from).toEqual({ family: AF_INET, addr: ADDR_B, port: 0 });
    expect(a.arpTable()).toEqual([{ addr: ADDR_B, mac: '52:54:00:00:00:02', ifname: 'eth0', complete: true }]);
    expect(b.arpTable().some((e) => e.addr === ADDR_A && e.complete)).toBe(true);
  });

  it('raw ICMP sockets send the caller bytes and receive whole IP datagrams', () => {
    const { sched, a } = stackPair();
    const raw = sock(a.createSocket(SOCK_RAW, IPPROTO_ICMP));
    const req = emitIcmpv4({ kind: 'echoRequest', ident: 0x1234, seq: 1, data: new Uint8Array(56) });
    expect(raw.send(req, 0, { family: AF_INET, addr: ADDR_B, port: 0 }, false)).toBe(req.length);
    const r = recvOk(runUntilDone(sched, () => raw.recv(2000, 0, false)));
    const ip = parseIpv4(r.data);
    expect(ip.ok && ip.value.src).toBe(ADDR_B);
    const icmp = ip.ok ? parseIcmpv4(ip.value.payload) : null;
    expect(icmp?.ok && icmp.value.kind === 'echoReply' && icmp.value.ident).toBe(0x1234);
  });

  it('pings itself through lo', () => {
    const { sched, a } = stackPair();
    const ping = sock(a.createSocket(SOCK_DGRAM, IPPROTO_ICMP));
    ping.send(emitIcmpv4({ kind: 'echoRequest', ident: 0, seq: 1, data: new Uint8Array(8) }), 0, { family: AF_INET, addr: 0x7f000001, port: 0 }, false);
    const r = recvOk(runUntilDone(sched, () => ping.recv(1500, 0, false)));
    expect(r.from).toEqual({ family: AF_INET, addr: 0x7f000001, port: 0 });
    expect(a.interfaces()[0].stats.txPackets).toBe(2);
  });
});

describe('Ipv4Stack: UDP', () => {
  it('echoes a datagram between two stacks and reports the sender', () => {
    const { sched, a, b } = stackPair();
    const server = sock(b.createSocket(SOCK_DGRAM, 0));
    expect(server.bind({ family: AF_INET, addr: 0, port: 7 })).toBe(0);
    const client = sock(a.createSocket(SOCK_DGRAM, 0));
    expect(client.send(text('ping'), 0, { family: AF_INET, addr: ADDR_B, port: 7 }, false)).toBe(4);
    const got = recvOk(runUntilDone(sched, () => server.recv(100, 0, false)));
    expect(str(got.data)).toBe('ping');
    const from = got.from!;
    expect(from.family === AF_INET && from.addr).toBe(ADDR_A);
    const port = from.family === AF_INET ? from.port : 0;
    expect(port).toBeGreaterThanOrEqual(32768);
    expect(port).toBeLessThanOrEqual(60999);
    server.send(got.data, 0, from, false);
    expect(str(recvOk(runUntilDone(sched, () => client.recv(100, 0, false))).data)).toBe('ping');
    expect(b.sockets().find((s) => s.protocol === 'udp')?.local).toEqual({ addr: 0, port: 7 });
  });

  it('gives ECONNREFUSED on a connected socket after ICMP port unreachable', () => {
    const { sched, a } = stackPair();
    const c = sock(a.createSocket(SOCK_DGRAM, 0));
    expect(c.connect({ family: AF_INET, addr: ADDR_B, port: 9999 }, false)).toBe(0);
    expect(c.send(text('x'), 0, undefined, false)).toBe(1);
    expect(runUntilDone(sched, () => c.recv(10, 0, false))).toBe(-ECONNREFUSED);
  });

  it('refuses a second bind without SO_REUSEADDR and truncates long datagrams', () => {
    const { sched, a } = stackPair();
    const s1 = sock(a.createSocket(SOCK_DGRAM, 0));
    const s2 = sock(a.createSocket(SOCK_DGRAM, 0));
    expect(s1.bind({ family: AF_INET, addr: 0, port: 5000 })).toBe(0);
    expect(s2.bind({ family: AF_INET, addr: 0, port: 5000 })).toBe(-98);
    s2.send(text('0123456789'), 0, { family: AF_INET, addr: ADDR_A, port: 5000 }, false);
    const r = recvOk(runUntilDone(sched, () => s1.recv(4, 0, false)));
    expect([str(r.data), r.truncated]).toEqual(['0123', true]);
  });

  it('fragments and reassembles a datagram bigger than the MTU', () => {
    const { sched, a, b } = stackPair();
    const server = sock(b.createSocket(SOCK_DGRAM, 0));
    server.bind({ family: AF_INET, addr: 0, port: 9 });
    const big = new Uint8Array(4000).map((_, i) => i & 0xff);
    sock(a.createSocket(SOCK_DGRAM, 0)).send(big, 0, { family: AF_INET, addr: ADDR_B, port: 9 }, false);
    const r = recvOk(runUntilDone(sched, () => server.recv(65536, 0, false)));
    expect(r.data).toEqual(big);
    expect(a.counters.ipFragCreates).toBe(3);
    expect(b.counters.ipReasmOKs).toBe(1);
  });
});

describe('Ipv4Stack: TCP basics', () => {
  it('connects, accepts, transfers both ways and closes cleanly', () => {
    const { sched, a, b } = stackPair();
    const l = sock(b.createSocket(SOCK_STREAM, 0));
    expect(l.bind({ family: AF_INET, addr: 0, port: 80 })).toBe(0);
    expect(l.listen(5)).toBe(0);
    const c = sock(a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(0);
    const s = asSocket(runUntilDone(sched, () => l.accept(false)));
    expect(c.send(text('GET /'), 0, undefined, false)).toBe(5);
    expect(str(recvOk(runUntilDone(sched, () => s.recv(100, 0, false))).data)).toBe('GET /');
    expect(s.send(text('200 OK'), 0, undefined, false)).toBe(6);
    s.close();
    expect(str(recvOk(runUntilDone(sched, () => c.recv(100, 0, false))).data)).toBe('200 OK');
    expect(recvOk(runUntilDone(sched, () => c.recv(100, 0, false))).data.length).toBe(0);
    c.close();
    sched.runUntil(sched.now + 1_000_000_000);
    // The server closed first, so it holds TIME-WAIT (6) for 60 s beside its listener (10).
    expect(b.sockets().filter((x) => x.protocol === 'tcp').map((x) => x.state)).toEqual([10, 6]);
    expect(a.sockets().filter((x) => x.protocol === 'tcp').map((x) => x.state)).toEqual([]);
    sched.runUntil(sched.now + 60_000_000_000);
    expect(b.sockets().filter((x) => x.protocol === 'tcp').map((x) => x.state)).toEqual([10]);
  });

  it('refuses a connection to a closed port with RST', () => {
    const { sched, a } = stackPair();
    const c = sock(a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 81 }, false))).toBe(-ECONNREFUSED);
  });
});

describe('Ipv4Stack: determinism', () => {
  it('one seed gives byte-identical traffic; another seed differs (ISNs, ports, idents)', async () => {
    const { PcapWriter } = await import('../../../devices/net/pcap');
    const { tcpBulk } = await import('./bulk');
    const run = (seed: number): Uint8Array => {
      const p = stackPair(seed);
      const pcap = new PcapWriter(true);
      p.hub.addTap((t, f) => pcap.add(t, f));
      for (const port of ['a', 'b']) p.hub.setFaults(port, { lossRate: 0.05, reorderRate: 0.05, reorderDelayNs: 1e6, jitterNs: 2e5 });
      tcpBulk(p.sched, p.a, p.b, ADDR_B, new Uint8Array(100_000));
      return pcap.bytes();
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});
