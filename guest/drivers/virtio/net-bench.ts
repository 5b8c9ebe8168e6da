// Frames per second through the guest virtio-net driver and the device model (virtio-mmio, a
// hub port on the far side), each way. The wall clock is passed in: guest code never reads one.

import { Bus } from '../../../emulator/bus/bus';
import { GuestRam } from '../../../emulator/memory/guest-ram';
import { Prng } from '../../../emulator/random/prng';
import { EventScheduler } from '../../../emulator/time/scheduler';
import { EthernetHub } from '../../../devices/net/link';
import { VirtioNet } from '../../../devices/net/virtio-net/device';
import { MMIO_WINDOW_BYTES, VirtioMmioTransport } from '../../../devices/virtio/mmio';
import type { IrqLine } from '../../../emulator/bus/irq';
import { VirtioMmioDriverTransport } from './mmio';
import { VirtioNetDriver } from './net';

const RAM_BASE = 0x4000_0000, MMIO_BASE = 0x0a00_0000;

export interface NetDriverBench {
  txFramesPerSec: number;
  rxFramesPerSec: number;
  frames: number;
}

export function benchVirtioNetDriver(nowMs: () => number, frames: number, lenBytes = 1514): NetDriverBench {
  const sched = new EventScheduler();
  const hub = new EthernetHub('bench', sched, new Prng(1));
  const ram = new GuestRam(RAM_BASE, 16 << 20);
  const bus = new Bus(ram);
  let level = false;
  const irq: IrqLine = { set: (l) => void (level = l) };
  const device = new VirtioNet({ mac: '52:54:00:12:34:56' });
  device.attach(hub, 'nic');
  bus.mapMmio('virtio-mmio0', MMIO_BASE, MMIO_WINDOW_BYTES, new VirtioMmioTransport(device, ram, irq));
  let sent = 0, got = 0;
  const peer = hub.attach('peer', () => sent++);
  let next = RAM_BASE + (1 << 20);
  const d = VirtioNetDriver.init(VirtioMmioDriverTransport.probe(bus, MMIO_BASE, 48)!, ram, () => (next += 4096) - 4096, { name: 'eth0', fallbackMac: '02:00:00:00:00:01' });
  if (typeof d === 'string') throw new Error(d);
  d.setReceiver(() => got++);
  const frame = new Uint8Array(lenBytes).fill(0xa5);
  const t0 = nowMs();
  for (let i = 0; i < frames; i++) d.transmit(frame);
  while (sched.runNext()) {
    /* deliver to the peer */
  }
  const t1 = nowMs();
  for (let i = 0; i < frames; i++) {
    peer.send(frame);
    if (i % 64 === 63) {
      while (sched.runNext()) {
        /* deliver to the device */
      }
      if (level) d.handleIrq();
    }
  }
  while (sched.runNext()) {
    /* the rest */
  }
  if (level) d.handleIrq();
  const t2 = nowMs();
  if (sent !== frames || got !== frames) throw new Error(`virtio-net bench: sent ${sent}, received ${got} of ${frames}`);
  return { frames, txFramesPerSec: frames / Math.max((t1 - t0) / 1000, 1e-9), rxFramesPerSec: frames / Math.max((t2 - t1) / 1000, 1e-9) };
}
