// virtio-mmio version 2 (virtio 1.1 §4.2.2), driver side: probe a slot by its magic value,
// version and device id, then drive it through the register window.

import type { Bus } from '../../../emulator/bus/bus';
import type { QueueAddrs, VirtioTransport } from './transport';

const MAGIC = 0x74726976;
const R = {
  magic: 0x000, version: 0x004, deviceId: 0x008, devFeatures: 0x010, devFeaturesSel: 0x014,
  drvFeatures: 0x020, drvFeaturesSel: 0x024, queueSel: 0x030, queueNumMax: 0x034, queueNum: 0x038,
  queueReady: 0x044, queueNotify: 0x050, intStatus: 0x060, intAck: 0x064, status: 0x070, descLo: 0x080, descHi: 0x084,
  drvLo: 0x090, drvHi: 0x094, devLo: 0x0a0, devHi: 0x0a4, config: 0x100,
} as const;

export class VirtioMmioDriverTransport implements VirtioTransport {
  readonly where: string;

  private constructor(
    private readonly bus: Bus,
    readonly base: number,
    readonly deviceType: number,
    readonly irq: number,
  ) {
    this.where = `virtio-mmio@${base.toString(16)}`;
  }

  ackInterrupt(): number {
    const s = this.bus.read(this.base + R.intStatus, 4) & 3;
    if (s) this.bus.write(this.base + R.intAck, 4, s);
    return s;
  }

  /** The transport at `base`, or undefined when the slot is empty (device id 0) or not virtio v2. */
  static probe(bus: Bus, base: number, intid: number): VirtioMmioDriverTransport | undefined {
    if (bus.read(base + R.magic, 4) !== MAGIC || bus.read(base + R.version, 4) !== 2) return undefined;
    const id = bus.read(base + R.deviceId, 4);
    return id === 0 ? undefined : new VirtioMmioDriverTransport(bus, base, id, intid);
  }

  deviceFeatures(): bigint {
    this.bus.write(this.base + R.devFeaturesSel, 4, 0);
    const lo = BigInt(this.bus.read(this.base + R.devFeatures, 4) >>> 0);
    this.bus.write(this.base + R.devFeaturesSel, 4, 1);
    const hi = BigInt(this.bus.read(this.base + R.devFeatures, 4) >>> 0);
    return (hi << 32n) | lo;
  }

  setDriverFeatures(f: bigint): void {
    this.bus.write(this.base + R.drvFeaturesSel, 4, 0);
    this.bus.write(this.base + R.drvFeatures, 4, Number(f & 0xffff_ffffn));
    this.bus.write(this.base + R.drvFeaturesSel, 4, 1);
    this.bus.write(this.base + R.drvFeatures, 4, Number((f >> 32n) & 0xffff_ffffn));
  }

  getStatus(): number {
    return this.bus.read(this.base + R.status, 4) & 0xff;
  }

  setStatus(s: number): void {
    this.bus.write(this.base + R.status, 4, s);
  }

  queueMaxSize(index: number): number {
    this.bus.write(this.base + R.queueSel, 4, index);
    return this.bus.read(this.base + R.queueNumMax, 4);
  }

  enableQueue(index: number, sizeEntries: number, a: QueueAddrs): void {
    const b = this.base;
    this.bus.write(b + R.queueSel, 4, index);
    this.bus.write(b + R.queueNum, 4, sizeEntries);
    const pairs: Array<[number, number]> = [[R.descLo, a.descAddr], [R.drvLo, a.availAddr], [R.devLo, a.usedAddr]];
    for (const [reg, addr] of pairs) {
      this.bus.write(b + reg, 4, addr % 0x1_0000_0000);
      this.bus.write(b + reg + 4, 4, Math.floor(addr / 0x1_0000_0000));
    }
    this.bus.write(b + R.queueReady, 4, 1);
  }

  notify(index: number): void {
    this.bus.write(this.base + R.queueNotify, 4, index);
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return this.bus.read(this.base + R.config + offset, size) >>> 0;
  }
}
