// One fbdev framebuffer on a virtio-gpu scanout, as drm's fbdev emulation builds it for
// virtio_gpu: guest RAM frames hold the pixels (XRGB8888, stride = width * 4), a 2D resource
// of the mode's size is backed by them and set on the scanout, and damage is pushed with
// TRANSFER_TO_HOST_2D + RESOURCE_FLUSH of the touched rows. write(2) flushes at once; writes
// through a mapping are collected and flushed HZ/20 later (fbdev's deferred I/O), or at msync.

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import { FORMAT_B8G8R8X8_UNORM, type GpuRect, type VirtioGpuDriver } from '../virtio/gpu';
import type { EdidMode } from './edid-modes';
import {
  FB_ACCEL_NONE, FB_ACTIVATE_MASK, FB_ACTIVATE_TEST, FB_BLANK_POWERDOWN, FB_BLANK_UNBLANK, FB_TYPE_PACKED_PIXELS,
  FB_VISUAL_TRUECOLOR, XRGB8888, type FixScreeninfo, type VarScreeninfo,
} from './fb-structs';

const PAGE = 4096, BPP = 4;
const EINVAL = 22;
/** fbdev deferred I/O delay for drm's generic fbdev (HZ/20). */
export const DEFERRED_FLUSH_NS = 50_000_000;
export const FB_ID = 'virtio_gpudrmfb';

export interface FbEnv {
  ram: GuestRam;
  allocFrame: () => number | undefined;
  /** Runs `fn` after `delayNs` of virtual time (the kernel's timer). */
  after: (delayNs: number, fn: () => void) => void;
}

export interface FbStats {
  flushes: number;
  flushedBytes: number;
  errors: number;
}

export class Framebuffer {
  widthPx: number;
  heightPx: number;
  blanked = false;
  readonly stats: FbStats = { flushes: 0, flushedBytes: 0, errors: 0 };
  private resourceId = 1;
  /** Rows [first, end) written since the last flush. */
  private damage: { first: number; end: number } | undefined;
  private flushQueued = false;

  private constructor(
    private readonly gpu: VirtioGpuDriver,
    private readonly env: FbEnv,
    readonly scanoutId: number,
    readonly frames: readonly number[],
    readonly modes: readonly EdidMode[],
    mode: EdidMode,
  ) {
    this.widthPx = mode.widthPx;
    this.heightPx = mode.heightPx;
  }

  /** Allocates the memory for `mode` and shows it on `scanoutId` as `resourceId`; a message on failure. */
  static create(gpu: VirtioGpuDriver, env: FbEnv, scanoutId: number, mode: EdidMode, modes: readonly EdidMode[], resourceId = 1): Framebuffer | string {
    const pages = Math.ceil((mode.widthPx * mode.heightPx * BPP) / PAGE);
    const frames: number[] = [];
    for (let i = 0; i < pages; i++) {
      const f = env.allocFrame();
      if (f === undefined) return `fb${scanoutId}: out of memory for ${mode.widthPx}x${mode.heightPx}`;
      frames.push(f);
    }
    const fb = new Framebuffer(gpu, env, scanoutId, frames, modes.length > 0 ? modes : [mode], mode);
    fb.resourceId = resourceId;
    const r = fb.showMode();
    return r === 0 ? fb : `fb${scanoutId}: the device refused the framebuffer (${r})`;
  }

  get strideBytes(): number {
    return this.widthPx * BPP;
  }

  /** smem_len: the memory allocated at probe, which bounds every later mode. */
  get sizeBytes(): number {
    return this.frames.length * PAGE;
  }

  get screenBytes(): number {
    return this.strideBytes * this.heightPx;
  }

