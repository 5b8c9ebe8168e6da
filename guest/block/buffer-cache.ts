// The block layer's buffer cache: 4 KiB pages of a disk kept in memory, written back on
// sync (or when evicted), so a filesystem's many small metadata writes become few device
// requests. Runs of contiguous dirty pages go down as one request each, in disk order;
// misses read ahead up to READAHEAD_PAGES uncached pages. Eviction is least-recently-used
// (Map insertion order, so it is deterministic).

import type { BlockDevice } from './block-device';

const PAGE = 4096;
const READAHEAD_PAGES = 32;
/** Write-back runs are cut at this size (the driver splits further). */
const MAX_RUN_PAGES = 64;

interface CachePage {
  data: Uint8Array;
  dirty: boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  writebacks: number;
}

export class BufferCache implements BlockDevice {
  private readonly pages = new Map<number, CachePage>();
  readonly stats: CacheStats = { hits: 0, misses: 0, writebacks: 0 };

  constructor(
    private readonly disk: BlockDevice,
    private readonly maxPages = 8192,
  ) {}

  get sizeBytes(): number {
    return this.disk.sizeBytes;
  }

  get dirtyPages(): number {
    let n = 0;
    for (const p of this.pages.values()) if (p.dirty) n++;
    return n;
  }

  read(offsetBytes: number, out: Uint8Array): number {
    if (offsetBytes < 0 || offsetBytes + out.length > this.sizeBytes) return -5;
    return this.walk(offsetBytes, out.length, (page, inPage, at, n) => {
      out.set(page.data.subarray(inPage, inPage + n), at);
    });
  }

  write(offsetBytes: number, data: Uint8Array): number {
    if (offsetBytes < 0 || offsetBytes + data.length > this.sizeBytes) return -5;
    return this.walk(offsetBytes, data.length, (page, inPage, at, n) => {
      page.data.set(data.subarray(at, at + n), inPage);
      page.dirty = true;
    }, true);
  }

  /** Writes every dirty page back, then a device flush. */
  sync(): number {
    const r = this.writeBack();
    return r !== 0 ? r : this.disk.sync();
  }

  /** Drops clean pages (after an unmount, so the next mount reads the disk again). */
  dropClean(): void {
    for (const [i, p] of [...this.pages]) if (!p.dirty) this.pages.delete(i);
  }

  private walk(offsetBytes: number, len: number, fn: (p: CachePage, inPage: number, at: number, n: number) => void, writing = false): number {
    for (let at = 0; at < len; ) {
      const abs = offsetBytes + at;
      const index = Math.floor(abs / PAGE);
      const inPage = abs - index * PAGE;
      const n = Math.min(len - at, PAGE - inPage);
      const whole = writing && inPage === 0 && n === this.pageLen(index);
      const page = this.get(index, whole);
      if (typeof page === 'number') return page;
      fn(page, inPage, at, n);
      at += n;
    }
    return 0;
  }

  private pageLen(index: number): number {
    return Math.min(PAGE, this.sizeBytes - index * PAGE);
  }

  /** The cached page, reading it (and read-ahead) on a miss unless it is about to be overwritten whole. */
  private get(index: number, overwrite: boolean): CachePage | number {
    const hit = this.pages.get(index);
    if (hit) {
      this.stats.hits++;
      this.pages.delete(index);
      this.pages.set(index, hit);
      return hit;
    }
    this.stats.misses++;
    if (overwrite) return this.insert(index, new Uint8Array(this.pageLen(index)));
    let count = 1;
    const last = Math.ceil(this.sizeBytes / PAGE);
    while (count < READAHEAD_PAGES && index + count < last && !this.pages.has(index + count)) count++;
    const start = index * PAGE;
    const buf = new Uint8Array(Math.min(count * PAGE, this.sizeBytes - start));
    const r = this.disk.read(start, buf);
    if (r !== 0) return r;
    for (let i = count - 1; i >= 1; i--) this.insert(index + i, buf.slice(i * PAGE, Math.min(buf.length, (i + 1) * PAGE)));
    return this.insert(index, buf.slice(0, this.pageLen(index)));
  }

  private insert(index: number, data: Uint8Array): CachePage | number {
    const page: CachePage = { data, dirty: false };
    this.pages.set(index, page);
    while (this.pages.size > this.maxPages) {
      const [oldest, p] = this.pages.entries().next().value as [number, CachePage];
      if (p.dirty) {
        const r = this.disk.write(oldest * PAGE, p.data);
        if (r !== 0) return r;
        this.stats.writebacks++;
      }
      this.pages.delete(oldest);
    }
    return page;
  }

  private writeBack(): number {
    const dirty = [...this.pages].filter(([, p]) => p.dirty).map(([i]) => i).sort((a, b) => a - b);
    for (let k = 0; k < dirty.length; ) {
      let end = k + 1;
      while (end < dirty.length && dirty[end] === dirty[end - 1] + 1 && end - k < MAX_RUN_PAGES) end++;
      const parts = dirty.slice(k, end).map((i) => this.pages.get(i)!);
      const buf = new Uint8Array(parts.reduce((s, p) => s + p.data.length, 0));
      let at = 0;
      for (const p of parts) {
        buf.set(p.data, at);
        at += p.data.length;
      }
      const r = this.disk.write(dirty[k] * PAGE, buf);
      if (r !== 0) return r;
      for (const p of parts) p.dirty = false;
      this.stats.writebacks++;
      k = end;
    }
    return 0;
  }
}
