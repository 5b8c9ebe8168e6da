import { describe, expect, it } from 'vitest';
import { EventScheduler } from '../../../emulator/time/scheduler';
import { Prng } from '../../../emulator/random/prng';
import { F_RING_EVENT_IDX, F_RING_INDIRECT_DESC, F_VERSION_1, STATUS_DEVICE_NEEDS_RESET, ISR_CONFIG_CHANGE } from '../../virtio/constants';
import { MMIO_BASE, virtioRig, type VirtioRig } from '../../virtio/testing/harness';
import { REG } from '../../virtio/mmio';
import { BROADCAST_MAC, ipv4 } from '../../../guest/net/wire/bytes';
import { ARP_REPLY, ARP_REQUEST } from '../../../guest/net/wire/arp';
import { arpFrame, decodeFrame } from '../../../guest/net/wire/frame';
import { EthernetHub } from '../link';
import { numberedFrame } from '../testing';
import { UserNetwork } from '../user/network';
import { emitNetHdr, NET_HDR, parseNetHdr, PLAIN_HDR, RX_QUEUE, TX_QUEUE, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_F_MTU, VIRTIO_NET_F_STATUS, VIRTIO_NET_HDR_F_NEEDS_CSUM } from './config';
import { VirtioNet, type NetState } from './device';

const MAC = '52:54:00:12:34:56';
const ALL = F_VERSION_1 | F_RING_EVENT_IDX | F_RING_INDIRECT_DESC | VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_NET_F_MTU | VIRTIO_NET_F_MRG_RXBUF | 1n;

interface Setup {
  rig: VirtioRig<NetState>;
  dev: VirtioNet;
  sched: EventScheduler;
  hub: EthernetHub;
  peer: Uint8Array[];
  send: (f: Uint8Array) => void;
}

function setup(features = ALL, opts: { mtu?: number } = {}): Setup {
  const dev = new VirtioNet({ mac: MAC, ...opts });
  const sched = new EventScheduler();
  const hub = new EthernetHub('lan', sched, new Prng(1), { latencyNs: 0 });
  dev.attach(hub, 'nic');
  const peer: Uint8Array[] = [];
  const p = hub.attach('peer', (f) => peer.push(f));
  const rig = virtioRig(dev);
  expect(rig.driver.negotiate(features)).toBe(true);
  rig.driver.setupQueue(RX_QUEUE, 256);
  rig.driver.setupQueue(TX_QUEUE, 256);
  rig.driver.driverOk();
  return { rig, dev, sched, hub, peer, send: (f) => { p.send(f); sched.runUntil(sched.now + 1); } };
}

function txChain(frame: Uint8Array, hdr = PLAIN_HDR): Array<{ out: Uint8Array }> {
  return [{ out: emitNetHdr(hdr) }, { out: frame }];
}

function config8(rig: VirtioRig<NetState>, off: number, size: 1 | 2 | 4 = 1): number {
  return rig.bus.read(MMIO_BASE + REG.Config + off, size);
}

