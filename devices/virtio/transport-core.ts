// What both virtio transports share (virtio 1.1 §3.1 and §2.1-2.4): the device status
// handshake, feature negotiation through 32-bit select windows, per-queue configuration, the
// interrupt status bits and DEVICE_NEEDS_RESET. The mmio and pci front ends only map their
// registers onto this.

import type { IrqLine } from '../../emulator/bus/irq';
import type { GuestRam } from '../../emulator/memory/guest-ram';
import {
  F_RING_EVENT_IDX,
  F_RING_INDIRECT_DESC,
  F_VERSION_1,
  ISR_CONFIG_CHANGE,
  ISR_USED_BUFFER,
  STATUS_DEVICE_NEEDS_RESET,
  STATUS_DRIVER_OK,
  STATUS_FEATURES_OK,
  TRANSPORT_FEATURES,
} from './constants';
import type { VirtioDevice, VirtioDeviceContext } from './device';
import { checkQueueLayout, SplitQueue, type QueueState } from './queue';

export interface QueueConfig {
  size: number;
  ready: boolean;
  descAddr: number;
  availAddr: number;
  usedAddr: number;
}

export interface TransportState<S> {
  status: number;
  deviceFeatureSel: number;
  driverFeatureSel: number;
  driverFeatures: string;
  queueSel: number;
  queues: QueueConfig[];
  isr: number;
  configGeneration: number;
  needsResetReason: string | null;
  live: Array<QueueState | null>;
  device: S;
}

export class TransportCore<S> {
  status = 0;
  deviceFeatureSel = 0;
  driverFeatureSel = 0;
  driverFeatures = 0n;
  queueSel = 0;
  isr = 0;
  configGeneration = 0;
  needsResetReason: string | null = null;
  queues: QueueConfig[];
  private live: Array<SplitQueue | undefined> = [];
  /**
   * A transport with message-signalled interrupts (virtio-pci with MSI-X) delivers here first:
   * `queueIndex` is -1 for a config change. Returning true means the message was sent (or
   * left pending), so the INTx/mmio line stays as it is; the ISR bits are set either way, as QEMU does.
   */
  messageInterrupt: ((isrBits: number, queueIndex: number) => boolean) | undefined;

  constructor(
    readonly device: VirtioDevice<S>,
    private readonly ram: GuestRam,
    private readonly irq: IrqLine,
  ) {
    this.queues = this.freshQueues();
  }

  get offeredFeatures(): bigint {
    return this.device.deviceFeatures | TRANSPORT_FEATURES;
  }

  readDeviceFeatures(): number {
    return Number((this.offeredFeatures >> BigInt(32 * this.deviceFeatureSel)) & 0xffffffffn);
  }

