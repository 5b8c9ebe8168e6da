// The virtio-gpu scanouts (the device's display outputs): each has a mode (its size, reported by
// GET_DISPLAY_INFO and the EDID) and, once the driver sets it, a resource and the rectangle of
// that resource it shows. As with QEMU's screendump, a screenshot is the scanned-out rectangle
// of the resource as it is now; flushes count frames.

import { toRgb } from './formats';
import { encodePngRgb } from './png';
import { RESP, type DisplayMode, type Rect, type SetScanout } from './protocol';
import { rectInside, type ResourceTable } from './resources';

/** QEMU refuses scanout rectangles smaller than 16x16. */
export const MIN_SCANOUT_PX = 16;

export interface ScanoutState {
  widthPx: number;
  heightPx: number;
  /** 0 when the driver has not set (or has disabled) the scanout. */
  resourceId: number;
  r: Rect;
  frames: number;
}

export interface Screenshot {
  widthPx: number;
  heightPx: number;
  png: Uint8Array;
}

export class Scanouts {
  readonly outputs: ScanoutState[];

  constructor(modes: ReadonlyArray<{ widthPx: number; heightPx: number }>) {
    this.outputs = modes.map((m) => ({ widthPx: m.widthPx, heightPx: m.heightPx, resourceId: 0, r: { x: 0, y: 0, width: 0, height: 0 }, frames: 0 }));
  }

  displayModes(): DisplayMode[] {
    return this.outputs.map((s) => ({ r: { x: 0, y: 0, width: s.widthPx, height: s.heightPx }, enabled: true }));
  }

  set(resources: ResourceTable, c: SetScanout): number {
    const out = this.outputs[c.scanoutId];
    if (!out) return RESP.ERR_INVALID_SCANOUT_ID;
    if (c.resourceId === 0) {
      out.resourceId = 0;
      return RESP.OK_NODATA;
    }
    const res = resources.get(c.resourceId);
    if (!res) return RESP.ERR_INVALID_RESOURCE_ID;
    if (!res.backing) return RESP.ERR_UNSPEC; // QEMU scans out only resources with backing
    if (c.r.width < MIN_SCANOUT_PX || c.r.height < MIN_SCANOUT_PX || !rectInside(c.r, res.width, res.height)) return RESP.ERR_INVALID_PARAMETER;
    out.resourceId = c.resourceId;
    out.r = { ...c.r };
    return RESP.OK_NODATA;
  }

  /** A flush of `resourceId` is a new frame on every scanout showing it. */
  flushed(resourceId: number): void {
    for (const s of this.outputs) if (s.resourceId === resourceId) s.frames++;
  }

  /** The resource went away: scanouts showing it go dark (QEMU disables them). */
  resourceGone(resourceId: number): void {
    for (const s of this.outputs) if (s.resourceId === resourceId) s.resourceId = 0;
  }

  /** Packed RGB of what scanout `index` shows; black at the mode size when nothing is set. */
  pixels(resources: ResourceTable, index: number): { widthPx: number; heightPx: number; rgb: Uint8Array } | undefined {
    const s = this.outputs[index];
    if (!s) return undefined;
    const res = s.resourceId === 0 ? undefined : resources.get(s.resourceId);
    if (!res) return { widthPx: s.widthPx, heightPx: s.heightPx, rgb: new Uint8Array(s.widthPx * s.heightPx * 3) };
    return { widthPx: s.r.width, heightPx: s.r.height, rgb: toRgb(res.pixels, res.width * 4, res.format, s.r.x, s.r.y, s.r.width, s.r.height) };
  }

  screenshot(resources: ResourceTable, index: number): Screenshot | undefined {
    const p = this.pixels(resources, index);
    return p && { widthPx: p.widthPx, heightPx: p.heightPx, png: encodePngRgb(p.widthPx, p.heightPx, p.rgb) };
  }

  reset(): void {
    for (const s of this.outputs) {
      s.resourceId = 0;
      s.r = { x: 0, y: 0, width: 0, height: 0 };
    }
  }

  save(): ScanoutState[] {
    return this.outputs.map((s) => ({ ...s, r: { ...s.r } }));
  }

  restore(states: readonly ScanoutState[]): void {
    states.forEach((s, i) => {
      if (this.outputs[i]) this.outputs[i] = { ...s, r: { ...s.r } };
    });
  }
}
