// Host-side 2D resources of virtio-gpu: their pixels, their guest backing (a scatter list of
// guest-physical ranges) and the copies between the two. Checks follow QEMU's virtio-gpu 2D:
// resource id 0 is reserved, ids are unique, host memory for pixels is bounded (the
// `max_hostmem` property), rectangles must lie inside the resource. All arithmetic is on
// u32 fields held in doubles, so sums like x + width cannot wrap the way they would in C.

import type { GuestRam } from '../../../emulator/memory/guest-ram';
import { BYTES_PER_PIXEL, channelOffsets } from './formats';
import { RESP, type MemEntry, type Rect, type ResourceCreate2d, type TransferToHost2d } from './protocol';

export interface BackingEntry { addr: number; lenBytes: number }

export interface Resource {
  id: number;
  format: number;
  width: number;
  height: number;
  /** width * height * 4 bytes, in the resource's own format. */
  pixels: Uint8Array<ArrayBuffer>;
  backing: BackingEntry[] | undefined;
}

export interface GpuLimits {
  maxResources: number;
  maxHostmemBytes: number;
  /** QEMU refuses more than 16384 entries in one ATTACH_BACKING. */
  maxBackingEntries: number;
}

export const DEFAULT_LIMITS: GpuLimits = { maxResources: 4096, maxHostmemBytes: 256 << 20, maxBackingEntries: 16384 };

export interface ResourceState {
  id: number;
  format: number;
  width: number;
  height: number;
  pixels: Uint8Array;
  backing: BackingEntry[] | null;
}

/** Whether `r` lies inside a width x height surface (QEMU's transfer/flush check). */
export function rectInside(r: Rect, width: number, height: number): boolean {
  return r.x <= width && r.y <= height && r.width <= width && r.height <= height && r.x + r.width <= width && r.y + r.height <= height;
}

export class ResourceTable {
  // A Map iterates in insertion order, so snapshots and scans are deterministic.
  private readonly byId = new Map<number, Resource>();
  hostmemBytes = 0;

  constructor(readonly limits: GpuLimits = DEFAULT_LIMITS) {}

  get count(): number {
    return this.byId.size;
  }

  get(id: number): Resource | undefined {
    return this.byId.get(id);
  }

  create(c: ResourceCreate2d): number {
    if (c.resourceId === 0 || this.byId.has(c.resourceId)) return RESP.ERR_INVALID_RESOURCE_ID;
    if (!channelOffsets(c.format)) return RESP.ERR_INVALID_PARAMETER;
    if (c.width === 0 || c.height === 0) return RESP.ERR_INVALID_PARAMETER;
    const bytes = c.width * c.height * BYTES_PER_PIXEL;
    // As QEMU, the new total must stay strictly below max_hostmem.
    if (this.byId.size >= this.limits.maxResources || this.hostmemBytes + bytes >= this.limits.maxHostmemBytes) return RESP.ERR_OUT_OF_MEMORY;
    this.byId.set(c.resourceId, { id: c.resourceId, format: c.format, width: c.width, height: c.height, pixels: new Uint8Array(bytes), backing: undefined });
    this.hostmemBytes += bytes;
    return RESP.OK_NODATA;
  }

  unref(id: number): number {
    const res = this.byId.get(id);
    if (!res) return RESP.ERR_INVALID_RESOURCE_ID;
    this.byId.delete(id);
    this.hostmemBytes -= res.pixels.length;
    return RESP.OK_NODATA;
  }

  attach(ram: GuestRam, id: number, entries: readonly MemEntry[]): number {
    const res = this.byId.get(id);
    if (!res) return RESP.ERR_INVALID_RESOURCE_ID;
    if (res.backing) return RESP.ERR_UNSPEC;
    const backing: BackingEntry[] = [];
    for (const e of entries) {
      if (e.addr > BigInt(Number.MAX_SAFE_INTEGER)) return RESP.ERR_UNSPEC;
      const addr = Number(e.addr);
      // An entry outside guest RAM cannot be mapped: QEMU answers ERR_UNSPEC and attaches nothing.
      if (!ram.contains(addr, e.length)) return RESP.ERR_UNSPEC;
      backing.push({ addr, lenBytes: e.length });
    }
    res.backing = backing;
    return RESP.OK_NODATA;
  }

