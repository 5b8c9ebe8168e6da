// virtio-gpu 2D (virtio 1.1 §5.7): a control queue and a cursor queue. Control requests complete
// synchronously on the kick, in available-ring order, so a fence is already signalled when its
// response is written (the response echoes FLAG_FENCE and the fence id, as QEMU does). Every
// malformed command gets one of the specification's error responses; only a broken ring (a
// QueueFault) puts the device in DEVICE_NEEDS_RESET.

import { readConfigBytes, type VirtioDevice, type VirtioDeviceContext } from '../device';
import { isQueueFault, readChain, writeChain, type DescriptorChain } from '../queue';
import { applyCursorCommand, initialCursor, type CursorState } from './cursor';
import { edidBlock, MAX_EDID_HEIGHT, MAX_EDID_WIDTH } from './edid';
import {
  CMD, CTRL_HDR_BYTES, DEVICE_ID_GPU, emitCtrlHdr, emitDisplayInfo, emitEdidResp, GPU_CONFIG_BYTES, MEM_ENTRY_BYTES,
  parseAttachBacking, parseCtrlHdr, parseGetEdid, parseMemEntries, parseResourceCreate2d, parseResourceFlush,
  parseResourceRef, parseSetScanout, parseTransferToHost2d, RESP, VIRTIO_GPU_EVENT_DISPLAY, VIRTIO_GPU_F_EDID,
  VIRTIO_GPU_FLAG_FENCE, VIRTIO_GPU_MAX_SCANOUTS, type CtrlHdr,
} from './protocol';
import { DEFAULT_LIMITS, rectInside, ResourceTable, type GpuLimits, type ResourceState } from './resources';
import { MIN_SCANOUT_PX, Scanouts, type ScanoutState, type Screenshot } from './scanouts';

export const CONTROL_QUEUE = 0;
export const CURSOR_QUEUE = 1;
/** QEMU's queue sizes: 256 for control, 16 for the cursor. */
export const GPU_QUEUE_SIZES = [256, 16];

export interface GpuOptions {
  /** One entry per scanout (1..16); default one 1024x768 output. */
  outputs?: ReadonlyArray<{ widthPx: number; heightPx: number }>;
  /** Offer VIRTIO_GPU_F_EDID (QEMU's `edid=on`, the default). */
  edid?: boolean;
  limits?: Partial<GpuLimits>;
}

export interface GpuMetrics {
  commands: number;
  errors: number;
  fences: number;
  transfers: number;
  transferredBytes: number;
  flushes: number;
  cursorCommands: number;
}

export interface GpuState {
  resources: ResourceState[];
  scanouts: ScanoutState[];
  cursor: CursorState;
  eventsRead: number;
  metrics: GpuMetrics;
}

const ZERO_METRICS: GpuMetrics = { commands: 0, errors: 0, fences: 0, transfers: 0, transferredBytes: 0, flushes: 0, cursorCommands: 0 };

/** Checks a scanout size against what the device (and its EDID) can describe. */
export function validScanoutSize(widthPx: number, heightPx: number): boolean {
  return Number.isInteger(widthPx) && Number.isInteger(heightPx) && widthPx >= MIN_SCANOUT_PX && heightPx >= MIN_SCANOUT_PX && widthPx <= MAX_EDID_WIDTH && heightPx <= MAX_EDID_HEIGHT;
}

export class VirtioGpu implements VirtioDevice<GpuState> {
  readonly deviceType = DEVICE_ID_GPU;
  readonly deviceFeatures: bigint;
  readonly queueMaxSizes = GPU_QUEUE_SIZES;
  readonly configSizeBytes = GPU_CONFIG_BYTES;
  metrics: GpuMetrics = { ...ZERO_METRICS };
  readonly resources: ResourceTable;
  readonly scanouts: Scanouts;
  cursor: CursorState = initialCursor();
  private eventsRead = 0;
  private ctx: VirtioDeviceContext | undefined;

  constructor(opts: GpuOptions = {}) {
    const outputs = opts.outputs ?? [{ widthPx: 1024, heightPx: 768 }];
    if (outputs.length < 1 || outputs.length > VIRTIO_GPU_MAX_SCANOUTS) throw new RangeError(`virtio-gpu: ${outputs.length} outputs (1..16)`);
    for (const o of outputs) if (!validScanoutSize(o.widthPx, o.heightPx)) throw new RangeError(`virtio-gpu: unsupported mode ${o.widthPx}x${o.heightPx}`);
    this.scanouts = new Scanouts(outputs);
    this.resources = new ResourceTable({ ...DEFAULT_LIMITS, ...opts.limits });
    this.deviceFeatures = opts.edid === false ? 0n : VIRTIO_GPU_F_EDID;
  }

