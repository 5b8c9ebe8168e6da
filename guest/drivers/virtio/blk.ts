// The virtio-blk driver (virtio 1.1 §5.2; Linux's drivers/block/virtio_blk.c, reduced): feature
// negotiation, one request queue, requests as header + data pages + status byte chains, and
// the disk presented to the block layer as a sector device. One request at a time: the driver
// reaps the used ring right after the kick, or, when the device models service time, waits
// for the completion (see storage.ts), so order is program order; the
// device's interrupt (GIC SPI for virtio-mmio, INTx through the GIC or IOAPIC for PCI) is
// acknowledged by handleIrq and counted in /proc/interrupts.

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import type { BlockDevice } from '../../block/block-device';
import { DriverQueue, type Segment } from './virtqueue';
import {
  F_VERSION_1, readConfig64, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK,
  type VirtioTransport,
} from './transport';

export const VIRTIO_ID_BLOCK = 2;
const F_SEG_MAX = 1n << 2n, F_RO = 1n << 5n, F_BLK_SIZE = 1n << 6n, F_FLUSH = 1n << 9n, F_TOPOLOGY = 1n << 10n;
const WANTED = F_VERSION_1 | F_SEG_MAX | F_RO | F_BLK_SIZE | F_FLUSH | F_TOPOLOGY;
const T_IN = 0, T_OUT = 1, T_FLUSH = 4;
const SECTOR = 512, PAGE = 4096;
/** Pages of data per request: 64 KiB, well under QEMU's seg_max. */
const MAX_REQ_PAGES = 16;
const EIO = 5, EROFS = 30, EINVAL = 22;
/** Bound on events waited through for one request (a device that never answers gives EIO). */
const MAX_WAITS = 100_000;

export class VirtioBlkDriver implements BlockDevice {
  readonly sizeBytes: number;
  requests = 0;
  private readonly dataPages: number[];

  private constructor(
    private readonly t: VirtioTransport,
    private readonly ram: GuestRam,
    private readonly q: DriverQueue,
    private readonly headerPage: number,
    dataPages: number[],
    readonly capacitySectors: number,
    readonly logicalBlockBytes: number,
    readonly readonly: boolean,
    private readonly canFlush: boolean,
    private readonly wait: () => boolean,
  ) {
    this.sizeBytes = capacitySectors * SECTOR;
    this.dataPages = dataPages;
  }