  writeDriverFeatures(value: number): void {
    if (this.status & STATUS_FEATURES_OK || this.driverFeatureSel > 1) return;
    const shift = BigInt(32 * this.driverFeatureSel);
    this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << shift)) | (BigInt(value >>> 0) << shift);
  }

  /** The selected queue's configuration, or undefined past the device's queue count. */
  selected(): QueueConfig | undefined {
    return this.queues[this.queueSel];
  }

  selectedMax(): number {
    return this.device.queueMaxSizes[this.queueSel] ?? 0;
  }

  writeStatus(value: number): void {
    if (value === 0) return this.reset();
    const rising = value & ~this.status;
    // Outside a reset the driver only ever adds bits; an attempt to clear one is ignored.
    if ((this.status & ~value & ~STATUS_DEVICE_NEEDS_RESET) !== 0) return;
    let next = value | (this.status & STATUS_DEVICE_NEEDS_RESET);
    if (rising & STATUS_FEATURES_OK && !this.featuresAcceptable()) next &= ~STATUS_FEATURES_OK;
    this.status = next;
    if (rising & STATUS_DRIVER_OK && next & STATUS_FEATURES_OK) this.activate();
  }

  notify(queueIndex: number): void {
    if (!(this.status & STATUS_DRIVER_OK) || this.needsResetReason !== null) return;
    if (this.live[queueIndex] === undefined) return;
    this.device.queueNotify(queueIndex);
  }

  ack(bits: number): void {
    this.isr &= ~bits;
    this.irq.set(this.isr !== 0);
  }

  /** Reading the pci ISR register clears it (virtio 1.1 §4.1.4.5). */
  readAndClearIsr(): number {
    const v = this.isr;
    this.ack(v);
    return v;
  }

  save(): TransportState<S> {
    return {
      status: this.status,
      deviceFeatureSel: this.deviceFeatureSel,
      driverFeatureSel: this.driverFeatureSel,
      driverFeatures: this.driverFeatures.toString(16),
      queueSel: this.queueSel,
      queues: this.queues.map((q) => ({ ...q })),
      isr: this.isr,
      configGeneration: this.configGeneration,
      needsResetReason: this.needsResetReason,
      live: this.live.map((q) => q?.save() ?? null),
      device: this.device.save(),
    };
  }

  restore(s: TransportState<S>): void {
    this.status = s.status;
    this.deviceFeatureSel = s.deviceFeatureSel;
    this.driverFeatureSel = s.driverFeatureSel;
    this.driverFeatures = BigInt('0x' + s.driverFeatures);
    this.queueSel = s.queueSel;
    this.queues = s.queues.map((q) => ({ ...q }));
    this.isr = s.isr;
    this.configGeneration = s.configGeneration;
    this.needsResetReason = s.needsResetReason;
    const qf = this.queueFeatures();
    this.live = s.live.map((q, i) => (q ? new SplitQueue(this.ram, this.queues[i], qf, q) : undefined));
    this.device.restore(s.device);
    if (this.status & STATUS_DRIVER_OK) this.device.activate(this.context());
    this.irq.set(this.isr !== 0);
  }

  private freshQueues(): QueueConfig[] {
    return this.device.queueMaxSizes.map((max) => ({ size: max, ready: false, descAddr: 0, availAddr: 0, usedAddr: 0 }));
  }

  private reset(): void {
    this.device.reset();
    this.status = 0;
    this.deviceFeatureSel = 0;
    this.driverFeatureSel = 0;
    this.driverFeatures = 0n;
    this.queueSel = 0;
    this.queues = this.freshQueues();
    this.live = [];
    this.needsResetReason = null;
    this.ack(this.isr);
  }

  private featuresAcceptable(): boolean {
    return (this.driverFeatures & ~this.offeredFeatures) === 0n && (this.driverFeatures & F_VERSION_1) !== 0n;
  }

  private queueFeatures(): { indirect: boolean; eventIdx: boolean } {
    return {
      indirect: (this.driverFeatures & F_RING_INDIRECT_DESC) !== 0n,
      eventIdx: (this.driverFeatures & F_RING_EVENT_IDX) !== 0n,
    };
  }

  private activate(): void {
    const qf = this.queueFeatures();
    this.live = [];
    for (const [i, q] of this.queues.entries()) {
      if (!q.ready) {
        this.live.push(undefined);
        continue;
      }
      if (q.size > (this.device.queueMaxSizes[i] ?? 0)) return this.fail(`queue ${i} size ${q.size} above its maximum`);
      const bad = checkQueueLayout(this.ram, q);
      if (bad) return this.fail(bad.fault);
      this.live.push(new SplitQueue(this.ram, q, qf));
    }
    this.device.activate(this.context());
  }

  private context(): VirtioDeviceContext {
    return {
      ram: this.ram,
      features: this.driverFeatures,
      queues: this.live,
      signalUsed: (i) => {
        if (this.live[i]?.shouldSignal()) this.raise(ISR_USED_BUFFER, i);
      },
      fail: (reason) => this.fail(reason),
      configChanged: () => {
        this.configGeneration = (this.configGeneration + 1) >>> 0;
        this.raise(ISR_CONFIG_CHANGE, -1);
      },
    };
  }

  private fail(reason: string): void {
    if (this.needsResetReason !== null) return;
    this.needsResetReason = reason;
    this.status |= STATUS_DEVICE_NEEDS_RESET;
    // §2.1.2: a device entering NEEDS_RESET after DRIVER_OK notifies the driver with a config change.
    if (this.status & STATUS_DRIVER_OK) this.raise(ISR_CONFIG_CHANGE, -1);
  }

  private raise(bits: number, queueIndex: number): void {
    this.isr |= bits;
    if (this.messageInterrupt?.(bits, queueIndex)) return;
    this.irq.set(true);
  }
}