  readConfig(offset: number, sizeBytes: number): number {
    const b = new Uint8Array(GPU_CONFIG_BYTES);
    const v = new DataView(b.buffer);
    v.setUint32(0, this.eventsRead, true);
    v.setUint32(8, this.scanouts.outputs.length, true);
    // events_clear (4) reads as 0; num_capsets (12) is 0: no 3D.
    return readConfigBytes(b, offset, sizeBytes);
  }

  writeConfig(offset: number, sizeBytes: number, value: number): void {
    // Only events_clear is writable: each set bit clears the same bit of events_read.
    if (offset === 4 && sizeBytes === 4) this.eventsRead &= ~value;
  }

  activate(ctx: VirtioDeviceContext): void {
    this.ctx = ctx;
  }

  reset(): void {
    // As QEMU's reset: every resource is destroyed and the scanouts go dark.
    this.ctx = undefined;
    this.resources.clear();
    this.scanouts.reset();
    this.cursor = initialCursor();
  }

  queueNotify(queueIndex: number): void {
    const ctx = this.ctx;
    const q = ctx?.queues[queueIndex];
    if (!ctx || !q || queueIndex > CURSOR_QUEUE) return;
    for (let n = 0; n < GPU_QUEUE_SIZES[queueIndex]; n++) {
      const chain = q.pop();
      if (chain === undefined) break;
      if (isQueueFault(chain)) return ctx.fail(chain.fault);
      if (queueIndex === CURSOR_QUEUE) {
        this.metrics.cursorCommands++;
        applyCursorCommand(this.cursor, readChain(ctx.ram, chain.readable, 0, Math.min(chain.readableBytes, 64)), this.resources, this.scanouts.outputs.length);
        q.pushUsed(chain.head, 0);
      } else {
        q.pushUsed(chain.head, this.control(ctx, chain));
      }
    }
    ctx.signalUsed(queueIndex);
  }

  /** The host changes a monitor's size (a window resize): the driver learns it through the config event. */
  resizeOutput(index: number, widthPx: number, heightPx: number): boolean {
    const out = this.scanouts.outputs[index];
    if (!out || !validScanoutSize(widthPx, heightPx)) return false;
    out.widthPx = widthPx;
    out.heightPx = heightPx;
    this.eventsRead |= VIRTIO_GPU_EVENT_DISPLAY;
    this.ctx?.configChanged();
    return true;
  }

  /** Counters plus current occupancy, for `twinbox` metrics output. */
  stats(): GpuMetrics & { resources: number; hostmemBytes: number; framesByScanout: number[] } {
    return { ...this.metrics, resources: this.resources.count, hostmemBytes: this.resources.hostmemBytes, framesByScanout: this.scanouts.outputs.map((s) => s.frames) };
  }

  screenshot(index = 0): Screenshot | undefined {
    return this.scanouts.screenshot(this.resources, index);
  }

  save(): GpuState {
    return {
      resources: this.resources.save(), scanouts: this.scanouts.save(),
      cursor: { ...this.cursor, image: this.cursor.image ? this.cursor.image.slice() : null },
      eventsRead: this.eventsRead, metrics: { ...this.metrics },
    };
  }

  restore(state: GpuState): void {
    this.resources.restore(state.resources);
    this.scanouts.restore(state.scanouts);
    this.cursor = { ...state.cursor, image: state.cursor.image ? Uint8Array.from(state.cursor.image) : null };
    this.eventsRead = state.eventsRead;
    this.metrics = { ...state.metrics };
  }

  /** Runs one control request; returns the bytes written into its response buffers. */
  private control(ctx: VirtioDeviceContext, chain: DescriptorChain): number {
    this.metrics.commands++;
    const maxBytes = CTRL_HDR_BYTES + 8 + MEM_ENTRY_BYTES * this.resources.limits.maxBackingEntries;
    const req = readChain(ctx.ram, chain.readable, 0, Math.min(chain.readableBytes, maxBytes));
    const hdr = parseCtrlHdr(req);
    const resp = hdr ? this.execute(ctx, hdr, req) : RESP.ERR_UNSPEC;
    const body = typeof resp === 'number' ? emitCtrlHdr(responseHdr(hdr, resp)) : resp;
    const type = new DataView(body.buffer, body.byteOffset).getUint32(0, true);
    if (type >= RESP.ERR_UNSPEC) this.metrics.errors++;
    if (hdr && hdr.flags & VIRTIO_GPU_FLAG_FENCE) this.metrics.fences++;
    // A response buffer that is too small gets what fits, as in QEMU (which only logs it).
    return writeChain(ctx.ram, chain.writable, 0, body);
  }

