// virtio-blk (virtio 1.1 §5.2): one request queue over a BlockBackend. Requests complete
// synchronously when the driver kicks, in available-ring order, so completion order is a
// pure function of what the guest published. A chain without room for the header or the
// status byte cannot be answered and puts the device in DEVICE_NEEDS_RESET (as QEMU's
// virtio_error does); every other bad request gets a status byte.

import { DEVICE_ID_BLOCK } from '../constants';
import { readConfigBytes, type VirtioDevice, type VirtioDeviceContext } from '../device';
import { isQueueFault, readChain, writeChain, type DescriptorChain, type Segment } from '../queue';
import type { BlockBackend } from './backend';
import type { BlkServiceQueue } from './timing';
import {
  BLK_CONFIG_BYTES,
  emitBlkConfig,
  VIRTIO_BLK_F_BLK_SIZE,
  VIRTIO_BLK_F_DISCARD,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VIRTIO_BLK_F_TOPOLOGY,
  VIRTIO_BLK_F_WRITE_ZEROES,
} from './config';
import {
  parseRequestHeader,
  parseSegments,
  REQ_HEADER_BYTES,
  SECTOR_BYTES,
  VIRTIO_BLK_ID_BYTES,
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_WRITE_ZEROES,
} from './request';

export const BLK_QUEUE_SIZE = 256;
/** QEMU advertises seg_max = queue size - 2 (one descriptor each for header and status). */
const SEG_MAX = BLK_QUEUE_SIZE - 2;
const MAX_DISCARD_SECTORS = 0x3fffff;

export interface BlkOptions {
  /** Up to 20 bytes, returned by GET_ID (QEMU's `serial=`). */
  serial?: string;
  /** Logical block size reported in blk_size; 512 unless given. */
  blkSizeBytes?: number;
  /** Requests complete after a modelled service time (timing.ts); without it, during the kick. */
  timing?: BlkServiceQueue;
}

export interface BlkMetrics {
  requests: number;
  readRequests: number;
  writeRequests: number;
  flushes: number;
  readBytes: number;
  writtenBytes: number;
  ioErrors: number;
  unsupported: number;
}

export interface BlkState {
  metrics: BlkMetrics;
}

const ZERO_METRICS: BlkMetrics = { requests: 0, readRequests: 0, writeRequests: 0, flushes: 0, readBytes: 0, writtenBytes: 0, ioErrors: 0, unsupported: 0 };

export class VirtioBlk implements VirtioDevice<BlkState> {
  readonly deviceType = DEVICE_ID_BLOCK;
  readonly deviceFeatures: bigint;
  readonly queueMaxSizes = [BLK_QUEUE_SIZE];
  readonly configSizeBytes = BLK_CONFIG_BYTES;
  metrics: BlkMetrics = { ...ZERO_METRICS };
  private readonly config: Uint8Array;
  private readonly serial: Uint8Array;
  private readonly blkSizeBytes: number;
  private ctx: VirtioDeviceContext | undefined;
  private readonly timing: BlkServiceQueue | undefined;

  constructor(
    readonly backend: BlockBackend,
    opts: BlkOptions = {},
  ) {
    this.timing = opts.timing;
    const blkSize = opts.blkSizeBytes ?? SECTOR_BYTES;
    this.blkSizeBytes = blkSize;
    let f = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_TOPOLOGY;
    // A read-only disk says so and does not offer the commands that would change it.
    f |= backend.readonly ? VIRTIO_BLK_F_RO : VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES;
    this.deviceFeatures = f;
    this.config = emitBlkConfig({
      capacitySectors: BigInt(Math.floor(backend.sizeBytes / SECTOR_BYTES)),
      sizeMax: 0,
      segMax: SEG_MAX,
      blkSizeBytes: blkSize,
      physicalBlockExp: 0,
      alignmentOffset: 0,
      minIoSize: blkSize / SECTOR_BYTES,
      optIoSize: 0,
      maxDiscardSectors: MAX_DISCARD_SECTORS,
      maxDiscardSeg: 1,
      discardSectorAlignment: blkSize / SECTOR_BYTES,
      maxWriteZeroesSectors: MAX_DISCARD_SECTORS,
      maxWriteZeroesSeg: 1,
      writeZeroesMayUnmap: true,
    });
    this.serial = new Uint8Array(VIRTIO_BLK_ID_BYTES);
    this.serial.set(new TextEncoder().encode(opts.serial ?? '').subarray(0, VIRTIO_BLK_ID_BYTES));
  }

