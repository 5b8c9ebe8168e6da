// virtio-net (virtio 1.1 §5.1): one receive and one transmit queue, attached to a hub port.
// Offered features: MAC, STATUS, MTU and MRG_RXBUF; no checksum or segmentation offloads, so
// every frame is whole and checksummed by the guest. Transmit completes synchronously on the
// kick. Received frames wait in a bounded backlog until the driver posts buffers; with
// MRG_RXBUF one frame may fill several buffers (num_buffers says how many), without it a frame
// that does not fit one buffer is dropped and the buffer returned with length 0, which Linux
// counts as a length error. Chains popped but not yet filled are held, never lost.

import type { DescriptorChain, SplitQueue } from '../../virtio/queue';
import { DEVICE_ID_NET } from '../../virtio/constants';
import { readConfigBytes, type VirtioDevice, type VirtioDeviceContext } from '../../virtio/device';
import { isQueueFault, readChain, writeChain } from '../../virtio/queue';
import type { Mac } from '../../../guest/net/wire/bytes';
import { MAX_FRAME_BYTES, type EthernetHub, type HubPort } from '../link';
import {
  emitNetConfig,
  emitNetHdr,
  NET_CONFIG,
  NET_HDR,
  parseNetHdr,
  PLAIN_HDR,
  RX_QUEUE,
  TX_QUEUE,
  VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_NET_F_MTU,
  VIRTIO_NET_F_STATUS,
  VIRTIO_NET_HDR_F_NEEDS_CSUM,
  VIRTIO_NET_HDR_GSO_NONE,
  VIRTIO_NET_S_LINK_UP,
} from './config';

export const NET_QUEUE_SIZE = 256;
/** Frames held for a driver that has not posted receive buffers (QEMU queues similarly). */
export const RX_BACKLOG_FRAMES = 256;
const ETH_HEADER_BYTES = 14;

export interface NetOptions {
  mac: Mac;
  mtu?: number;
  linkUp?: boolean;
}

export interface NetMetrics {
  txFrames: number;
  txBytes: number;
  txErrors: number;
  rxFrames: number;
  rxBytes: number;
  rxDroppedNoBuffer: number;
  rxDroppedTooBig: number;
  rxDroppedLinkDown: number;
}

export interface NetState {
  metrics: NetMetrics;
  linkUp: boolean;
  backlog: number[][];
  heldRx: DescriptorChain[];
}

const ZERO: NetMetrics = { txFrames: 0, txBytes: 0, txErrors: 0, rxFrames: 0, rxBytes: 0, rxDroppedNoBuffer: 0, rxDroppedTooBig: 0, rxDroppedLinkDown: 0 };

export class VirtioNet implements VirtioDevice<NetState> {
  readonly deviceType = DEVICE_ID_NET;
  readonly deviceFeatures = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_NET_F_MTU | VIRTIO_NET_F_MRG_RXBUF;
  readonly queueMaxSizes = [NET_QUEUE_SIZE, NET_QUEUE_SIZE];
  readonly configSizeBytes = NET_CONFIG.sizeBytes;
  readonly mac: Mac;
  readonly mtu: number;
  metrics: NetMetrics = { ...ZERO };
  private linkUp: boolean;
  private ctx: VirtioDeviceContext | undefined;
  private port: HubPort | null = null;
  private backlog: Uint8Array[] = [];
  private heldRx: DescriptorChain[] = [];

  constructor(opts: NetOptions) {
    this.mac = opts.mac;
    this.mtu = opts.mtu ?? 1500;
    if (!(Number.isInteger(this.mtu) && this.mtu >= 68 && this.mtu <= 65535)) throw new Error(`virtio-net: mtu ${this.mtu} outside [68, 65535]`);
    this.linkUp = opts.linkUp ?? true;
  }

  /** Plugs the NIC into a hub; frames from the hub arrive through receiveFrame. */
  attach(hub: EthernetHub, portName: string): HubPort {
    this.port = hub.attach(portName, (f) => this.receiveFrame(f));
    return this.port;
  }

  readConfig(offset: number, sizeBytes: number): number {
    const status = this.linkUp ? VIRTIO_NET_S_LINK_UP : 0;
    return readConfigBytes(emitNetConfig({ mac: this.mac, status, maxVirtqueuePairs: 1, mtu: this.mtu }), offset, sizeBytes);
  }

  writeConfig(): void {
    // mac is writable only in legacy mode (§5.1.4.2); a modern driver's writes are ignored.
  }

