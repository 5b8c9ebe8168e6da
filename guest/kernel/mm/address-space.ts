// A process's virtual address space: an ordered list of areas (VMAs: range, protection,
// flags, a name for /proc/PID/maps) over a page table from virtual page numbers to guest
// RAM frames. Anonymous pages are allocated on first touch (zeroed). Native programs use it
// through the UserMemory view; the CPU interpreter through `pageFor` (a translate step).

import type { UserMemory } from '../../abi/native';
import type { CpuMemory, FaultKind } from '../../../emulator/cpu/aarch64/memory';
import { PAGE_SIZE } from '../../../emulator/memory/guest-ram';
import { EEXIST, EFAULT, EINVAL, ENOMEM } from '../errno';
import type { FrameAllocator } from './frames';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
export const MAP_FIXED_NOREPLACE = 0x100000;
export type Access = 'r' | 'w' | 'x';

/** Top of the user stack and the area below it where mmap places things (48-bit VA, like arm64). */
export const STACK_TOP = 0x0000_ffff_ffff_f000;
export const STACK_SIZE_BYTES = 8 * 1024 * 1024;
export const MMAP_TOP = STACK_TOP - STACK_SIZE_BYTES - 0x1000_0000;
export const TASK_SIZE = 0x0001_0000_0000_0000;
/** Where brk starts for a process that was not loaded from an ELF file. */
export const DEFAULT_BRK = 0x0050_0000;
/** Bound on areas per process (Linux's vm.max_map_count default). */
export const MAX_MAP_COUNT = 65530;

export interface Vma {
  start: number;
  end: number;
  prot: number;
  flags: number;
  /** `[heap]`, `[stack]`, a file path, or '' for anonymous memory. */
  name: string;
  /** Shared areas keep frames alive across fork in both processes. */
  offset: number;
  /** A device's memory mapped with mapFrames (a framebuffer): its damage and msync hooks. */
  device?: DeviceMapping;
}

/** What a driver's mmap gives (remap_pfn_range): frames the device owns, never freed by the process. */
export interface DeviceMapping {
  /** A write through the mapping by the kernel's user-memory path (offset within the device's memory). */
  onWrite?(offsetBytes: number, lenBytes: number): void;
  /** msync(2) over the mapping. */
  onSync?(): void;
}

/** Frames that belong to devices (mapped with mapFrames), per allocator: never released by unmap. */
const deviceFrameSets = new WeakMap<FrameAllocator, Set<number>>();

function deviceFrames(frames: FrameAllocator): Set<number> {
  let s = deviceFrameSets.get(frames);
  if (!s) {
    s = new Set();
    deviceFrameSets.set(frames, s);
  }
  return s;
}

interface Pte {
  paddr: number;
  bytes: Uint8Array;
  /** Shared read-only with another address space since fork: the first write copies it. */
  cow?: boolean;
}

/** fork shares private pages copy-on-write; off, it copies them at once (kept to measure the difference). */
let copyOnWriteFork = true;

export function setCopyOnWriteFork(enabled: boolean): void {
  copyOnWriteFork = enabled;
}

export function copyOnWriteForkEnabled(): boolean {
  return copyOnWriteFork;
}

const ACCESS_BIT: Record<Access, number> = { r: PROT_READ, w: PROT_WRITE, x: PROT_EXEC };

/** Frames mapped by more than one address space (shared mappings after fork): how many map each. */
const sharedFrameRefs = new WeakMap<FrameAllocator, Map<number, number>>();

function sharedRefs(frames: FrameAllocator): Map<number, number> {
  let m = sharedFrameRefs.get(frames);
  if (!m) {
    m = new Map();
    sharedFrameRefs.set(frames, m);
  }
  return m;
}

