import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { EventScheduler } from '../../../emulator/time/scheduler';
import { simpleIpv4, IP_PROTO_UDP } from '../wire/ipv4';
import { fragmentIpv4, Reassembler, REASSEMBLY_TIMEOUT_NS } from './fragment';
import { stackPair } from './testing';
import { decodeFrame } from '../wire/frame';
import { emitEthernet, ETHERTYPE_IPV4 } from '../wire/ethernet';
import { emitIpv4 } from '../wire/ipv4';
import { emitUdp } from '../wire/udp';

describe('IPv4 fragmentation and reassembly', () => {
  it('splits at multiples of 8 within the MTU and reassembles from any order with duplicates', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9000 }), fc.integer({ min: 68, max: 1500 }), fc.nat(), (size, mtu, seed) => {
        const payload = Uint8Array.from({ length: size }, (_, i) => (i * 13 + seed) & 0xff);
        const frags = fragmentIpv4({ ...simpleIpv4(1, 2, IP_PROTO_UDP, payload, 77), dontFragment: false }, mtu);
        for (const f of frags) {
          expect(20 + f.payload.length).toBeLessThanOrEqual(mtu);
          if (f.moreFragments) expect(f.payload.length % 8).toBe(0);
        }
        const order = [...frags.keys()].sort((x, y) => ((x * 7919 + seed) % 101) - ((y * 7919 + seed) % 101));
        const r = new Reassembler(new EventScheduler());
        let whole = null;
        for (const i of [...order, order[0]]) whole = r.add(frags[i]) ?? whole;
        expect(whole?.payload).toEqual(payload);
      }),
      { numRuns: 60 },
    );
  });

  it('gives up after 30 s and answers with ICMP time exceeded (fragment reassembly)', () => {
    const p = stackPair();
    const seen: number[] = [];
    p.hub.addTap((_t, f, from) => {
      const d = decodeFrame(f);
      if (from === 'b' && d.ok && d.value.kind === 'icmp' && d.value.icmp.kind === 'timeExceeded') seen.push(d.value.icmp.code);
    });
    const udp = emitUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(100) }, 0x0a000001, 0x0a000002);
    const first = { ...simpleIpv4(0x0a000001, 0x0a000002, IP_PROTO_UDP, udp.subarray(0, 48), 5), dontFragment: false, moreFragments: true };
    p.devA.transmit(emitEthernet({ dst: '52:54:00:00:00:02', src: '52:54:00:00:00:01', ethertype: ETHERTYPE_IPV4, payload: emitIpv4(first) }, true));
    p.sched.runUntil(p.sched.now + REASSEMBLY_TIMEOUT_NS + 1e9);
    expect(seen).toEqual([1]);
    expect(p.b.counters.ipReasmFails).toBe(1);
  });
});