  get capacitySectors(): number {
    return Math.floor(this.backend.sizeBytes / SECTOR_BYTES);
  }

  readConfig(offset: number, sizeBytes: number): number {
    return readConfigBytes(this.config, offset, sizeBytes);
  }

  writeConfig(): void {
    // Every field here is read-only for the driver (writeback is not offered).
  }

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    this.ctx = undefined;
  }

  queueNotify(queueIndex: number): void {
    const ctx = this.ctx;
    const q = ctx?.queues[queueIndex];
    if (!ctx || !q || queueIndex !== 0) return;
    for (let n = 0; n < BLK_QUEUE_SIZE; n++) {
      const chain = q.pop();
      if (chain === undefined) break;
      if (isQueueFault(chain)) return ctx.fail(chain.fault);
      const statusSeg = lastByte(chain.writable);
      if (chain.readableBytes < REQ_HEADER_BYTES || !statusSeg) return ctx.fail('virtio-blk request without header or status byte');
      const out = this.execute(ctx, chain);
      const complete = () => {
        ctx.ram.write8(statusSeg.addr, out);
        // QEMU reports the whole device-writable length as used, whatever the outcome.
        q.pushUsed(chain.head, chain.writableBytes);
      };
      if (!this.timing) {
        complete();
        continue;
      }
      // The data moved now; the driver learns of it (status, used ring, interrupt) when the model says.
      this.timing.submit(chain.readableBytes + chain.writableBytes - REQ_HEADER_BYTES - 1, () => {
        if (this.ctx !== ctx) return; // reset meanwhile: the request is gone with the queue
        complete();
        ctx.signalUsed(queueIndex);
      });
    }
    if (!this.timing) ctx.signalUsed(queueIndex);
  }

  save(): BlkState {
    return { metrics: { ...this.metrics } };
  }

  restore(state: BlkState): void {
    this.metrics = { ...state.metrics };
  }

  private execute(ctx: VirtioDeviceContext, chain: DescriptorChain): number {
    this.metrics.requests++;
    const header = parseRequestHeader(readChain(ctx.ram, chain.readable, 0, REQ_HEADER_BYTES));
    const dataOutBytes = chain.readableBytes - REQ_HEADER_BYTES;
    const dataInBytes = chain.writableBytes - 1;
    let out: number;
    switch (header?.type) {
      case VIRTIO_BLK_T_IN: out = this.doRead(ctx, chain.writable, header.sector, dataInBytes); break;
      case VIRTIO_BLK_T_OUT: out = this.doWrite(ctx, chain.readable, header.sector, dataOutBytes); break;
      case VIRTIO_BLK_T_FLUSH:
        this.metrics.flushes++;
        out = this.backend.flush() ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
        break;
      case VIRTIO_BLK_T_GET_ID:
        writeChain(ctx.ram, chain.writable, 0, this.serial.subarray(0, Math.min(VIRTIO_BLK_ID_BYTES, dataInBytes)));
        out = VIRTIO_BLK_S_OK;
        break;
      case VIRTIO_BLK_T_DISCARD:
      case VIRTIO_BLK_T_WRITE_ZEROES:
        out = this.doZero(ctx, chain, header.type === VIRTIO_BLK_T_DISCARD);
        break;
      default: out = VIRTIO_BLK_S_UNSUPP;
    }
    if (out === VIRTIO_BLK_S_IOERR) this.metrics.ioErrors++;
    if (out === VIRTIO_BLK_S_UNSUPP) this.metrics.unsupported++;
    return out;
  }

  /** As QEMU's virtio_blk_sect_range_ok: aligned to the logical block size and inside the disk. */
  private rangeOk(sector: bigint, lenBytes: number): boolean {
    const perBlock = BigInt(this.blkSizeBytes / SECTOR_BYTES);
    if (lenBytes % this.blkSizeBytes !== 0 || sector % perBlock !== 0n) return false;
    return sector + BigInt(lenBytes / SECTOR_BYTES) <= BigInt(this.capacitySectors);
  }

  private doRead(ctx: VirtioDeviceContext, writable: readonly Segment[], sector: bigint, lenBytes: number): number {
    this.metrics.readRequests++;
    if (!this.rangeOk(sector, lenBytes)) return VIRTIO_BLK_S_IOERR;
    const buf = new Uint8Array(lenBytes);
    if (!this.backend.read(Number(sector) * SECTOR_BYTES, buf)) return VIRTIO_BLK_S_IOERR;
    writeChain(ctx.ram, writable, 0, buf);
    this.metrics.readBytes += lenBytes;
    return VIRTIO_BLK_S_OK;
  }

  private doWrite(ctx: VirtioDeviceContext, readable: readonly Segment[], sector: bigint, lenBytes: number): number {
    this.metrics.writeRequests++;
    // §5.2.6.2: a write to a device offering VIRTIO_BLK_F_RO gets IOERR and writes nothing.
    if (this.backend.readonly || !this.rangeOk(sector, lenBytes)) return VIRTIO_BLK_S_IOERR;
    const data = readChain(ctx.ram, readable, REQ_HEADER_BYTES, lenBytes);
    if (!this.backend.write(Number(sector) * SECTOR_BYTES, data)) return VIRTIO_BLK_S_IOERR;
    this.metrics.writtenBytes += lenBytes;
    return VIRTIO_BLK_S_OK;
  }

  private doZero(ctx: VirtioDeviceContext, chain: DescriptorChain, discard: boolean): number {
    const feature = discard ? VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES;
    if ((this.deviceFeatures & feature) === 0n) return this.backend.readonly ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_UNSUPP;
    const segs = parseSegments(readChain(ctx.ram, chain.readable, REQ_HEADER_BYTES, chain.readableBytes - REQ_HEADER_BYTES));
    // One segment per request, as QEMU supports (max_discard_seg = max_write_zeroes_seg = 1).
    if (!segs || segs.length !== 1) return VIRTIO_BLK_S_UNSUPP;
    const s = segs[0];
    // §5.2.6.2: the unmap flag is only meaningful for write zeroes.
    if (discard && s.flags & 1) return VIRTIO_BLK_S_UNSUPP;
    if (s.flags & ~1 || s.numSectors > MAX_DISCARD_SECTORS) return VIRTIO_BLK_S_UNSUPP;
    const lenBytes = s.numSectors * SECTOR_BYTES;
    if (!this.rangeOk(s.sector, lenBytes)) return VIRTIO_BLK_S_IOERR;
    // Discarded sectors read back as zeroes here, which the spec allows and keeps runs reproducible.
    const ok = this.backend.write(Number(s.sector) * SECTOR_BYTES, new Uint8Array(lenBytes));
    if (ok) this.metrics.writtenBytes += lenBytes;
    return ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
  }
}

/** The segment holding a chain's last writable byte (the status byte), as a one-byte segment. */
function lastByte(writable: readonly Segment[]): Segment | undefined {
  for (let i = writable.length - 1; i >= 0; i--) {
    const s = writable[i];
    if (s.len > 0) return { addr: s.addr + s.len - 1, len: 1 };
  }
  return undefined;
}
