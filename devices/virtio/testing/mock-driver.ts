// A mock virtio *driver* for device tests and benches: it does what Linux's virtio core does,
// through the transport's registers and guest RAM only. It lays out split rings, performs the
// status handshake and feature negotiation, builds descriptor chains (direct or indirect),
// kicks, and reads the used ring. Raw helpers let tests write malformed descriptors.

import type { Bus } from '../../../emulator/bus/bus';
import type { GuestRam } from '../../../emulator/memory/guest-ram';
import {
  STATUS_ACKNOWLEDGE,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FEATURES_OK,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from '../constants';
import { REG } from '../mmio';
import type { MmioHandler } from '../../../emulator/bus/bus';
import { COMMON, NOTIFY_OFF_MULTIPLIER, NOTIFY_OFFSET, ISR_OFFSET } from '../pci-modern';

/** The transport registers a driver needs, independent of mmio or pci. */
export interface DriverTransport {
  status(): number;
  setStatus(v: number): void;
  deviceFeatures(): bigint;
  setDriverFeatures(f: bigint): void;
  queueMax(index: number): number;
  setQueue(index: number, size: number, desc: number, avail: number, used: number): void;
  notify(index: number): void;
  ackInterrupts(): number;
}

export class MmioDriverTransport implements DriverTransport {
  constructor(
    private readonly bus: Bus,
    private readonly base: number,
  ) {}
  private r(off: number): number {
    return this.bus.read(this.base + off, 4);
  }
  private w(off: number, v: number): void {
    this.bus.write(this.base + off, 4, v);
  }
  status(): number { return this.r(REG.Status); }
  setStatus(v: number): void { this.w(REG.Status, v); }
  deviceFeatures(): bigint {
    this.w(REG.DeviceFeaturesSel, 0);
    const lo = this.r(REG.DeviceFeatures);
    this.w(REG.DeviceFeaturesSel, 1);
    return (BigInt(this.r(REG.DeviceFeatures)) << 32n) | BigInt(lo);
  }
  setDriverFeatures(f: bigint): void {
    this.w(REG.DriverFeaturesSel, 0);
    this.w(REG.DriverFeatures, Number(f & 0xffffffffn));
    this.w(REG.DriverFeaturesSel, 1);
    this.w(REG.DriverFeatures, Number((f >> 32n) & 0xffffffffn));
  }
  queueMax(index: number): number {
    this.w(REG.QueueSel, index);
    return this.r(REG.QueueNumMax);
  }
  setQueue(index: number, size: number, desc: number, avail: number, used: number): void {
    this.w(REG.QueueSel, index);
    this.w(REG.QueueNum, size);
    const pairs: Array<[number, number]> = [[REG.QueueDescLow, desc], [REG.QueueDriverLow, avail], [REG.QueueDeviceLow, used]];
    for (const [reg, a] of pairs) {
      this.w(reg, a % 0x1_0000_0000);
      this.w(reg + 4, Math.floor(a / 0x1_0000_0000));
    }
    this.w(REG.QueueReady, 1);
  }
  notify(index: number): void { this.w(REG.QueueNotify, index); }
  ackInterrupts(): number {
    const v = this.r(REG.InterruptStatus);
    this.w(REG.InterruptACK, v);
    return v;
  }
}

/** The modern virtio-pci registers, reached through BAR 4's handler as the guest would through its mapping. */
export class PciDriverTransport implements DriverTransport {
  constructor(private readonly bar: MmioHandler) {}
  status(): number { return this.bar.read(COMMON.deviceStatus, 1); }
  setStatus(v: number): void { this.bar.write(COMMON.deviceStatus, 1, v); }
  deviceFeatures(): bigint {
    this.bar.write(COMMON.deviceFeatureSelect, 4, 0);
    const lo = this.bar.read(COMMON.deviceFeature, 4);
    this.bar.write(COMMON.deviceFeatureSelect, 4, 1);
    return (BigInt(this.bar.read(COMMON.deviceFeature, 4)) << 32n) | BigInt(lo);
  }
  setDriverFeatures(f: bigint): void {
    this.bar.write(COMMON.driverFeatureSelect, 4, 0);
    this.bar.write(COMMON.driverFeature, 4, Number(f & 0xffffffffn));
    this.bar.write(COMMON.driverFeatureSelect, 4, 1);
    this.bar.write(COMMON.driverFeature, 4, Number((f >> 32n) & 0xffffffffn));
  }
  queueMax(index: number): number {
    this.bar.write(COMMON.queueSelect, 2, index);
    return this.bar.read(COMMON.queueSize, 2);
  }
  setQueue(index: number, size: number, desc: number, avail: number, used: number): void {
    this.bar.write(COMMON.queueSelect, 2, index);
    this.bar.write(COMMON.queueSize, 2, size);
    const pairs: Array<[number, number]> = [[COMMON.queueDesc, desc], [COMMON.queueDriver, avail], [COMMON.queueDevice, used]];
    for (const [reg, a] of pairs) {
      this.bar.write(reg, 4, a % 0x1_0000_0000);
      this.bar.write(reg + 4, 4, Math.floor(a / 0x1_0000_0000));
    }
    this.bar.write(COMMON.queueEnable, 2, 1);
  }
  notify(index: number): void {
    this.bar.write(COMMON.queueSelect, 2, index);
    const off = this.bar.read(COMMON.queueNotifyOff, 2);
    this.bar.write(NOTIFY_OFFSET + off * NOTIFY_OFF_MULTIPLIER, 2, index);
  }
  ackInterrupts(): number { return this.bar.read(ISR_OFFSET, 1); }
}

export type MockBuffer = { out: Uint8Array } | { inLen: number };

export interface RawDescriptor {
  addr: number;
  len: number;
  flags: number;
  next: number;
}

export interface UsedElement {
  head: number;
  len: number;
  /** The device-writable buffers of the chain, read back from guest RAM. */
  inputs: Uint8Array[];
}

interface DriverQueue {
  size: number;
  desc: number;
  avail: number;
  used: number;
  availIdx: number;
  lastUsed: number;
  free: number[];
  inflight: Map<number, { descs: number[]; inputs: Array<{ addr: number; len: number }> }>;
}

export class MockVirtioDriver {
  private readonly queues: DriverQueue[] = [];
  private ringTop: number;
  private dataPos: number;
  private readonly dataStart: number;
  private readonly dataEnd: number;
  negotiated = 0n;

  /** Rings come from the first MiB of [memBase, memBase+memBytes); buffers from the rest, reused cyclically. */
  constructor(
    private readonly ram: GuestRam,
    readonly transport: DriverTransport,
    memBase: number,
    memBytes: number,
  ) {
    this.ringTop = memBase;
    this.dataStart = memBase + 0x10_0000;
    this.dataPos = this.dataStart;
    this.dataEnd = memBase + memBytes;
  }

  static mmio(bus: Bus, base: number, memBase: number, memBytes: number): MockVirtioDriver {
    return new MockVirtioDriver(bus.ram, new MmioDriverTransport(bus, base), memBase, memBytes);
  }

  /** Reset, ACKNOWLEDGE, DRIVER, negotiate `wanted ∩ offered`, FEATURES_OK; false if refused. */
  negotiate(wanted: bigint): boolean {
    const t = this.transport;
    t.setStatus(0);
    t.setStatus(STATUS_ACKNOWLEDGE);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    this.negotiated = t.deviceFeatures() & wanted;
    t.setDriverFeatures(this.negotiated);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    return (t.status() & STATUS_FEATURES_OK) !== 0;
  }

  setupQueue(index: number, size: number): void {
    const desc = this.allocRing(16 * size, 16);
    const avail = this.allocRing(6 + 2 * size, 2);
    const used = this.allocRing(6 + 8 * size, 4);
    const free = Array.from({ length: size }, (_, i) => i);
    this.queues[index] = { size, desc, avail, used, availIdx: 0, lastUsed: 0, free, inflight: new Map() };
    this.transport.setQueue(index, size, desc, avail, used);
  }

  driverOk(): void {
    this.transport.setStatus(this.transport.status() | STATUS_DRIVER_OK);
  }

  /** Builds a chain for `bufs`, publishes it in the available ring (no kick); returns the head. */
  submit(queueIndex: number, bufs: MockBuffer[], opts: { indirect?: boolean } = {}): number {
    const q = this.queues[queueIndex];
    const inputs: Array<{ addr: number; len: number }> = [];
    const raw = bufs.map((b): RawDescriptor => {
      if ('out' in b) {
        const addr = this.allocData(b.out.length);
        this.ram.writeBytes(addr, b.out);
        return { addr, len: b.out.length, flags: 0, next: 0 };
      }
      const addr = this.allocData(b.inLen);
      this.ram.writeBytes(addr, new Uint8Array(b.inLen));
      inputs.push({ addr, len: b.inLen });
      return { addr, len: b.inLen, flags: VIRTQ_DESC_F_WRITE, next: 0 };
    });
    const descs = opts.indirect ? this.placeIndirect(q, raw) : this.placeDirect(q, raw);
    q.inflight.set(descs[0], { descs, inputs });
    this.publish(queueIndex, descs[0]);
    return descs[0];
  }

  kick(queueIndex: number): void {
    this.transport.notify(queueIndex);
  }

  /** Used elements the device returned since the last call, with their buffers freed. */
  collect(queueIndex: number): UsedElement[] {
    const q = this.queues[queueIndex];
    const out: UsedElement[] = [];
    const usedIdx = this.ram.read16(q.used + 2);
    while (q.lastUsed !== usedIdx) {
      const slot = q.used + 4 + 8 * (q.lastUsed % q.size);
      const head = this.ram.read32(slot);
      const len = this.ram.read32(slot + 4);
      q.lastUsed = (q.lastUsed + 1) & 0xffff;
      const f = q.inflight.get(head);
      q.inflight.delete(head);
      if (f) q.free.push(...f.descs);
      out.push({ head, len, inputs: (f?.inputs ?? []).map((b) => this.ram.readBytes(b.addr, b.len)) });
    }
    return out;
  }

  /** Raw access for malformed-input tests. */
  writeDescriptor(queueIndex: number, index: number, d: RawDescriptor): void {
    writeDesc(this.ram, this.queues[queueIndex].desc + 16 * index, d);
  }

  publish(queueIndex: number, head: number): void {
    const q = this.queues[queueIndex];
    this.ram.write16(q.avail + 4 + 2 * (q.availIdx % q.size), head);
    q.availIdx = (q.availIdx + 1) & 0xffff;
    this.ram.write16(q.avail + 2, q.availIdx);
  }

  /** Sets avail.used_event (EVENT_IDX) or avail.flags (NO_INTERRUPT) as a driver would. */
  setUsedEvent(queueIndex: number, idx: number): void {
    const q = this.queues[queueIndex];
    this.ram.write16(q.avail + 4 + 2 * q.size, idx);
  }

  setAvailFlags(queueIndex: number, flags: number): void {
    this.ram.write16(this.queues[queueIndex].avail, flags);
  }

  /** used.avail_event as the device last wrote it. */
  availEvent(queueIndex: number): number {
    const q = this.queues[queueIndex];
    return this.ram.read16(q.used + 4 + 8 * q.size);
  }

  allocData(lenBytes: number): number {
    const len = Math.max(16, (lenBytes + 15) & ~15);
    if (this.dataPos + len > this.dataEnd) this.dataPos = this.dataStart;
    const addr = this.dataPos;
    this.dataPos += len;
    return addr;
  }

  private allocRing(lenBytes: number, align: number): number {
    this.ringTop = Math.ceil(this.ringTop / align) * align;
    const a = this.ringTop;
    this.ringTop += lenBytes;
    return a;
  }

  private takeDesc(q: DriverQueue): number {
    const d = q.free.shift();
    if (d === undefined) throw new Error('mock driver: queue full (collect completions first)');
    return d;
  }

  private placeDirect(q: DriverQueue, raw: RawDescriptor[]): number[] {
    const ids = raw.map(() => this.takeDesc(q));
    raw.forEach((d, i) => {
      const last = i === raw.length - 1;
      writeDesc(this.ram, q.desc + 16 * ids[i], { ...d, flags: d.flags | (last ? 0 : VIRTQ_DESC_F_NEXT), next: last ? 0 : ids[i + 1] });
    });
    return ids;
  }

  private placeIndirect(q: DriverQueue, raw: RawDescriptor[]): number[] {
    const table = this.allocData(16 * raw.length);
    raw.forEach((d, i) => {
      const last = i === raw.length - 1;
      writeDesc(this.ram, table + 16 * i, { ...d, flags: d.flags | (last ? 0 : VIRTQ_DESC_F_NEXT), next: last ? 0 : i + 1 });
    });
    const id = this.takeDesc(q);
    writeDesc(this.ram, q.desc + 16 * id, { addr: table, len: 16 * raw.length, flags: VIRTQ_DESC_F_INDIRECT, next: 0 });
    return [id];
  }
}

export function writeDesc(ram: GuestRam, at: number, d: RawDescriptor): void {
  ram.write32(at, d.addr % 0x1_0000_0000);
  ram.write32(at + 4, Math.floor(d.addr / 0x1_0000_0000));
  ram.write32(at + 8, d.len);
  ram.write16(at + 12, d.flags);
  ram.write16(at + 14, d.next);
}