  /** Link state as the guest sees it (status bit and a config-change interrupt). */
  setLinkUp(up: boolean): void {
    if (up === this.linkUp) return;
    this.linkUp = up;
    if (this.ctx && this.ctx.features & VIRTIO_NET_F_STATUS) this.ctx.configChanged();
  }

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
    this.flushRx();
  }

  reset(): void {
    this.ctx = undefined;
    this.backlog = [];
    this.heldRx = [];
  }

  queueNotify(queueIndex: number): void {
    if (queueIndex === TX_QUEUE) this.transmit();
    else if (queueIndex === RX_QUEUE) this.flushRx();
  }

  /** A frame from the network. Dropped (and counted) when the device cannot take it. */
  receiveFrame(frame: Uint8Array): void {
    if (!this.linkUp) {
      this.metrics.rxDroppedLinkDown++;
      return;
    }
    // §5.1.6.3.1: with MTU negotiated, nothing longer than mtu plus the Ethernet header is passed up.
    if (this.ctx && this.ctx.features & VIRTIO_NET_F_MTU && frame.length > this.mtu + ETH_HEADER_BYTES) {
      this.metrics.rxDroppedTooBig++;
      return;
    }
    if (!this.ctx || this.backlog.length >= RX_BACKLOG_FRAMES) {
      this.metrics.rxDroppedNoBuffer++;
      return;
    }
    this.backlog.push(frame);
    this.flushRx();
  }

  private transmit(): void {
    const ctx = this.ctx;
    const q = ctx?.queues[TX_QUEUE];
    if (!ctx || !q) return;
    const frames: Uint8Array[] = [];
    for (let n = 0; n < NET_QUEUE_SIZE; n++) {
      const chain = q.pop();
      if (chain === undefined) break;
      if (isQueueFault(chain)) return ctx.fail(chain.fault);
      const frame = this.txFrame(ctx, chain);
      if (frame) frames.push(frame);
      q.pushUsed(chain.head, 0);
    }
    ctx.signalUsed(TX_QUEUE);
    // Frames go out after their buffers are returned, so a reply arriving synchronously on the
    // same hub sees a consistent device.
    for (const f of frames) {
      if (this.linkUp) this.port?.send(f);
    }
  }

  private txFrame(ctx: VirtioDeviceContext, chain: DescriptorChain): Uint8Array | null {
    const frameBytes = chain.readableBytes - NET_HDR.sizeBytes;
    const hdr = parseNetHdr(readChain(ctx.ram, chain.readable, 0, NET_HDR.sizeBytes));
    // Offloads were not offered, so a header asking for one is a driver error: drop the frame.
    if (!hdr || hdr.gsoType !== VIRTIO_NET_HDR_GSO_NONE || hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM || frameBytes < 14 || frameBytes > MAX_FRAME_BYTES) {
      this.metrics.txErrors++;
      return null;
    }
    this.metrics.txFrames++;
    this.metrics.txBytes += frameBytes;
    return readChain(ctx.ram, chain.readable, NET_HDR.sizeBytes, frameBytes);
  }

  private flushRx(): void {
    const ctx = this.ctx;
    const q = ctx?.queues[RX_QUEUE];
    if (!ctx || !q) return;
    let delivered = false;
    while (this.backlog.length > 0) {
      const need = NET_HDR.sizeBytes + this.backlog[0].length;
      const chains = this.takeRxChains(ctx, q, need);
      if (chains === 'fault') return;
      if (chains === null) {
        // Every buffer the queue can hold is not enough: the frame can never be delivered.
        if (this.heldRx.length < NET_QUEUE_SIZE) break;
        this.metrics.rxDroppedTooBig++;
        this.backlog.shift();
        continue;
      }
      this.deliver(ctx, q, this.backlog.shift()!, chains);
      delivered = true;
    }
    if (delivered) ctx.signalUsed(RX_QUEUE);
  }

  /** Chains to hold a frame of `need` bytes with its header, or null if the driver has not posted enough yet. */
  private takeRxChains(ctx: VirtioDeviceContext, q: SplitQueue, need: number): DescriptorChain[] | null | 'fault' {
    const mergeable = (ctx.features & VIRTIO_NET_F_MRG_RXBUF) !== 0n;
    for (;;) {
      const have = this.heldRx.reduce((s, c) => s + c.writableBytes, 0);
      if (this.heldRx.length > 0 && (!mergeable || have >= need)) break;
      if (this.heldRx.length >= NET_QUEUE_SIZE) break;
      const chain = q.pop();
      if (chain === undefined) return null;
      if (isQueueFault(chain)) {
        ctx.fail(chain.fault);
        return 'fault';
      }
      this.heldRx.push(chain);
    }
    if (!mergeable) return this.heldRx.splice(0, 1);
    let sum = 0;
    const n = this.heldRx.findIndex((c) => (sum += c.writableBytes) >= need);
    return n < 0 ? null : this.heldRx.splice(0, n + 1);
  }

  private deliver(ctx: VirtioDeviceContext, q: SplitQueue, frame: Uint8Array, chains: DescriptorChain[]): void {
    const packet = new Uint8Array(NET_HDR.sizeBytes + frame.length);
    packet.set(emitNetHdr({ ...PLAIN_HDR, numBuffers: chains.length }));
    packet.set(frame, NET_HDR.sizeBytes);
    if (chains.length === 1 && chains[0].writableBytes < packet.length) {
      this.metrics.rxDroppedTooBig++;
      q.pushUsed(chains[0].head, 0);
      return;
    }
    let off = 0;
    for (const c of chains) {
      const n = writeChain(ctx.ram, c.writable, 0, packet.subarray(off, off + c.writableBytes));
      q.pushUsed(c.head, n);
      off += n;
    }
    this.metrics.rxFrames++;
    this.metrics.rxBytes += frame.length;
  }

  save(): NetState {
    return { metrics: { ...this.metrics }, linkUp: this.linkUp, backlog: this.backlog.map((f) => [...f]), heldRx: this.heldRx.map((c) => ({ ...c })) };
  }

  restore(s: NetState): void {
    this.metrics = { ...s.metrics };
    this.linkUp = s.linkUp;
    this.backlog = s.backlog.map((f) => Uint8Array.from(f));
    this.heldRx = s.heldRx.map((c) => ({ ...c }));
  }
}