  private execute(ctx: VirtioDeviceContext, hdr: CtrlHdr, req: Uint8Array): number | Uint8Array {
    const r = this.resources;
    switch (hdr.type) {
      case CMD.GET_DISPLAY_INFO: return emitDisplayInfo(responseHdr(hdr, RESP.OK_DISPLAY_INFO), this.scanouts.displayModes());
      case CMD.GET_EDID: return this.getEdid(ctx, hdr, req);
      case CMD.RESOURCE_CREATE_2D: return withBody(parseResourceCreate2d(req), (c) => r.create(c));
      case CMD.RESOURCE_UNREF: return withBody(parseResourceRef(req), (c) => {
        const resp = r.unref(c.resourceId);
        if (resp === RESP.OK_NODATA) this.scanouts.resourceGone(c.resourceId);
        return resp;
      });
      case CMD.RESOURCE_ATTACH_BACKING: return this.attachBacking(ctx, req);
      case CMD.RESOURCE_DETACH_BACKING: return withBody(parseResourceRef(req), (c) => r.detach(c.resourceId));
      case CMD.SET_SCANOUT: return withBody(parseSetScanout(req), (c) => this.scanouts.set(r, c));
      case CMD.TRANSFER_TO_HOST_2D: return withBody(parseTransferToHost2d(req), (c) => {
        const t = r.transfer(ctx.ram, c);
        if (t.resp === RESP.OK_NODATA) {
          this.metrics.transfers++;
          this.metrics.transferredBytes += t.bytes;
        }
        return t.resp;
      });
      case CMD.RESOURCE_FLUSH: return withBody(parseResourceFlush(req), (c) => this.flush(c.resourceId, c.r));
      case CMD.RESOURCE_CREATE_BLOB:
      case CMD.SET_SCANOUT_BLOB:
        return RESP.ERR_INVALID_PARAMETER; // as QEMU without blob=on
      default:
        // 3D commands name a rendering context, and this 2D device has none. (QEMU's 2D device
        // answers them ERR_UNSPEC; the context error says why.) Capset queries fall to ERR_UNSPEC.
        if (hdr.type >= CMD.CTX_CREATE && hdr.type <= CMD.SUBMIT_3D + 2) return RESP.ERR_INVALID_CONTEXT_ID;
        return RESP.ERR_UNSPEC;
    }
  }

  private getEdid(ctx: VirtioDeviceContext, hdr: CtrlHdr, req: Uint8Array): number | Uint8Array {
    if ((ctx.features & VIRTIO_GPU_F_EDID) === 0n) return RESP.ERR_UNSPEC;
    const c = parseGetEdid(req);
    if (!c) return RESP.ERR_UNSPEC;
    const out = this.scanouts.outputs[c.scanoutId];
    if (!out) return RESP.ERR_INVALID_PARAMETER;
    return emitEdidResp(responseHdr(hdr, RESP.OK_EDID), edidBlock({ widthPx: out.widthPx, heightPx: out.heightPx, serial: c.scanoutId }));
  }

  private attachBacking(ctx: VirtioDeviceContext, req: Uint8Array): number {
    const c = parseAttachBacking(req);
    if (!c || c.nrEntries > this.resources.limits.maxBackingEntries) return RESP.ERR_UNSPEC;
    const entries = parseMemEntries(req.subarray(CTRL_HDR_BYTES + 8), c.nrEntries);
    if (!this.resources.get(c.resourceId)) return RESP.ERR_INVALID_RESOURCE_ID;
    if (!entries) return RESP.ERR_UNSPEC;
    return this.resources.attach(ctx.ram, c.resourceId, entries);
  }

  private flush(resourceId: number, r: { x: number; y: number; width: number; height: number }): number {
    const res = this.resources.get(resourceId);
    if (!res) return RESP.ERR_INVALID_RESOURCE_ID;
    if (!rectInside(r, res.width, res.height)) return RESP.ERR_INVALID_PARAMETER;
    this.metrics.flushes++;
    this.scanouts.flushed(resourceId);
    return RESP.OK_NODATA;
  }
}

/** The response header: fence id and context are echoed only for fenced commands (QEMU). */
function responseHdr(req: CtrlHdr | undefined, type: number): CtrlHdr {
  const fenced = req !== undefined && (req.flags & VIRTIO_GPU_FLAG_FENCE) !== 0;
  return { type, flags: fenced ? VIRTIO_GPU_FLAG_FENCE : 0, fenceId: fenced ? req.fenceId : 0n, ctxId: fenced ? req.ctxId : 0, ringIdx: 0 };
}

function withBody<T>(body: T | undefined, run: (b: T) => number): number {
  return body === undefined ? RESP.ERR_UNSPEC : run(body);
}
