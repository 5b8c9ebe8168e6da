import { describe, expect, it } from 'vitest';
import { AF_PACKET, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, type KernelSocket } from '../socket';
import { asRecv, asSocket, runUntilDone, stackPair, ADDR_A, ADDR_B } from '../inet/testing';
import { emitIcmpv4 } from '../wire/icmpv4';
import { emitIpv4, simpleIpv4, IP_PROTO_ICMP, parseIpv4 } from '../wire/ipv4';
import { emitSockaddr, parseSockaddr } from '../../kernel/net/sockaddr';
import { ETH_P_ALL } from './packet-socket';
import { IPPROTO_RAW } from '../inet/raw-ip';

const ETH_P_IP = 0x0800, ETH_P_ARP = 0x0806;
const BCAST = 'ff:ff:ff:ff:ff:ff';

function echoDatagram(src: number, dst: number): Uint8Array {
  const icmp = emitIcmpv4({ kind: 'echoRequest', ident: 7, seq: 1, data: new Uint8Array(8) });
  return emitIpv4(simpleIpv4(src, dst, IP_PROTO_ICMP, icmp));
}

describe('AF_PACKET sockets', () => {
  it('a SOCK_DGRAM socket for ETH_P_IP sends a datagram the peer answers, and receives the reply with its link address', () => {
    const p = stackPair();
    p.sched.runUntil(p.sched.now + 1_000_000_000);
    const s = asSocket(p.a.createPacketSocket(SOCK_DGRAM, ETH_P_IP));
    expect(s.bind({ family: AF_PACKET, protocol: ETH_P_IP, ifindex: 2, hatype: 0, pkttype: 0, addr: '' })).toBe(0);
    const to = { family: AF_PACKET, protocol: ETH_P_IP, ifindex: 2, hatype: 1, pkttype: 0, addr: '52:54:00:00:00:02' } as const;
    const dgram = echoDatagram(ADDR_A, ADDR_B);
    expect(s.send(dgram, 0, to, false)).toBe(dgram.length);
    const r = asRecv(runUntilDone(p.sched, () => s.recv(2048, 0, false)));
    const ip = parseIpv4(r.data);
    expect(ip.ok && ip.value.src === ADDR_B && ip.value.dst === ADDR_A).toBe(true);
    expect(r.from).toEqual({ family: AF_PACKET, protocol: ETH_P_IP, ifindex: 2, hatype: 1, pkttype: 0, addr: '52:54:00:00:00:02' });
  });

  it('SOCK_RAW with ETH_P_ALL sees whole frames both ways; a protocol filter leaves other ethertypes out', () => {
    const p = stackPair();
    // Let the address announcements (gratuitous ARP) go by first.
    p.sched.runUntil(p.sched.now + 1_000_000_000);
    const all = asSocket(p.a.createPacketSocket(SOCK_RAW, ETH_P_ALL));
    const arpOnly = asSocket(p.a.createPacketSocket(SOCK_RAW, ETH_P_ARP));
    const udp = asSocket(p.a.createSocket(SOCK_DGRAM, 17));
    expect(udp.send(new Uint8Array(4), 0, { family: 2, addr: ADDR_B, port: 9 }, false)).toBe(4);
    p.sched.runUntil(p.sched.now + 1_000_000_000);
    const frames: Uint8Array[] = [];
    for (let r = all.recv(2048, 0, true); typeof r === 'object' && 'data' in r; r = all.recv(2048, 0, true)) frames.push(r.data);
    const types = frames.map((f) => (f[12] << 8) | f[13]);
    // ARP request out, reply in, the UDP datagram out, ICMP port unreachable back.
    expect(types).toEqual([ETH_P_ARP, ETH_P_ARP, ETH_P_IP, ETH_P_IP]);
    const arps: number[] = [];
    for (let r = arpOnly.recv(2048, 0, true); typeof r === 'object' && 'data' in r; r = arpOnly.recv(2048, 0, true)) arps.push(r.data.length);
    // Protocol-bound sockets see only what arrives: the ARP reply.
    expect(arps).toHaveLength(1);
  });

  it('refuses what Linux refuses: no interface, interface down, short raw frames, stream type', () => {
    const p = stackPair();
    const s = asSocket(p.a.createPacketSocket(SOCK_DGRAM, ETH_P_IP)) as KernelSocket;
    expect(s.send(new Uint8Array(20), 0, undefined, false)).toBe(-6); // ENXIO
    expect(s.bind({ family: AF_PACKET, protocol: 0, ifindex: 9, hatype: 0, pkttype: 0, addr: '' })).toBe(-19); // ENODEV
    p.a.setUp('eth0', false);
    expect(s.send(new Uint8Array(20), 0, { family: AF_PACKET, protocol: ETH_P_IP, ifindex: 2, hatype: 1, pkttype: 0, addr: BCAST }, false)).toBe(-100);
    const raw = asSocket(p.a.createPacketSocket(SOCK_RAW, ETH_P_IP));
    p.a.setUp('eth0', true);
    expect(raw.send(new Uint8Array(10), 0, { family: AF_PACKET, protocol: 0, ifindex: 2, hatype: 0, pkttype: 0, addr: '' }, false)).toBe(-22);
    expect(p.a.createPacketSocket(SOCK_STREAM, ETH_P_IP)).toBe(-94);
    expect(raw.recv(100, 0, true)).toBe(-11);
  });

  it('sockaddr_ll round-trips through the syscall layer\'s parser and emitter', () => {
    const a = { family: AF_PACKET, protocol: ETH_P_IP, ifindex: 2, hatype: 1, pkttype: 1, addr: '52:54:00:12:34:56' } as const;
    const bytes = emitSockaddr(a);
    expect(bytes.length).toBe(20);
    expect([...bytes.subarray(0, 4)]).toEqual([AF_PACKET, 0, 0x08, 0x00]);
    expect(parseSockaddr(bytes, AF_PACKET)).toEqual(a);
    expect(parseSockaddr(bytes.subarray(0, 8), AF_PACKET)).toBe(-22);
  });
});

describe('SOCK_RAW + IPPROTO_RAW', () => {
  it('sends the caller\'s datagram by its own header and receives nothing', () => {
    const p = stackPair();
    const raw = asSocket(p.a.createSocket(SOCK_RAW, IPPROTO_RAW));
    const tap = asSocket(p.a.createPacketSocket(SOCK_DGRAM, ETH_P_IP));
    const dgram = echoDatagram(ADDR_A, ADDR_B);
    expect(raw.send(dgram, 0, undefined, false)).toBe(dgram.length);
    const reply = asRecv(runUntilDone(p.sched, () => tap.recv(2048, 0, false)));
    const ip = parseIpv4(reply.data);
    expect(ip.ok && ip.value.src === ADDR_B && ip.value.protocol === IP_PROTO_ICMP).toBe(true);
    expect(raw.recv(100, 0, true)).toBe(-11);
    expect(raw.send(new Uint8Array(5), 0, undefined, false)).toBe(-22);
  });
});