  read(offsetBytes: number, lenBytes: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(lenBytes, this.sizeBytes - offsetBytes)));
    for (let done = 0; done < out.length; ) {
      const at = offsetBytes + done, pageOff = at % PAGE;
      const n = Math.min(PAGE - pageOff, out.length - done);
      out.set(this.env.ram.pageFor(this.frames[Math.floor(at / PAGE)]).subarray(pageOff, pageOff + n), done);
      done += n;
    }
    return out;
  }

  /** Copies `data` in at `offsetBytes` (clipped to the memory); the caller says when to flush. */
  store(offsetBytes: number, data: Uint8Array): number {
    const count = Math.max(0, Math.min(data.length, this.sizeBytes - offsetBytes));
    for (let done = 0; done < count; ) {
      const at = offsetBytes + done, pageOff = at % PAGE;
      const n = Math.min(PAGE - pageOff, count - done);
      this.env.ram.pageFor(this.frames[Math.floor(at / PAGE)]).set(data.subarray(done, done + n), pageOff);
      done += n;
    }
    this.markDamage(offsetBytes, count);
    return count;
  }

  /** Records that [offset, offset+len) changed; rows outside the visible screen are ignored. */
  markDamage(offsetBytes: number, lenBytes: number): void {
    if (lenBytes <= 0) return;
    const first = Math.floor(offsetBytes / this.strideBytes);
    const end = Math.min(this.heightPx, Math.floor((offsetBytes + lenBytes - 1) / this.strideBytes) + 1);
    if (first >= end) return;
    this.damage = this.damage ? { first: Math.min(first, this.damage.first), end: Math.max(end, this.damage.end) } : { first, end };
  }

  /** Damage from a mapping: flushed by the deferred-I/O timer. */
  markDamageDeferred(offsetBytes: number, lenBytes: number): void {
    this.markDamage(offsetBytes, lenBytes);
    if (this.flushQueued || !this.damage) return;
    this.flushQueued = true;
    this.env.after(DEFERRED_FLUSH_NS, () => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** Pushes the damaged rows to the device and flushes them; 0 or -errno. */
  flush(): number {
    const d = this.damage;
    this.damage = undefined;
    if (!d || this.blanked) return 0;
    const rect: GpuRect = { x: 0, y: d.first, width: this.widthPx, height: d.end - d.first };
    const t = this.gpu.transferToHost2d(this.resourceId, rect, d.first * this.strideBytes);
    const f = t === 0 ? this.gpu.flush(this.resourceId, rect) : t;
    if (f !== 0) {
      this.stats.errors++;
      return f;
    }
    this.stats.flushes++;
    this.stats.flushedBytes += rect.height * this.strideBytes;
    return 0;
  }

  /** Forces a whole-screen flush (msync, unblank, mode change). */
  flushAll(): number {
    this.markDamage(0, this.screenBytes);
    return this.flush();
  }

  /** FBIOBLANK: any blanking level turns the scanout off; UNBLANK shows the resource again. */
  blank(level: number): number {
    if (level < FB_BLANK_UNBLANK || level > FB_BLANK_POWERDOWN) return -EINVAL;
    if (level === FB_BLANK_UNBLANK) {
      if (!this.blanked) return 0;
      this.blanked = false;
      const r = this.gpu.setScanout(this.scanoutId, this.resourceId, this.screenRect());
      return r !== 0 ? r : this.flushAll();
    }
    if (this.blanked) return 0;
    this.blanked = true;
    return this.gpu.setScanout(this.scanoutId, 0, { x: 0, y: 0, width: 0, height: 0 });
  }

  /** FBIOPAN_DISPLAY: the virtual screen is the visible one, so only (0, 0) is in range. */
  pan(xoffset: number, yoffset: number): number {
    if (xoffset !== 0 || yoffset !== 0) return -EINVAL;
    return this.flushAll();
  }

  /** FBIOPUT_VSCREENINFO: 32 bpp, a mode from the EDID that fits the memory; -EINVAL otherwise. */
  setVar(v: VarScreeninfo): number {
    if (v.bitsPerPixel !== 32) return -EINVAL;
    const mode = this.modes.find((m) => m.widthPx === v.xres && m.heightPx === v.yres);
    if (!mode || mode.widthPx * mode.heightPx * BPP > this.sizeBytes) return -EINVAL;
    if (v.xoffset !== 0 || v.yoffset !== 0) return -EINVAL;
    if ((v.activate & FB_ACTIVATE_MASK) === FB_ACTIVATE_TEST) return 0;
    if (mode.widthPx === this.widthPx && mode.heightPx === this.heightPx) return 0;
    const old = this.resourceId;
    this.widthPx = mode.widthPx;
    this.heightPx = mode.heightPx;
    this.resourceId = old + 1;
    const r = this.showMode();
    if (r === 0) this.gpu.unref(old);
    return r;
  }

  varInfo(): VarScreeninfo {
    const mode = this.modes.find((m) => m.widthPx === this.widthPx && m.heightPx === this.heightPx);
    return {
      xres: this.widthPx, yres: this.heightPx, xresVirtual: this.widthPx, yresVirtual: this.heightPx, xoffset: 0, yoffset: 0,
      bitsPerPixel: 32, grayscale: 0, ...XRGB8888, nonstd: 0, activate: 0,
      heightMm: mode?.heightMm || 0xffff_ffff, widthMm: mode?.widthMm || 0xffff_ffff, accelFlags: 0, timing: [],
    };
  }

  fixInfo(): FixScreeninfo {
    return {
      id: FB_ID, smemStart: 0, smemLen: this.sizeBytes, type: FB_TYPE_PACKED_PIXELS, typeAux: 0, visual: FB_VISUAL_TRUECOLOR,
      xpanstep: 1, ypanstep: 1, ywrapstep: 0, lineLength: this.strideBytes, mmioStart: 0, mmioLen: 0, accel: FB_ACCEL_NONE, capabilities: 0,
    };
  }

  private screenRect(): GpuRect {
    return { x: 0, y: 0, width: this.widthPx, height: this.heightPx };
  }

  /** Creates the resource for the current mode over the frames and scans it out. */
  private showMode(): number {
    const g = this.gpu;
    const bytes = this.screenBytes;
    let r = g.createResource2d(this.resourceId, FORMAT_B8G8R8X8_UNORM, this.widthPx, this.heightPx);
    if (r === 0) r = g.attachBacking(this.resourceId, backingRuns(this.frames, bytes));
    if (r === 0 && !this.blanked) r = g.setScanout(this.scanoutId, this.resourceId, this.screenRect());
    if (r === 0) r = this.flushAll();
    return r;
  }
}

/** The frames as runs of contiguous memory covering `bytes` (Linux coalesces its sg list the same way). */
export function backingRuns(frames: readonly number[], bytes: number): Array<{ addr: number; lenBytes: number }> {
  const runs: Array<{ addr: number; lenBytes: number }> = [];
  const pages = Math.ceil(bytes / PAGE);
  for (let i = 0; i < pages; i++) {
    const len = Math.min(PAGE, bytes - i * PAGE);
    const last = runs[runs.length - 1];
    if (last && last.addr + last.lenBytes === frames[i]) last.lenBytes += len;
    else runs.push({ addr: frames[i], lenBytes: len });
  }
  return runs;
}
