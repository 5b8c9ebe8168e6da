// The guest virtio-net driver against the device model (devices/net/virtio-net) over
// virtio-mmio, with a hub port on the other side: feature negotiation, frames both ways,
// mergeable buffers for jumbo frames, link changes, and a full transmit ring.
import { describe, it, expect } from 'vitest';
import { Bus } from '../../../emulator/bus/bus';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import { Prng } from '../../../emulator/random/prng';
import { EventScheduler } from '../../../emulator/time/scheduler';
import { EthernetHub } from '../../../devices/net/link';
import { VirtioNet } from '../../../devices/net/virtio-net/device';
import { MMIO_WINDOW_BYTES, VirtioMmioTransport } from '../../../devices/virtio/mmio';
import { RecordingIrq } from '../../../devices/virtio/testing/harness';
import { VirtioMmioDriverTransport } from './mmio';
import { F_NET_MAC, F_NET_MRG_RXBUF, F_NET_MTU, F_NET_STATUS, VirtioNetDriver } from './net';

const RAM_BASE = 0x4000_0000, MMIO_BASE = 0x0a00_0000;

function frame(src: string, dst: string, len: number, fill: number): Uint8Array {
  const f = new Uint8Array(len).fill(fill);
  f.set(dst.split(':').map((h) => parseInt(h, 16)), 0);
  f.set(src.split(':').map((h) => parseInt(h, 16)), 6);
  f[12] = 0x08;
  f[13] = 0x00;
  return f;
}

function rig(mtu = 1500) {
  const sched = new EventScheduler();
  const hub = new EthernetHub('lan', sched, new Prng(7).fork('hub'));
  const ram = new GuestRam(RAM_BASE, 16 << 20);
  const bus = new Bus(ram);
  const irq = new RecordingIrq();
  const device = new VirtioNet({ mac: '52:54:00:12:34:56', mtu });
  device.attach(hub, 'nic');
  bus.mapMmio('virtio-mmio0', MMIO_BASE, MMIO_WINDOW_BYTES, new VirtioMmioTransport(device, ram, irq));
  const peerGot: Uint8Array[] = [];
  const peer = hub.attach('peer', (f) => peerGot.push(f));
  const t = VirtioMmioDriverTransport.probe(bus, MMIO_BASE, 48)!;
  let next = RAM_BASE + (1 << 20);
  const alloc = () => {
    const a = next;
    next += 4096;
    return a;
  };
  const d = VirtioNetDriver.init(t, ram, alloc, { name: 'eth0', fallbackMac: '02:00:00:00:00:01' });
  if (typeof d === 'string') throw new Error(d);
  const got: Uint8Array[] = [];
  d.setReceiver((f) => got.push(f));
  const runAll = () => {
    while (sched.nextEventTime() !== undefined) sched.runNext();
    if (irq.level) d.handleIrq();
  };
  return { sched, hub, device, irq, d, got, peer, peerGot, runAll };
}

describe('virtio-net driver', () => {
  it('negotiates MAC, STATUS, MTU and mergeable buffers and reads the config', () => {
    const { d } = rig(1400);
    expect(d.mac).toBe('52:54:00:12:34:56');
    expect(d.mtuBytes).toBe(1400);
    expect(d.linkUp).toBe(true);
    for (const f of [F_NET_MAC, F_NET_STATUS, F_NET_MTU, F_NET_MRG_RXBUF]) expect(d.features & f).toBe(f);
  });

  it('carries frames both ways with counters', () => {
    const { d, got, peer, peerGot, runAll, device } = rig();
    const out = frame('52:54:00:12:34:56', 'ff:ff:ff:ff:ff:ff', 100, 0xab);
    expect(d.transmit(out)).toBe(true);
    runAll();
    expect(peerGot).toEqual([out]);
    const ins = [1, 2, 3].map((i) => frame('02:00:00:00:00:09', '52:54:00:12:34:56', 60 + i * 100, i));
    for (const f of ins) peer.send(f);
    runAll();
    expect(got).toEqual(ins);
    expect(d.stats).toMatchObject({ txPackets: 1, txBytes: 100, rxPackets: 3, rxBytes: 160 + 260 + 360 });
    expect(device.metrics.rxFrames).toBe(3);
  });

  it('keeps receiving past the ring size (buffers are reposted) and reassembles jumbo frames', () => {
    const { got, peer, runAll } = rig(9000);
    for (let i = 0; i < 300; i++) {
      peer.send(frame('02:00:00:00:00:09', '52:54:00:12:34:56', 64, i & 0xff));
      if (i % 50 === 49) runAll();
    }
    runAll();
    const jumbo = frame('02:00:00:00:00:09', '52:54:00:12:34:56', 9000, 0x5a);
    peer.send(jumbo);
    runAll();
    expect(got.length).toBe(301);
    expect(got[299][20]).toBe(299 & 0xff);
    expect(got[300]).toEqual(jumbo);
  });

  it('sees link changes through the config interrupt and stops sending while down', () => {
    const { d, device, irq } = rig();
    device.setLinkUp(false);
    expect(irq.level).toBe(true);
    d.handleIrq();
    expect(d.linkUp).toBe(false);
    expect(d.transmit(frame('52:54:00:12:34:56', 'ff:ff:ff:ff:ff:ff', 60, 1))).toBe(false);
    expect(d.stats.txDropped).toBe(1);
    device.setLinkUp(true);
    d.handleIrq();
    expect(d.linkUp).toBe(true);
  });

  it('reclaims transmit slots: far more frames than slots go out', () => {
    const { d, peerGot, runAll } = rig();
    let ok = 0;
    for (let i = 0; i < 1000; i++) if (d.transmit(frame('52:54:00:12:34:56', 'ff:ff:ff:ff:ff:ff', 60, i & 0xff))) ok++;
    runAll();
    expect(ok).toBe(1000);
    expect(peerGot.length).toBe(1000);
    expect(d.transmit(new Uint8Array(5000))).toBe(false);
  });
});

describe('virtio-net bench', () => {
  it('moves every frame both ways', async () => {
    const { benchVirtioNetDriver } = await import('./net-bench');
    let t = 0;
    const r = benchVirtioNetDriver(() => (t += 1), 500);
    expect(r.frames).toBe(500);
    expect(r.txFramesPerSec).toBeGreaterThan(0);
  });
});
