// The virtio-gpu driver, 2D only (virtio 1.1 §5.7; Linux's drivers/gpu/drm/virtio, reduced to
// what its fbdev emulation uses): feature negotiation (EDID), the control queue, and one
// command at a time as a request + response chain. Commands complete synchronously (the
// device answers on the kick and the driver reaps the used ring), so there is no fence
// bookkeeping; the interrupt is only acknowledged. Every call returns a value: the
// response, or a negative errno when the device answered with an error or not at all.

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import { DriverQueue, type Segment } from './virtqueue';
import {
  F_VERSION_1, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK,
  type VirtioTransport,
} from './transport';

export const VIRTIO_ID_GPU = 16;
export const F_VIRGL = 1n << 0n, F_EDID = 1n << 1n, F_RESOURCE_UUID = 1n << 2n, F_RESOURCE_BLOB = 1n << 3n, F_CONTEXT_INIT = 1n << 4n;
const WANTED = F_VERSION_1 | F_EDID;

const CMD_GET_DISPLAY_INFO = 0x0100, CMD_RESOURCE_CREATE_2D = 0x0101, CMD_RESOURCE_UNREF = 0x0102;
const CMD_SET_SCANOUT = 0x0103, CMD_RESOURCE_FLUSH = 0x0104, CMD_TRANSFER_TO_HOST_2D = 0x0105;
const CMD_RESOURCE_ATTACH_BACKING = 0x0106, CMD_RESOURCE_DETACH_BACKING = 0x0107, CMD_GET_EDID = 0x010a;
const RESP_OK_NODATA = 0x1100, RESP_OK_DISPLAY_INFO = 0x1101, RESP_OK_EDID = 0x1104, RESP_ERR_OUT_OF_MEMORY = 0x1201;
const HDR_BYTES = 24, PAGE = 4096, MAX_SCANOUTS = 16;
const EIO = 5, ENOMEM = 12, EINVAL = 22;
/** Linux's fbdev asks for XRGB8888, which on a little-endian guest is B8G8R8X8_UNORM. */
export const FORMAT_B8G8R8X8_UNORM = 2;

export interface GpuRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayInfo {
  rect: GpuRect;
  enabled: boolean;
}

/** One contiguous run of guest-physical memory for ATTACH_BACKING. */
export interface BackingRun {
  addr: number;
  lenBytes: number;
}

export class VirtioGpuDriver {
  commands = 0;
  errors = 0;

  private constructor(
    private readonly t: VirtioTransport,
    private readonly ram: GuestRam,
    private readonly q: DriverQueue,
    private readonly reqPage: number,
    private readonly respPage: number,
    private readonly allocFrame: () => number | undefined,
    readonly features: bigint,
    readonly numScanouts: number,
    readonly numCapsets: number,
  ) {}

  /** Initialises the device (§3.1.1) with its control queue; a message when it cannot be driven. */
  static init(t: VirtioTransport, ram: GuestRam, allocFrame: () => number | undefined): VirtioGpuDriver | string {
    t.setStatus(0);
    t.setStatus(STATUS_ACKNOWLEDGE);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
    const offered = t.deviceFeatures();
    if (!(offered & F_VERSION_1)) return fail(t, 'device does not offer VIRTIO_F_VERSION_1');
    const features = offered & WANTED;
    t.setDriverFeatures(features);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if (!(t.getStatus() & STATUS_FEATURES_OK)) return fail(t, 'features not accepted');
    const numScanouts = t.readConfig(8, 4);
    const numCapsets = t.readConfig(12, 4);
    if (numScanouts < 1 || numScanouts > MAX_SCANOUTS) return fail(t, `number of scanouts: ${numScanouts}`);
    const max = t.queueMaxSize(0);
    if (max === 0) return fail(t, 'no control queue');
    let size = 1;
    while (size * 2 <= Math.min(max, 64)) size *= 2;
    const q = DriverQueue.create(ram, allocFrame, size, t.irq !== undefined || t.msixEnabled === true);
    const req = allocFrame(), resp = allocFrame();
    if (!q || req === undefined || resp === undefined) return fail(t, 'out of memory for the control queue');
    t.enableQueue(0, size, q.addrs);
    t.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    return new VirtioGpuDriver(t, ram, q, req, resp, allocFrame, features, numScanouts, numCapsets);
  }

  get where(): string {
    return this.t.where;
  }

  get hasEdid(): boolean {
    return (this.features & F_EDID) !== 0n;
  }

  /** The interrupt handler: commands are already complete; this acknowledges the device. */
  handleIrq(): void {
    this.t.ackInterrupt();
  }

  /** "[drm] features: -virgl +edid -resource_blob -host_visible" as Linux prints the negotiated set. */
  featureLines(): string[] {
    const f = (on: boolean, name: string) => `${on ? '+' : '-'}${name}`;
    return [
      `[drm] features: ${f((this.features & F_VIRGL) !== 0n, 'virgl')} ${f(this.hasEdid, 'edid')} ${f((this.features & F_RESOURCE_BLOB) !== 0n, 'resource_blob')} -host_visible`,
      `[drm] features: ${f((this.features & F_CONTEXT_INIT) !== 0n, 'context_init')}`,
    ];
  }

