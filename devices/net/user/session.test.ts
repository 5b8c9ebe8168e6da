import { describe, expect, it } from 'vitest';
import { parsePcap } from '../pcap';
import { runSampleSession, ScriptedGuest } from './testing';

const OPTS = { dns: { 'example.com': '93.184.216.34' }, hosts: [{ ip: '93.184.216.34', udpEchoPorts: [7], http: { port: 80, pages: { '/': '<html><body>Hello from twinbox</body></html>\n' } } }] };

describe('a whole guest session on the user network', () => {
  it('gets a lease, resolves a name and fetches the page; the capture holds every frame', () => {
    const g = new ScriptedGuest(OPTS, 11);
    const body = runSampleSession(g);
    expect(body).toMatch(/^HTTP\/1\.0 200 OK\r\n[\s\S]*\r\n\r\n<html><body>Hello from twinbox<\/body><\/html>\n$/);
    expect(g.undecodable).toEqual([]);
    const p = parsePcap(g.pcap.bytes());
    expect(p.ok && p.value.records.length).toBe(g.pcap.frames);
    expect(g.pcap.frames).toBeGreaterThan(15);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number): Uint8Array => {
      const g = new ScriptedGuest(OPTS, seed);
      runSampleSession(g);
      return g.pcap.bytes();
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });
});

describe('hostile frames', () => {
  it('never throw out of the user network, whatever bytes are flipped', async () => {
    const fc = (await import('fast-check')).default;
    const g = new ScriptedGuest(OPTS, 11);
    const frames: Uint8Array[] = [];
    g.hub.addTap((_t, f, from) => {
      if (from === 'guest') frames.push(f);
    });
    runSampleSession(g);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: frames.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(), (which, edits, cut) => {
        const f = frames[which].slice(0, Math.max(14, frames[which].length - (cut % 40)));
        for (const [at, v] of edits) f[at % f.length] = v;
        expect(() => g.net.receive(f)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    g.run(1_000_000_000);
    expect(g.net.stats.rxFrames).toBeGreaterThan(2000);
  });
});

describe('hostile but well-checksummed packets', () => {
  it('DHCP, DNS and TCP handlers take any payload or header values without throwing', async () => {
    const fc = (await import('fast-check')).default;
    const { decodeFrame, tcpFrame, udpFrame } = await import('../../../guest/net/wire/frame');
    const g = new ScriptedGuest(OPTS, 12);
    const decoded: Array<ReturnType<typeof decodeFrame>> = [];
    g.hub.addTap((_t, f, from) => {
      if (from === 'guest') decoded.push(decodeFrame(f));
    });
    runSampleSession(g);
    const udp = decoded.flatMap((d) => (d.ok && d.value.kind === 'udp' ? [d.value] : []));
    const tcp = decoded.flatMap((d) => (d.ok && d.value.kind === 'tcp' ? [d.value] : []));
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (which, edits, seqDelta, ackDelta, flags) => {
        const u = udp[which % udp.length];
        const payload = u.udp.payload.slice(0, Math.max(0, u.udp.payload.length - (which % 7)));
        for (const [at, v] of edits) if (payload.length > 0) payload[at % payload.length] = v;
        const l3 = { srcMac: u.eth.src, dstMac: u.eth.dst, src: u.ip.src, dst: u.ip.dst };
        expect(() => g.net.receive(udpFrame(l3, { ...u.udp, payload }))).not.toThrow();
        const t = tcp[which % tcp.length];
        const seg = { ...t.tcp, seq: (t.tcp.seq + (seqDelta % 5) - 2) >>> 0, ack: (t.tcp.ack + (ackDelta % 5) - 2) >>> 0, flags, payload };
        expect(() => g.net.receive(tcpFrame({ srcMac: t.eth.src, dstMac: t.eth.dst, src: t.ip.src, dst: t.ip.dst }, seg))).not.toThrow();
        g.run(100_000_000);
      }),
      { numRuns: 1500 },
    );
    expect(() => g.run(700_000_000_000)).not.toThrow();
  });
});
