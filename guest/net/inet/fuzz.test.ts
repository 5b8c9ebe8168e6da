import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from '../socket';
import { emitIcmpv4 } from '../wire/icmpv4';
import { IPPROTO_ICMP } from './consts';
import { asSocket, runUntilDone, stackPair } from './testing';
import { tcpBulk } from './bulk';

/** Every frame of a session with ARP, ping, UDP and a short TCP transfer. */
function sessionFrames(): Uint8Array[] {
  const p = stackPair(9);
  const frames: Uint8Array[] = [];
  p.hub.addTap((_t, f) => frames.push(f));
  const ping = asSocket(p.a.createSocket(SOCK_DGRAM, IPPROTO_ICMP));
  ping.send(emitIcmpv4({ kind: 'echoRequest', ident: 0, seq: 1, data: new Uint8Array(8) }), 0, { family: AF_INET, addr: 0x0a000002, port: 0 }, false);
  runUntilDone(p.sched, () => ping.recv(100, 0, false));
  asSocket(p.a.createSocket(SOCK_DGRAM, 0)).send(new Uint8Array(3000), 0, { family: AF_INET, addr: 0x0a000002, port: 9 }, false);
  tcpBulk(p.sched, p.a, p.b, 0x0a000002, new Uint8Array(5000));
  return frames;
}

describe('hostile frames into the stack', () => {
  const frames = sessionFrames();

  it('are counted and dropped, never thrown, whatever bytes are flipped or cut', () => {
    const p = stackPair(10);
    const l = asSocket(p.b.createSocket(SOCK_STREAM, 0));
    l.bind({ family: AF_INET, addr: 0, port: 5001 });
    l.listen(4);
    const u = asSocket(p.b.createSocket(SOCK_DGRAM, 0));
    u.bind({ family: AF_INET, addr: 0, port: 9 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: frames.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 0, maxLength: 6 }), fc.nat(80), (which, edits, cut) => {
        const f = frames[which].slice(0, Math.max(1, frames[which].length - cut));
        for (const [pos, v] of edits) f[pos % f.length] = v;
        p.devA.port.send(f);
        p.sched.runUntil(p.sched.now + 5e6);
      }),
      { numRuns: 400 },
    );
    const c = p.b.counters;
    expect(c.ipInHdrErrors + c.tcpInErrs + c.udpInErrors + c.icmpInErrors + p.b.interfaces()[1].stats.rxErrors).toBeGreaterThan(0);
  });

  it('arbitrary bytes are harmless too', () => {
    const p = stackPair(11);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
        if (bytes.length >= 14) p.devA.port.send(bytes);
        p.sched.runUntil(p.sched.now + 1e6);
      }),
    );
    expect(p.b.interfaces().length).toBe(2);
  });
});
