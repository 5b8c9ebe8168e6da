import { describe, it, expect } from 'vitest';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { EthernetHub } from '../../../devices/net/link';
import { EventScheduler } from '../../time/scheduler';
import { Prng } from '../../random/prng';
import { DgramBridge, udpEndpoints } from './dgram-bridge';

function bindPeer(): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(s)));
}

async function freePort(): Promise<number> {
  const s = await bindPeer();
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('dgram netdev endpoints', () => {
  it('reads QEMU\'s dgram and socket(udp) options', () => {
    expect(udpEndpoints({ type: 'dgram', id: 'n', props: { 'local.type': 'inet', 'local.host': '127.0.0.1', 'local.port': '1234', 'remote.type': 'inet', 'remote.host': '127.0.0.1', 'remote.port': '1235' } }))
      .toEqual({ localHost: '127.0.0.1', localPort: 1234, remoteHost: '127.0.0.1', remotePort: 1235 });
    expect(udpEndpoints({ type: 'socket', id: 'n', props: { udp: '127.0.0.1:9', localaddr: ':8' } })).toEqual({ localHost: '127.0.0.1', localPort: 8, remoteHost: '127.0.0.1', remotePort: 9 });
    expect(udpEndpoints({ type: 'dgram', id: 'n', props: { 'local.type': 'unix' } })).toMatch(/only inet/);
    expect(udpEndpoints({ type: 'socket', id: 'n', props: { listen: ':5' } })).toMatch(/only socket,udp/);
  });
});

describe('dgram bridge', () => {
  it('carries frames both ways between a hub and a UDP peer, one frame per datagram', async () => {
    const sched = new EventScheduler();
    const hub = new EthernetHub('h', sched, new Prng(1).fork('hub'), { latencyNs: 1000 });
    const seen: number[][] = [];
    const nic = hub.attach('nic', (f) => seen.push([...f.subarray(0, 2)]));
    const peer = await bindPeer();
    const bridge = new DgramBridge(hub, { localHost: '127.0.0.1', localPort: await freePort(), remoteHost: '127.0.0.1', remotePort: (peer.address() as AddressInfo).port });
    await bridge.open();
    const fromGuest = new Promise<Buffer>((resolve) => peer.once('message', (m) => resolve(m)));
    const frame = new Uint8Array(60);
    frame.set([1, 2]);
    nic.send(frame);
    sched.runUntil(10_000);
    const got = await fromGuest;
    expect([...got]).toEqual([...frame]);
    const back = new Uint8Array(64);
    back.set([7, 8]);
    peer.send(back, bridge.ends.localPort, '127.0.0.1');
    for (let i = 0; i < 100 && bridge.framesIn === 0; i++) await new Promise((r) => setImmediate(r));
    sched.runUntil(sched.now + 10_000);
    expect(seen).toEqual([[7, 8]]);
    expect([bridge.framesOut, bridge.framesIn]).toEqual([1, 1]);
    await bridge.close();
    peer.close();
  });
});
