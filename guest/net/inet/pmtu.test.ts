import { describe, it, expect } from 'vitest';
import { AF_INET, SOCK_STREAM } from '../socket';
import { icmpFrame, decodeFrame } from '../wire/frame';
import { emitIpv4, simpleIpv4, IP_PROTO_TCP } from '../wire/ipv4';
import { icmpQuote } from '../wire/icmpv4';
import { emitTcp, TCP_ACK } from '../wire/tcp';
import { ADDR_A, ADDR_B, asSocket, runUntilDone, stackPair } from './testing';

describe('ICMP errors reaching TCP', () => {
  it('fragmentation needed lowers the MSS of the connection it quotes', () => {
    const p = stackPair();
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 80 });
    l.listen(1);
    const c = asSocket(p.a.createSocket(SOCK_STREAM, 0));
    expect(runUntilDone(p.sched, () => c.connect({ family: AF_INET, addr: ADDR_B, port: 80 }, false))).toBe(0);
    const local = c.localAddress();
    const port = typeof local === 'object' && local.family === AF_INET ? local.port : 0;
    // A router on the path says: 576 bytes at most.
    const seg = emitTcp({ srcPort: port, dstPort: 80, seq: 1, ack: 1, flags: TCP_ACK, window: 100, urgent: 0, options: {}, payload: new Uint8Array(1400) }, ADDR_A, ADDR_B);
    const quote = icmpQuote(emitIpv4(simpleIpv4(ADDR_A, ADDR_B, IP_PROTO_TCP, seg)));
    p.devB.port.send(icmpFrame({ srcMac: '52:54:00:00:00:02', dstMac: '52:54:00:00:00:01', src: ADDR_B, dst: ADDR_A }, { kind: 'destUnreachable', code: 4, nextHopMtu: 576, original: quote }));
    p.sched.runUntil(p.sched.now + 1e6);
    const sizes: number[] = [];
    p.hub.addTap((_t, f, from) => {
      const d = decodeFrame(f);
      if (from === 'a' && d.ok && d.value.kind === 'tcp' && d.value.tcp.payload.length > 0) sizes.push(d.value.tcp.payload.length);
    });
    c.send(new Uint8Array(5000), 0, undefined, false);
    p.sched.runUntil(p.sched.now + 1e9);
    expect(Math.max(...sizes)).toBe(536);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5000);
  });
});
