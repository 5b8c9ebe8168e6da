// The virtio-net driver (virtio 1.1 §5.1; Linux's drivers/net/virtio_net.c, reduced) as the
// IP stack's NetDevice: negotiates MAC, STATUS, MTU and MRG_RXBUF when the device offers them
// (no offloads), keeps the receive queue filled with 2 KiB buffers (a frame may span several
// with MRG_RXBUF; without it each buffer holds a whole frame), copies each transmitted frame
// with its 12-byte header into a slot of its own and reclaims slots from the used ring on the
// next send. Receive completions arrive by interrupt; transmit interrupts are suppressed.

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import type { NetDevice, NetDeviceStats } from '../../net/socket';
import { NetRing } from './net-ring';
import {
  F_VERSION_1, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK,
  type VirtioTransport,
} from './transport';

export const VIRTIO_ID_NET = 1;
export const F_NET_MTU = 1n << 3n, F_NET_MAC = 1n << 5n, F_NET_MRG_RXBUF = 1n << 15n, F_NET_STATUS = 1n << 16n;
const WANTED = F_VERSION_1 | F_NET_MTU | F_NET_MAC | F_NET_MRG_RXBUF | F_NET_STATUS;
const RX_QUEUE = 0, TX_QUEUE = 1;
const HDR_BYTES = 12, ETH_HLEN = 14, PAGE = 4096;
const S_LINK_UP = 1;
/** Receive buffers posted (ring entries) and transmit slots; each a power of two. */
const RX_BUFFERS = 128, TX_SLOTS = 32;

export interface VirtioNetOptions {
  name: string;
  /** Used when the device does not offer VIRTIO_NET_F_MAC (Linux picks a random one). */
  fallbackMac: string;
}

export class VirtioNetDriver implements NetDevice {
  readonly stats: NetDeviceStats = { rxPackets: 0, txPackets: 0, rxBytes: 0, txBytes: 0, rxDropped: 0, txDropped: 0, rxErrors: 0, txErrors: 0 };
  /** Interrupts taken, frames handed up per interrupt (for the bench). */
  interrupts = 0;
  private receiver: ((frame: Uint8Array) => void) | undefined;
  private status = S_LINK_UP;
  private partial: Uint8Array[] = [];
  private partialLeft = 0;

  private constructor(
    private readonly t: VirtioTransport,
    private readonly ram: GuestRam,
    readonly name: string,
    readonly mac: string,
    readonly mtuBytes: number,
    readonly features: bigint,
    private readonly rx: NetRing,
    private readonly tx: NetRing,
    private readonly rxBufs: number[],
    private readonly rxBufBytes: number,
    private readonly txSlots: number[],
  ) {}

