// virtio-net as `-device virtio-net-pci` (modern only): identity QEMU gives it, and a frame each
// way through the pci transport's registers.

import { describe, expect, it } from 'vitest';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import { EventScheduler } from '../../../emulator/time/scheduler';
import { Prng } from '../../../emulator/random/prng';
import { F_VERSION_1 } from '../../virtio/constants';
import { buildVirtioPciFunction } from '../../virtio/pci-function';
import { MockVirtioDriver, PciDriverTransport } from '../../virtio/testing/mock-driver';
import { EthernetHub } from '../link';
import { numberedFrame } from '../testing';
import { emitNetHdr, NET_HDR, PLAIN_HDR, RX_QUEUE, TX_QUEUE, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF } from './config';
import { VirtioNet } from './device';

const RAM_BASE = 0x4000_0000;

describe('virtio-net over modern virtio-pci', () => {
  it('has QEMU identity (1af4:1041, class 0x020000) and moves frames both ways', () => {
    const ram = new GuestRam(RAM_BASE, 16 << 20);
    const dev = new VirtioNet({ mac: '52:54:00:aa:bb:cc' });
    const sched = new EventScheduler();
    const hub = new EthernetHub('lan', sched, new Prng(2), { latencyNs: 100 });
    dev.attach(hub, 'nic');
    const got: Uint8Array[] = [];
    const peer = hub.attach('peer', (f) => got.push(f));
    const pci = buildVirtioPciFunction(dev, ram);
    expect([pci.fn.vendorId, pci.fn.deviceId, pci.fn.classCode]).toEqual([0x1af4, 0x1041, 0x020000]);
    const driver = new MockVirtioDriver(ram, new PciDriverTransport(pci.regs), RAM_BASE, 16 << 20);
    expect(driver.negotiate(F_VERSION_1 | VIRTIO_NET_F_MAC | VIRTIO_NET_F_MRG_RXBUF)).toBe(true);
    driver.setupQueue(RX_QUEUE, 64);
    driver.setupQueue(TX_QUEUE, 64);
    driver.driverOk();
    driver.submit(RX_QUEUE, [{ inLen: 1526 }]);
    driver.kick(RX_QUEUE);
    const out = numberedFrame(1, 80);
    driver.submit(TX_QUEUE, [{ out: Uint8Array.from([...emitNetHdr(PLAIN_HDR), ...out]) }]);
    driver.kick(TX_QUEUE);
    peer.send(numberedFrame(2, 70));
    sched.runUntil(1000);
    expect(got).toEqual([out]);
    const [u] = driver.collect(RX_QUEUE);
    expect(u.len).toBe(NET_HDR.sizeBytes + 70);
    expect(u.inputs[0].subarray(NET_HDR.sizeBytes, u.len)).toEqual(numberedFrame(2, 70));
  });
});