export function pageAlignUp(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

export class AddressSpace implements UserMemory, CpuMemory {
  private vmas: Vma[] = [];
  private readonly pages = new Map<number, Pte>();
  brkStart = DEFAULT_BRK;
  brkEnd = DEFAULT_BRK;
  /** Processes sharing this space (CLONE_VM); frames are freed when it drops to zero. */
  users = 1;
  /** Pages copied on a write after fork (copy-on-write faults), for /proc and the bench. */
  cowCopies = 0;
  /** Called with a page range whose mapping or permissions changed, so a CPU can drop its TLB entries. */
  onInvalidate: ((firstVpn: number, endVpn: number) => void) | undefined;
  /** Called when every page became copy-on-write (fork): CPUs drop cached write translations only. */
  onWriteProtect: (() => void) | undefined;

  constructor(private readonly frames: FrameAllocator) {}

  get areas(): readonly Vma[] {
    return this.vmas;
  }

  get residentPages(): number {
    return this.pages.size;
  }

  findVma(addr: number): Vma | undefined {
    let lo = 0, hi = this.vmas.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.vmas[mid];
      if (addr < v.start) hi = mid - 1;
      else if (addr >= v.end) lo = mid + 1;
      else return v;
    }
    return undefined;
  }

  /** The bytes of the page holding `vaddr` if `access` is allowed there (the MMU's translate). */
  pageFor(vaddr: number, access: Access): Uint8Array | undefined {
    const vpn = Math.floor(vaddr / PAGE_SIZE);
    const vma = this.findVma(vaddr);
    if (!vma || !(vma.prot & ACCESS_BIT[access])) return undefined;
    let pte = this.pages.get(vpn);
    if (!pte) {
      const paddr = this.frames.alloc();
      if (paddr === undefined) return undefined;
      pte = { paddr, bytes: this.frames.page(paddr) };
      this.pages.set(vpn, pte);
    }
    if (access === 'w' && pte.cow) return this.breakCow(vpn, pte)?.bytes;
    return pte.bytes;
  }

  /**
   * A write to a copy-on-write page: the last mapper takes the frame over, the others get a
   * private copy (Linux's do_wp_page). Undefined when no frame is left (the write faults).
   */
  private breakCow(vpn: number, pte: Pte): Pte | undefined {
    const refs = sharedRefs(this.frames);
    const n = refs.get(pte.paddr);
    if (n === undefined) {
      pte.cow = false;
      return pte;
    }
    const paddr = this.frames.alloc();
    if (paddr === undefined) return undefined;
    const copy: Pte = { paddr, bytes: this.frames.page(paddr) };
    copy.bytes.set(pte.bytes);
    if (n <= 2) refs.delete(pte.paddr);
    else refs.set(pte.paddr, n - 1);
    this.pages.set(vpn, copy);
    this.cowCopies++;
    // A CPU may hold the shared frame in its TLB for reads: it must see the copy from now on.
    this.onInvalidate?.(vpn, vpn + 1);
    return copy;
  }

  /** The guest-physical address behind a mapped `vaddr` (touching the page in), for shared futex keys. */
  physAddr(vaddr: number): number | undefined {
    const vpn = Math.floor(vaddr / PAGE_SIZE);
    if (!this.findVma(vaddr) || !this.ensurePage(vpn)) return undefined;
    return this.pages.get(vpn)!.paddr + (vaddr % PAGE_SIZE);
  }

  /** CpuMemory: the page `vpn` for `access`, or why it faults. */
  translate(vpn: number, access: Access): Uint8Array | FaultKind {
    const vma = this.findVma(vpn * PAGE_SIZE);
    if (!vma) return 'unmapped';
    if (!(vma.prot & ACCESS_BIT[access])) return 'permission';
    return this.pageFor(vpn * PAGE_SIZE, access) ?? 'unmapped';
  }

  /** The kernel writing on the process's behalf (loader, stack setup): mapped pages, any protection. */
  poke(addr: number, data: Uint8Array): boolean {
    for (let a = addr - (addr % PAGE_SIZE); a < addr + data.length; a += PAGE_SIZE) if (!this.findVma(a)) return false;
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const vma = this.findVma(a)!;
      const saved = vma.prot;
      vma.prot |= PROT_WRITE;
      const page = this.pageFor(a, 'w');
      vma.prot = saved;
      if (!page) return false;
      const off = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      page.set(data.subarray(done, done + n), off);
      done += n;
    }
    return true;
  }

  read(addr: number, lenBytes: number): Uint8Array | undefined {
    if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(lenBytes) || addr < 0 || lenBytes < 0) return undefined;
    const out = new Uint8Array(lenBytes);
    let done = 0;
    while (done < lenBytes) {
      const a = addr + done;
      const page = this.pageFor(a, 'r');
      if (!page) return undefined;
      const off = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, lenBytes - done);
      out.set(page.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  write(addr: number, data: Uint8Array): boolean {
    if (!Number.isSafeInteger(addr) || addr < 0) return false;
    // Check the whole range first so a faulting write changes nothing.
    for (let a = addr - (addr % PAGE_SIZE); a < addr + data.length; a += PAGE_SIZE) {
      const v = this.findVma(a);
      if (!v || !(v.prot & PROT_WRITE)) return false;
    }
    let done = 0;
    while (done < data.length) {
      const a = addr + done;
      const page = this.pageFor(a, 'w');
      if (!page) return false;
      const off = a % PAGE_SIZE;
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      page.set(data.subarray(done, done + n), off);
      done += n;
    }
    this.noteDeviceWrite(addr, data.length);
    return true;
  }

  /** Tells device mappings in [addr, addr+len) that they were written (framebuffer damage). */
  private noteDeviceWrite(addr: number, lenBytes: number): void {
    for (let a = addr; a < addr + lenBytes; ) {
      const v = this.findVma(a);
      if (!v) return;
      const end = Math.min(v.end, addr + lenBytes);
      v.device?.onWrite?.(v.offset + (a - v.start), end - a);
      a = end;
    }
  }

  /**
   * Maps device-owned `framePaddrs` (one per page) at a new area, as a driver's mmap does with
   * remap_pfn_range; the frames stay the device's when the area goes away. Address or -errno.
   */
  mapFrames(addr: number, framePaddrs: readonly number[], prot: number, flags: number, name: string, offsetBytes: number, device?: DeviceMapping): number {
    const start = this.mmap(addr, framePaddrs.length * PAGE_SIZE, prot, flags, name);
    if (start < 0) return start;
    const v = this.findVma(start)!;
    v.offset = offsetBytes;
    if (device) v.device = device;
    const owned = deviceFrames(this.frames);
    framePaddrs.forEach((paddr, i) => {
      owned.add(paddr);
      this.pages.set(start / PAGE_SIZE + i, { paddr, bytes: this.frames.page(paddr) });
    });
    return start;
  }

  /** msync(2): runs the sync hook of every device mapping in the range; -ENOMEM if part is unmapped. */
  syncRange(addr: number, lenBytes: number): number {
    const end = addr + pageAlignUp(lenBytes);
    for (let a = addr; a < end; ) {
      const v = this.findVma(a);
      if (!v) return -ENOMEM;
      v.device?.onSync?.();
      a = v.end;
    }
    return 0;
  }

  /** A NUL-terminated string of at most `maxBytes`; undefined on a fault or no terminator. */
  readCString(addr: number, maxBytes = 4096): string | undefined {
    const bytes: number[] = [];
    for (let i = 0; i < maxBytes; i++) {
      const page = this.pageFor(addr + i, 'r');
      if (!page) return undefined;
      const b = page[(addr + i) % PAGE_SIZE];
      if (b === 0) return Buffer.from(bytes).toString('utf8');
      bytes.push(b);
    }
    return undefined;
  }

  /** mmap(2) for anonymous memory. Returns the address or -errno. */
  mmap(addr: number, lenBytes: number, prot: number, flags: number, name = ''): number {
    if (lenBytes <= 0 || addr % PAGE_SIZE !== 0) return -EINVAL;
    const len = pageAlignUp(lenBytes);
    if (len > TASK_SIZE) return -ENOMEM;
    const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
    let start = addr;
    if (fixed) {
      if (addr + len > TASK_SIZE) return -ENOMEM;
      if (flags & MAP_FIXED_NOREPLACE && this.overlaps(addr, addr + len)) return -EEXIST;
      this.unmap(addr, len);
    } else {
      const hint = addr !== 0 && addr + len <= TASK_SIZE && !this.overlaps(addr, addr + len) ? addr : undefined;
      const found = hint ?? this.findFree(len);
      if (found === undefined) return -ENOMEM;
      start = found;
    }
    if (this.vmas.length >= MAX_MAP_COUNT) return -ENOMEM;
    this.insert({ start, end: start + len, prot, flags, name, offset: 0 });
    return start;
  }

  /** munmap(2): frees the frames of every page in the range. */
  unmap(addr: number, lenBytes: number): number {
    if (addr % PAGE_SIZE !== 0 || lenBytes <= 0) return -EINVAL;
    const end = addr + pageAlignUp(lenBytes);
    this.split(addr);
    this.split(end);
    this.onInvalidate?.(addr / PAGE_SIZE, end / PAGE_SIZE);
    this.vmas = this.vmas.filter((v) => {
      if (v.start >= addr && v.end <= end) {
        this.dropPages(v.start, v.end);
        return false;
      }
      return true;
    });
    return 0;
  }

  mprotect(addr: number, lenBytes: number, prot: number): number {
    if (addr % PAGE_SIZE !== 0 || lenBytes < 0) return -EINVAL;
    const end = addr + pageAlignUp(lenBytes);
    for (let a = addr; a < end; a = this.findVma(a)!.end) if (!this.findVma(a)) return -ENOMEM;
    this.split(addr);
    this.split(end);
    for (const v of this.vmas) if (v.start >= addr && v.end <= end) v.prot = prot;
    this.mergeAdjacent();
    this.onInvalidate?.(addr / PAGE_SIZE, end / PAGE_SIZE);
    return 0;
  }

  /** Joins neighbouring areas that only a split separates (vma_merge), so mremap sees one mapping again. */
  private mergeAdjacent(): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      const prev = out[out.length - 1];
      const fileContiguous = !prev || v.name === '' || v.name.startsWith('[') || v.offset === prev.offset + (prev.end - prev.start);
      if (prev && prev.end === v.start && prev.prot === v.prot && prev.flags === v.flags && prev.name === v.name && fileContiguous) {
        prev.end = v.end;
      } else out.push(v);
    }
    this.vmas = out;
  }

  /** mremap(2) without MREMAP_FIXED: shrink, grow in place, or move (MREMAP_MAYMOVE) keeping the pages. */
  remap(oldAddr: number, oldLen: number, newLen: number, mayMove: boolean): number {
    if (oldAddr % PAGE_SIZE !== 0 || newLen <= 0) return -EINVAL;
    const oldSize = pageAlignUp(oldLen), newSize = pageAlignUp(newLen);
    const vma = this.findVma(oldAddr);
    if (!vma || vma.start > oldAddr || oldAddr + oldSize > vma.end) return -EFAULT;
    if (newSize <= oldSize) {
      if (newSize < oldSize) this.unmap(oldAddr + newSize, oldSize - newSize);
      return oldAddr;
    }
    if (vma.end === oldAddr + oldSize && !this.overlaps(vma.end, oldAddr + newSize) && oldAddr + newSize <= TASK_SIZE) {
      vma.end = oldAddr + newSize;
      return oldAddr;
    }
    if (!mayMove) return -ENOMEM;
    const dest = this.findFree(newSize);
    if (dest === undefined) return -ENOMEM;
    this.split(oldAddr);
    this.split(oldAddr + oldSize);
    const moved = this.findVma(oldAddr)!;
    const shift = dest - oldAddr;
    for (let vpn = oldAddr / PAGE_SIZE; vpn < (oldAddr + oldSize) / PAGE_SIZE; vpn++) {
      const pte = this.pages.get(vpn);
      if (pte) {
        this.pages.delete(vpn);
        this.pages.set(vpn + shift / PAGE_SIZE, pte);
      }
    }
    this.vmas.splice(this.vmas.indexOf(moved), 1);
    this.onInvalidate?.(oldAddr / PAGE_SIZE, (oldAddr + oldSize) / PAGE_SIZE);
    this.insert({ ...moved, start: dest, end: dest + newSize });
    return dest;
  }

  /** brk(2): returns the new break, or the old one when the request cannot be met. */
  brk(newEnd: number): number {
    if (newEnd < this.brkStart) return this.brkEnd;
    const oldTop = pageAlignUp(this.brkEnd), newTop = pageAlignUp(newEnd);
    if (newTop > oldTop) {
      if (this.overlaps(oldTop, newTop)) return this.brkEnd;
      const heap = this.vmas.find((v) => v.name === '[heap]');
      if (heap && heap.end === oldTop) heap.end = newTop;
      else this.insert({ start: oldTop, end: newTop, prot: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS, name: '[heap]', offset: 0 });
    } else if (newTop < oldTop) {
      this.unmap(newTop, oldTop - newTop);
    }
    this.brkEnd = newEnd;
    return newEnd;
  }

  /**
   * fork(): the child's page table maps the same frames. Private pages become copy-on-write in
   * both (refcounted frames; the first write copies), MAP_SHARED ones stay shared; a device's
   * frames in a private mapping are copied at once.
   */
  clone(): AddressSpace | undefined {
    const copy = new AddressSpace(this.frames);
    copy.vmas = this.vmas.map((v) => ({ ...v }));
    copy.brkStart = this.brkStart;
    copy.brkEnd = this.brkEnd;
    // MAP_SHARED areas keep one set of frames for both processes: touch every page first.
    for (const v of this.vmas) {
      if (!(v.flags & MAP_SHARED)) continue;
      for (let a = v.start; a < v.end; a += PAGE_SIZE) if (!this.ensurePage(a / PAGE_SIZE)) return undefined;
    }
    const refs = sharedRefs(this.frames);
    for (const [vpn, pte] of this.pages) {
      if (this.findVma(vpn * PAGE_SIZE)!.flags & MAP_SHARED) {
        refs.set(pte.paddr, (refs.get(pte.paddr) ?? 1) + 1);
        copy.pages.set(vpn, pte);
        continue;
      }
      if (copyOnWriteFork && !deviceFrameSets.get(this.frames)?.has(pte.paddr)) {
        refs.set(pte.paddr, (refs.get(pte.paddr) ?? 1) + 1);
        pte.cow = true;
        copy.pages.set(vpn, { paddr: pte.paddr, bytes: pte.bytes, cow: true });
        continue;
      }
      const paddr = this.frames.alloc();
      if (paddr === undefined) {
        copy.release();
        return undefined;
      }
      const bytes = this.frames.page(paddr);
      bytes.set(pte.bytes);
      copy.pages.set(vpn, { paddr, bytes });
    }
    // The parent's CPUs may have cached its pages as writable: the next write must fault.
    if (copyOnWriteFork) {
      if (this.onWriteProtect) this.onWriteProtect();
      else this.onInvalidate?.(0, Number.MAX_SAFE_INTEGER);
    }
    return copy;
  }

  private ensurePage(vpn: number): boolean {
    if (this.pages.has(vpn)) return true;
    const paddr = this.frames.alloc();
    if (paddr === undefined) return false;
    this.pages.set(vpn, { paddr, bytes: this.frames.page(paddr) });
    return true;
  }

  /** Gives a frame back, unless another process still maps it (MAP_SHARED across fork). */
  private releaseFrame(paddr: number): void {
    if (deviceFrameSets.get(this.frames)?.has(paddr)) return;
    const refs = sharedRefs(this.frames);
    const n = refs.get(paddr);
    if (n === undefined) this.frames.release(paddr);
    else if (n <= 2) refs.delete(paddr);
    else refs.set(paddr, n - 1);
  }

  /** Frees every frame (exit, or execve replacing the image). */
  release(): void {
    for (const pte of this.pages.values()) this.releaseFrame(pte.paddr);
    this.pages.clear();
    this.vmas = [];
  }

  private overlaps(start: number, end: number): boolean {
    return this.vmas.some((v) => v.start < end && start < v.end);
  }

  /** Top-down first fit below MMAP_TOP, as Linux's default mmap layout does. */
  private findFree(len: number): number | undefined {
    let top = MMAP_TOP;
    for (let i = this.vmas.length - 1; i >= 0; i--) {
      const v = this.vmas[i];
      if (v.start >= top) continue;
      if (v.end <= top - len) return top - len;
      top = v.start;
    }
    return top - len >= pageAlignUp(this.brkEnd) + PAGE_SIZE ? top - len : undefined;
  }

  private insert(v: Vma): void {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].start < v.start) i++;
    this.vmas.splice(i, 0, v);
  }

  /** Makes `addr` an area boundary if it falls inside an area. */
  private split(addr: number): void {
    const v = this.findVma(addr);
    if (!v || v.start === addr) return;
    const tail: Vma = { ...v, start: addr, offset: v.offset + (addr - v.start) };
    v.end = addr;
    this.insert(tail);
  }

  private dropPages(start: number, end: number): void {
    const first = start / PAGE_SIZE, last = end / PAGE_SIZE;
    // Walk whichever is smaller: the range or the resident pages.
    const vpns = last - first <= this.pages.size
      ? Array.from({ length: last - first }, (_, i) => first + i)
      : [...this.pages.keys()].filter((vpn) => vpn >= first && vpn < last);
    for (const vpn of vpns) {
      const pte = this.pages.get(vpn);
      if (pte) {
        this.releaseFrame(pte.paddr);
        this.pages.delete(vpn);
      }
    }
  }
}