  displayInfo(): DisplayInfo[] | number {
    const r = this.command(words(CMD_GET_DISPLAY_INFO, []), [], HDR_BYTES + MAX_SCANOUTS * 24, RESP_OK_DISPLAY_INFO);
    if (typeof r === 'number') return r;
    const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
    const out: DisplayInfo[] = [];
    for (let i = 0; i < this.numScanouts; i++) {
      const at = HDR_BYTES + i * 24;
      out.push({
        rect: { x: v.getUint32(at, true), y: v.getUint32(at + 4, true), width: v.getUint32(at + 8, true), height: v.getUint32(at + 12, true) },
        enabled: v.getUint32(at + 16, true) !== 0,
      });
    }
    return out;
  }

  /** The scanout's EDID block(s), or -errno (-EINVAL without VIRTIO_GPU_F_EDID). */
  edid(scanoutId: number): Uint8Array | number {
    if (!this.hasEdid) return -EINVAL;
    const r = this.command(words(CMD_GET_EDID, [scanoutId, 0]), [], HDR_BYTES + 8 + 1024, RESP_OK_EDID);
    if (typeof r === 'number') return r;
    const size = Math.min(1024, new DataView(r.buffer, r.byteOffset).getUint32(HDR_BYTES, true));
    return r.slice(HDR_BYTES + 8, HDR_BYTES + 8 + size);
  }

  createResource2d(resourceId: number, format: number, widthPx: number, heightPx: number): number {
    return this.simple(words(CMD_RESOURCE_CREATE_2D, [resourceId, format, widthPx, heightPx]));
  }

  unref(resourceId: number): number {
    return this.simple(words(CMD_RESOURCE_UNREF, [resourceId, 0]));
  }

  detachBacking(resourceId: number): number {
    return this.simple(words(CMD_RESOURCE_DETACH_BACKING, [resourceId, 0]));
  }

  /** ATTACH_BACKING with the runs as virtio_gpu_mem_entry records, in pages after the request. */
  attachBacking(resourceId: number, runs: readonly BackingRun[]): number {
    const entryPages: number[] = [];
    const perPage = PAGE / 16;
    for (let i = 0; i < runs.length; i += perPage) {
      const p = this.allocFrame();
      if (p === undefined) return -ENOMEM;
      entryPages.push(p);
      runs.slice(i, i + perPage).forEach((run, j) => {
        this.ram.write64(p + j * 16, BigInt(run.addr));
        this.ram.write32(p + j * 16 + 8, run.lenBytes);
        this.ram.write32(p + j * 16 + 12, 0);
      });
    }
    const extra: Segment[] = entryPages.map((p, i) => ({ addr: p, lenBytes: Math.min(PAGE, (runs.length - i * perPage) * 16), write: false }));
    // The entry pages stay with the resource, as Linux keeps its sg table until detach.
    return this.simple(words(CMD_RESOURCE_ATTACH_BACKING, [resourceId, runs.length]), extra);
  }

  setScanout(scanoutId: number, resourceId: number, r: GpuRect): number {
    return this.simple(words(CMD_SET_SCANOUT, [...rectWords(r), scanoutId, resourceId]));
  }

  transferToHost2d(resourceId: number, r: GpuRect, offsetBytes: number): number {
    return this.simple(words(CMD_TRANSFER_TO_HOST_2D, [...rectWords(r), offsetBytes % 0x1_0000_0000, Math.floor(offsetBytes / 0x1_0000_0000), resourceId, 0]));
  }

  flush(resourceId: number, r: GpuRect): number {
    return this.simple(words(CMD_RESOURCE_FLUSH, [...rectWords(r), resourceId, 0]));
  }

  private simple(req: Uint8Array, extra: Segment[] = []): number {
    const r = this.command(req, extra, HDR_BYTES, RESP_OK_NODATA);
    return typeof r === 'number' ? r : 0;
  }

  /** Sends one request and waits for its response; -errno for a device error or no answer. */
  private command(req: Uint8Array, extra: readonly Segment[], respBytes: number, okType: number): Uint8Array | number {
    this.commands++;
    this.ram.writeBytes(this.reqPage, req);
    this.ram.write32(this.respPage, 0);
    const chain: Segment[] = [{ addr: this.reqPage, lenBytes: req.length, write: false }, ...extra, { addr: this.respPage, lenBytes: respBytes, write: true }];
    if (!this.q.publish(chain)) return this.error(-EIO);
    this.t.notify(0);
    const used = this.q.takeUsed();
    if (!used || used.id !== 0) return this.error(-EIO);
    const resp = this.ram.readBytes(this.respPage, respBytes);
    const type = new DataView(resp.buffer).getUint32(0, true);
    if (type === okType) return resp;
    return this.error(type === RESP_ERR_OUT_OF_MEMORY ? -ENOMEM : type >= 0x1200 ? -EINVAL : -EIO);
  }

  private error(e: number): number {
    this.errors++;
    return e;
  }
}

/** A request: the control header (type, no flags, no fence) then 32-bit little-endian words. */
function words(type: number, body: readonly number[]): Uint8Array {
  const b = new Uint8Array(HDR_BYTES + body.length * 4);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, true);
  body.forEach((w, i) => v.setUint32(HDR_BYTES + i * 4, w >>> 0, true));
  return b;
}

function rectWords(r: GpuRect): number[] {
  return [r.x, r.y, r.width, r.height];
}

function fail(t: VirtioTransport, why: string): string {
  t.setStatus(t.getStatus() | STATUS_FAILED);
  return `virtio_gpu ${t.where}: ${why}`;
}