  /** Initialises the device (§3.1.1); a message when it cannot be driven. */
  static init(t: VirtioTransport, ram: GuestRam, allocFrame: () => number | undefined, wait: () => boolean = () => false): VirtioBlkDriver | string {
    t.setStatus(0);
    t.setStatus(STATUS_ACKNOWLEDGE);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    const features = t.deviceFeatures() & WANTED;
    if (!(features & F_VERSION_1)) return fail(t, 'device does not offer VIRTIO_F_VERSION_1');
    t.setDriverFeatures(features);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(t.getStatus() & STATUS_FEATURES_OK)) return fail(t, 'features not accepted');
    const capacitySectors = readConfig64(t, 0);
    const blk = features & F_BLK_SIZE ? t.readConfig(20, 4) : SECTOR;
    const logical = blk >= SECTOR && blk <= PAGE && (blk & (blk - 1)) === 0 ? blk : SECTOR;
    const max = t.queueMaxSize(0);
    if (max === 0) return fail(t, 'no request queue');
    let size = 1;
    while (size * 2 <= Math.min(max, 256)) size *= 2;
    const q = DriverQueue.create(ram, allocFrame, size, t.irq !== undefined || t.msixEnabled === true);
    const header = allocFrame();
    const pages: number[] = [];
    for (let i = 0; i < MAX_REQ_PAGES; i++) {
      const p = allocFrame();
      if (p !== undefined) pages.push(p);
    }
    if (!q || header === undefined || pages.length < MAX_REQ_PAGES) return fail(t, 'out of memory for the queue');
    t.enableQueue(0, size, q.addrs);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    return new VirtioBlkDriver(t, ram, q, header, pages, capacitySectors, logical, (features & F_RO) !== 0n, (features & F_FLUSH) !== 0n, wait);
  }

  get where(): string {
    return this.t.where;
  }

  /**
   * The interrupt handler: acknowledges the device. Requests are already complete (the driver
   * reaps the used ring right after each kick), so this only keeps the line quiet and counted.
   */
  handleIrq(): void {
    this.t.ackInterrupt();
  }

  read(offsetBytes: number, out: Uint8Array): number {
    if (!this.inRange(offsetBytes, out.length)) return -EINVAL;
    for (let done = 0; done < out.length; ) {
      const n = Math.min(out.length - done, MAX_REQ_PAGES * PAGE);
      const r = this.request(T_IN, (offsetBytes + done) / SECTOR, n);
      if (r !== 0) return r;
      this.copyFromPages(out.subarray(done, done + n));
      done += n;
    }
    return 0;
  }

  write(offsetBytes: number, data: Uint8Array): number {
    if (this.readonly) return -EROFS;
    if (!this.inRange(offsetBytes, data.length)) return -EINVAL;
    for (let done = 0; done < data.length; ) {
      const n = Math.min(data.length - done, MAX_REQ_PAGES * PAGE);
      this.copyToPages(data.subarray(done, done + n));
      const r = this.request(T_OUT, (offsetBytes + done) / SECTOR, n);
      if (r !== 0) return r;
      done += n;
    }
    return 0;
  }

  /** A cache flush request (VIRTIO_BLK_F_FLUSH); without the feature the device has no volatile cache. */
  sync(): number {
    return this.canFlush ? this.request(T_FLUSH, 0, 0) : 0;
  }

  private inRange(offsetBytes: number, len: number): boolean {
    return offsetBytes % SECTOR === 0 && len % SECTOR === 0 && offsetBytes >= 0 && offsetBytes + len <= this.sizeBytes;
  }

  private request(type: number, sector: number, lenBytes: number): number {
    const h = this.headerPage;
    this.ram.write32(h, type);
    this.ram.write32(h + 4, 0);
    this.ram.write64(h + 8, BigInt(sector));
    this.ram.write8(h + 16, 0xff);
    const chain: Segment[] = [{ addr: h, lenBytes: 16, write: false }];
    for (let i = 0; i * PAGE < lenBytes; i++) {
      chain.push({ addr: this.dataPages[i], lenBytes: Math.min(PAGE, lenBytes - i * PAGE), write: type === T_IN });
    }
    chain.push({ addr: h + 16, lenBytes: 1, write: true });
    if (!this.q.publish(chain)) return -EIO;
    this.requests++;
    this.t.notify(0);
    // A device with modelled service time answers later: wait (the kernel lets virtual time run
    // to the completion event) until the request is in the used ring.
    let used = this.q.takeUsed();
    for (let n = 0; !used && n < MAX_WAITS && this.wait(); n++) used = this.q.takeUsed();
    if (!used || used.id !== 0) return -EIO;
    return this.ram.read8(h + 16) === 0 ? 0 : -EIO;
  }

  private copyFromPages(out: Uint8Array): void {
    for (let i = 0; i * PAGE < out.length; i++) {
      const n = Math.min(PAGE, out.length - i * PAGE);
      out.set(this.ram.pageFor(this.dataPages[i]).subarray(0, n), i * PAGE);
    }
  }

  private copyToPages(data: Uint8Array): void {
    for (let i = 0; i * PAGE < data.length; i++) {
      this.ram.pageFor(this.dataPages[i]).set(data.subarray(i * PAGE, Math.min(data.length, (i + 1) * PAGE)));
    }
  }
}

function fail(t: VirtioTransport, why: string): string {
  t.setStatus(t.getStatus() | STATUS_FAILED);
  return `virtio_blk ${t.where}: ${why}`;
}