  detach(id: number): number {
    const res = this.byId.get(id);
    if (!res) return RESP.ERR_INVALID_RESOURCE_ID;
    if (!res.backing) return RESP.ERR_UNSPEC;
    res.backing = undefined;
    return RESP.OK_NODATA;
  }

  /** Copies the rectangle from backing into the resource; returns the response and bytes copied. */
  transfer(ram: GuestRam, t: TransferToHost2d): { resp: number; bytes: number } {
    const res = this.byId.get(t.resourceId);
    if (!res) return { resp: RESP.ERR_INVALID_RESOURCE_ID, bytes: 0 };
    // QEMU answers a resource without backing with ERR_UNSPEC.
    if (!res.backing) return { resp: RESP.ERR_UNSPEC, bytes: 0 };
    if (!rectInside(t.r, res.width, res.height)) return { resp: RESP.ERR_INVALID_PARAMETER, bytes: 0 };
    const stride = res.width * BYTES_PER_PIXEL;
    const rowBytes = t.r.width * BYTES_PER_PIXEL;
    // An offset past 2^53 is past any backing: nothing to copy, as QEMU's iov_to_buf would find.
    const offset = t.offset > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(t.offset);
    const gather = new BackingReader(ram, res.backing);
    let bytes = 0;
    if (t.r.x === 0 && t.r.width === res.width) {
      const start = t.r.y * stride;
      bytes = gather.read(offset, res.pixels.subarray(start, start + stride * t.r.height));
    } else {
      for (let h = 0; h < t.r.height; h++) {
        const dst = (t.r.y + h) * stride + t.r.x * BYTES_PER_PIXEL;
        bytes += gather.read(offset + stride * h, res.pixels.subarray(dst, dst + rowBytes));
      }
    }
    return { resp: RESP.OK_NODATA, bytes };
  }

  save(): ResourceState[] {
    return [...this.byId.values()].map((r) => ({ id: r.id, format: r.format, width: r.width, height: r.height, pixels: r.pixels.slice(), backing: r.backing ? r.backing.map((b) => ({ ...b })) : null }));
  }

  restore(states: readonly ResourceState[]): void {
    this.byId.clear();
    this.hostmemBytes = 0;
    for (const s of states) {
      this.byId.set(s.id, { id: s.id, format: s.format, width: s.width, height: s.height, pixels: Uint8Array.from(s.pixels), backing: s.backing ? s.backing.map((b) => ({ ...b })) : undefined });
      this.hostmemBytes += s.pixels.length;
    }
  }

  clear(): void {
    this.byId.clear();
    this.hostmemBytes = 0;
  }
}

/** Reads byte ranges of a backing scatter list as one linear buffer. */
class BackingReader {
  private readonly starts: number[] = [];
  private readonly totalBytes: number;

  constructor(
    private readonly ram: GuestRam,
    private readonly entries: readonly BackingEntry[],
  ) {
    let at = 0;
    for (const e of entries) {
      this.starts.push(at);
      at += e.lenBytes;
    }
    this.totalBytes = at;
  }

  /** Fills `out` from linear offset `offset`; bytes past the end of the backing are left alone. */
  read(offset: number, out: Uint8Array<ArrayBuffer>): number {
    if (offset >= this.totalBytes || out.length === 0) return 0;
    let i = this.entryAt(offset);
    let skip = offset - this.starts[i];
    let done = 0;
    for (; i < this.entries.length && done < out.length; i++, skip = 0) {
      const e = this.entries[i];
      const n = Math.min(e.lenBytes - skip, out.length - done);
      if (n <= 0) continue;
      this.ram.readBytes(e.addr + skip, n, out.subarray(done, done + n));
      done += n;
    }
    return done;
  }

  private entryAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