  /** Initialises the device (§3.1.1, §5.1.5); a message when it cannot be driven. */
  static init(t: VirtioTransport, ram: GuestRam, allocFrame: () => number | undefined, opts: VirtioNetOptions): VirtioNetDriver | string {
    t.setStatus(0);
    t.setStatus(STATUS_ACKNOWLEDGE);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    const features = t.deviceFeatures() & WANTED;
    if (!(features & F_VERSION_1)) return fail(t, 'device does not offer VIRTIO_F_VERSION_1');
    t.setDriverFeatures(features);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(t.getStatus() & STATUS_FEATURES_OK)) return fail(t, 'features not accepted');
    const mac = features & F_NET_MAC ? readMac(t) : opts.fallbackMac;
    const mergeable = (features & F_NET_MRG_RXBUF) !== 0n;
    let mtu = features & F_NET_MTU ? t.readConfig(10, 2) : 1500;
    // Without mergeable buffers a frame must fit one page-sized buffer.
    if (!mergeable) mtu = Math.min(mtu, PAGE - HDR_BYTES - ETH_HLEN);
    const rxBufBytes = mergeable || mtu + HDR_BYTES + ETH_HLEN <= 2048 ? 2048 : PAGE;
    if (t.queueMaxSize(RX_QUEUE) < RX_BUFFERS || t.queueMaxSize(TX_QUEUE) < TX_SLOTS) return fail(t, 'queues too small');
    const rx = NetRing.create(ram, allocFrame, RX_BUFFERS, true);
    const tx = NetRing.create(ram, allocFrame, TX_SLOTS, false);
    const rxBufs = carve(allocFrame, RX_BUFFERS, rxBufBytes);
    const txSlots = carve(allocFrame, TX_SLOTS, PAGE);
    if (!rx || !tx || !rxBufs || !txSlots) return fail(t, 'out of memory for the queues');
    t.enableQueue(RX_QUEUE, RX_BUFFERS, rx.addrs);
    t.enableQueue(TX_QUEUE, TX_SLOTS, tx.addrs);
    const d = new VirtioNetDriver(t, ram, opts.name, mac, mtu, features, rx, tx, rxBufs, rxBufBytes, txSlots);
    // §5.1.5: fill the receive queue before DRIVER_OK so the device can deliver at once.
    for (let i = 0; i < RX_BUFFERS; i++) rx.post(rxBufs[i], rxBufBytes, true);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    d.readStatus();
    t.notify(RX_QUEUE);
    return d;
  }

  get where(): string {
    return this.t.where;
  }

  get linkUp(): boolean {
    return (this.status & S_LINK_UP) !== 0;
  }

  setReceiver(receive: (frame: Uint8Array) => void): void {
    this.receiver = receive;
  }

  transmit(frame: Uint8Array): boolean {
    while (this.tx.takeUsed()) {
      // Slots come back in the used ring; nothing else to do for them.
    }
    if (frame.length < ETH_HLEN || frame.length > PAGE - HDR_BYTES || !this.linkUp) {
      this.stats.txDropped++;
      return false;
    }
    // Ring ids and slots are one-to-one (the ring is TX_SLOTS long): fill the slot the next id names.
    const id = this.tx.peekFree();
    if (id === undefined) {
      this.stats.txDropped++;
      return false;
    }
    const addr = this.txSlots[id];
    const page = this.ram.pageFor(addr);
    page.fill(0, 0, HDR_BYTES);
    page.set(frame, HDR_BYTES);
    this.tx.post(addr, HDR_BYTES + frame.length, false);
    this.stats.txPackets++;
    this.stats.txBytes += frame.length;
    this.t.notify(TX_QUEUE);
    return true;
  }

  /** The interrupt handler: configuration changes (link) and received frames. */
  handleIrq(): void {
    this.interrupts++;
    const isr = this.t.ackInterrupt();
    if (isr & 2) this.readStatus();
    this.pollRx();
  }

  /** Drains the used receive ring, refills it, then hands the frames up. */
  pollRx(): void {
    const frames: Uint8Array[] = [];
    let reposted = false;
    for (let u = this.rx.takeUsed(); u; u = this.rx.takeUsed()) {
      const buf = this.rxBufs[u.id];
      if (buf === undefined) continue;
      const f = this.collect(buf, Math.min(u.lenBytes, this.rxBufBytes));
      if (f) frames.push(f);
      this.rx.post(buf, this.rxBufBytes, true);
      reposted = true;
    }
    if (reposted) this.t.notify(RX_QUEUE);
    for (const f of frames) {
      this.stats.rxPackets++;
      this.stats.rxBytes += f.length;
      this.receiver?.(f);
    }
  }

  /** One used buffer: a whole frame, the start of a merged one, or a continuation. */
  private collect(buf: number, lenBytes: number): Uint8Array | undefined {
    const page = this.ram.pageFor(buf);
    const off = buf % PAGE;
    if (this.partialLeft > 0) {
      this.partial.push(page.slice(off, off + lenBytes));
      if (--this.partialLeft > 0) return undefined;
      return this.finishPartial();
    }
    if (lenBytes < HDR_BYTES + ETH_HLEN) {
      this.stats.rxErrors++;
      return undefined;
    }
    const numBuffers = this.features & F_NET_MRG_RXBUF ? page[off + 10] | (page[off + 11] << 8) : 1;
    const body = page.slice(off + HDR_BYTES, off + lenBytes);
    if (numBuffers <= 1) return body;
    if (numBuffers > RX_BUFFERS) {
      this.stats.rxErrors++;
      return undefined;
    }
    this.partial = [body];
    this.partialLeft = numBuffers - 1;
    return undefined;
  }

  private finishPartial(): Uint8Array {
    const out = new Uint8Array(this.partial.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of this.partial) {
      out.set(p, o);
      o += p.length;
    }
    this.partial = [];
    return out;
  }

  private readStatus(): void {
    this.status = this.features & F_NET_STATUS ? this.t.readConfig(6, 2) : S_LINK_UP;
  }
}

function readMac(t: VirtioTransport): string {
  const b: string[] = [];
  for (let i = 0; i < 6; i++) b.push(t.readConfig(i, 1).toString(16).padStart(2, '0'));
  return b.join(':');
}

/** `count` buffers of `sizeBytes` (≤ a page), packed into fresh frames. */
function carve(allocFrame: () => number | undefined, count: number, sizeBytes: number): number[] | undefined {
  const out: number[] = [];
  const perPage = Math.max(1, Math.floor(PAGE / sizeBytes));
  while (out.length < count) {
    const f = allocFrame();
    if (f === undefined) return undefined;
    for (let i = 0; i < perPage && out.length < count; i++) out.push(f + i * sizeBytes);
  }
  return out;
}

function fail(t: VirtioTransport, why: string): string {
  t.setStatus(t.getStatus() | STATUS_FAILED);
  return `virtio_net ${t.where}: ${why}`;
}