describe('virtio-net', () => {
  it('offers MAC, STATUS, MTU and MRG_RXBUF only, and shows its config', () => {
    const { rig } = setup();
    expect(rig.driver.negotiated).toBe(ALL & ~1n);
    const mac = [0, 1, 2, 3, 4, 5].map((i) => config8(rig, i).toString(16).padStart(2, '0')).join(':');
    expect(mac).toBe(MAC);
    expect(config8(rig, 6, 2)).toBe(1);
    expect(config8(rig, 8, 2)).toBe(1);
    expect(config8(rig, 10, 2)).toBe(1500);
    expect(() => new VirtioNet({ mac: MAC, mtu: 10 })).toThrow(/mtu/);
  });

  it('transmits a frame from the tx queue onto the link', () => {
    const { rig, dev, peer, sched } = setup();
    const frame = numberedFrame(7, 100);
    rig.driver.submit(TX_QUEUE, txChain(frame));
    rig.driver.kick(TX_QUEUE);
    sched.runUntil(1);
    expect(peer).toEqual([frame]);
    expect(rig.driver.collect(TX_QUEUE).map((u) => u.len)).toEqual([0]);
    expect(rig.irq.raises).toBeGreaterThan(0);
    expect(dev.metrics.txFrames).toBe(1);
  });

  it('drops frames whose header asks for an offload that was not offered', () => {
    const { rig, dev, peer, sched } = setup();
    rig.driver.submit(TX_QUEUE, txChain(numberedFrame(1), { ...PLAIN_HDR, flags: VIRTIO_NET_HDR_F_NEEDS_CSUM }));
    rig.driver.submit(TX_QUEUE, txChain(numberedFrame(2), { ...PLAIN_HDR, gsoType: 1 }));
    rig.driver.submit(TX_QUEUE, [{ out: new Uint8Array(8) }]);
    rig.driver.kick(TX_QUEUE);
    sched.runUntil(1);
    expect(peer).toEqual([]);
    expect(dev.metrics.txErrors).toBe(3);
    expect(rig.driver.collect(TX_QUEUE).length).toBe(3);
  });

  it('receives into one buffer per frame without MRG_RXBUF', () => {
    const { rig, send } = setup(ALL & ~VIRTIO_NET_F_MRG_RXBUF);
    rig.driver.submit(RX_QUEUE, [{ inLen: 1526 }]);
    rig.driver.kick(RX_QUEUE);
    const frame = numberedFrame(3, 90);
    send(frame);
    const [u] = rig.driver.collect(RX_QUEUE);
    expect(u.len).toBe(NET_HDR.sizeBytes + 90);
    expect(parseNetHdr(u.inputs[0])).toEqual({ ...PLAIN_HDR, numBuffers: 1 });
    expect(u.inputs[0].subarray(12, 102)).toEqual(frame);
  });

  it('spreads a frame over several buffers with MRG_RXBUF and sets num_buffers', () => {
    const { rig, send } = setup();
    for (let i = 0; i < 4; i++) rig.driver.submit(RX_QUEUE, [{ inLen: 100 }]);
    rig.driver.kick(RX_QUEUE);
    const frame = numberedFrame(4, 250);
    send(frame);
    const used = rig.driver.collect(RX_QUEUE);
    expect(used.map((u) => u.len)).toEqual([100, 100, 62]);
    expect(parseNetHdr(used[0].inputs[0])?.numBuffers).toBe(3);
    const joined = Uint8Array.from([...used[0].inputs[0], ...used[1].inputs[0], ...used[2].inputs[0].subarray(0, 62)]);
    expect(joined.subarray(12)).toEqual(frame);
  });

  it('holds frames until the driver posts buffers, bounded by the backlog', () => {
    const { rig, dev, send } = setup();
    send(numberedFrame(1));
    send(numberedFrame(2));
    expect(rig.driver.collect(RX_QUEUE)).toEqual([]);
    rig.driver.submit(RX_QUEUE, [{ inLen: 2048 }]);
    rig.driver.submit(RX_QUEUE, [{ inLen: 2048 }]);
    rig.driver.kick(RX_QUEUE);
    expect(rig.driver.collect(RX_QUEUE).map((u) => new DataView(u.inputs[0].buffer).getUint32(12 + 14))).toEqual([1, 2]);
    for (let i = 0; i < 300; i++) send(numberedFrame(i));
    expect(dev.metrics.rxDroppedNoBuffer).toBe(300 - 256);
  });

  it('returns a too-small buffer with length 0 without MRG_RXBUF', () => {
    const { rig, dev, send } = setup(ALL & ~VIRTIO_NET_F_MRG_RXBUF);
    rig.driver.submit(RX_QUEUE, [{ inLen: 64 }]);
    rig.driver.kick(RX_QUEUE);
    send(numberedFrame(1, 200));
    expect(rig.driver.collect(RX_QUEUE).map((u) => u.len)).toEqual([0]);
    expect(dev.metrics.rxDroppedTooBig).toBe(1);
  });

  it('drops received frames longer than the negotiated MTU allows', () => {
    const { rig, dev, send } = setup(ALL, { mtu: 576 });
    rig.driver.submit(RX_QUEUE, [{ inLen: 2048 }]);
    rig.driver.kick(RX_QUEUE);
    send(numberedFrame(1, 591));
    expect(dev.metrics.rxDroppedTooBig).toBe(1);
    send(numberedFrame(2, 590));
    expect(rig.driver.collect(RX_QUEUE).map((u) => u.len)).toEqual([12 + 590]);
  });

  it('reports link changes through the status field and a config interrupt', () => {
    const { rig, dev, send } = setup();
    rig.driver.transport.ackInterrupts();
    dev.setLinkUp(false);
    expect(config8(rig, 6, 2)).toBe(0);
    expect(rig.driver.transport.ackInterrupts() & ISR_CONFIG_CHANGE).toBe(ISR_CONFIG_CHANGE);
    send(numberedFrame(1));
    expect(dev.metrics.rxDroppedLinkDown).toBe(1);
  });

  it('puts the device in NEEDS_RESET on a malformed chain instead of throwing', () => {
    const { rig } = setup();
    const head = rig.driver.submit(TX_QUEUE, txChain(numberedFrame(1)));
    rig.driver.writeDescriptor(TX_QUEUE, head, { addr: 0x10, len: 64, flags: 0, next: 0 });
    rig.driver.kick(TX_QUEUE);
    expect(rig.driver.transport.status() & STATUS_DEVICE_NEEDS_RESET).toBe(STATUS_DEVICE_NEEDS_RESET);
  });

  it('talks to the user network: ARP out through tx, reply back through rx', () => {
    const dev = new VirtioNet({ mac: MAC });
    const sched = new EventScheduler();
    const prng = new Prng(5);
    const hub = new EthernetHub('user0', sched, prng);
    new UserNetwork(sched, prng.fork('user'), {}).attach(hub);
    dev.attach(hub, 'nic');
    const rig = virtioRig(dev);
    rig.driver.negotiate(ALL);
    rig.driver.setupQueue(RX_QUEUE, 64);
    rig.driver.setupQueue(TX_QUEUE, 64);
    rig.driver.driverOk();
    rig.driver.submit(RX_QUEUE, [{ inLen: 1526 }]);
    rig.driver.kick(RX_QUEUE);
    const req = arpFrame({ srcMac: MAC, dstMac: BROADCAST_MAC }, { operation: ARP_REQUEST, senderMac: MAC, senderIp: ipv4('10.0.2.15'), targetMac: '00:00:00:00:00:00', targetIp: ipv4('10.0.2.2') });
    rig.driver.submit(TX_QUEUE, txChain(req));
    rig.driver.kick(TX_QUEUE);
    sched.runUntil(1_000_000);
    const [u] = rig.driver.collect(RX_QUEUE);
    const d = decodeFrame(u.inputs[0].subarray(12, u.len));
    expect(d.ok && d.value.kind === 'arp' && d.value.arp.operation === ARP_REPLY && d.value.arp.senderMac).toBe('52:55:0a:00:02:02');
  });
});
