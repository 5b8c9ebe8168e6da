// The CPU's window on a process address space. The guest kernel's address space implements
// CpuMemory; the CPU keeps its own small TLB and decoded-code cache on top of it, so the
// kernel must call A64Cpu.invalidatePage(vpn) (or invalidateAll()) whenever it unmaps,
// remaps or changes the permissions of a page this CPU may have touched.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE_BYTES = 1 << PAGE_SHIFT;
/** User addresses at or above this are never mapped (48-bit VA, TTBR0 half). */
export const USER_VA_LIMIT = 2 ** 48;

export type Access = 'r' | 'w' | 'x';
export type FaultKind = 'unmapped' | 'permission';

export interface MemFault {
  /** The faulting virtual address (si_addr). */
  addr: number;
  kind: FaultKind;
  access: Access;
  /** True for an alignment fault (SIGBUS BUS_ADRALN), e.g. a misaligned exclusive. */
  alignment: boolean;
}

export interface CpuMemory {
  /**
   * The backing bytes of the 4 KiB page `vpn` (= vaddr >> 12) for `access`, or why not.
   * The returned array is the page itself (length PAGE_SIZE_BYTES): the CPU reads and writes
   * it directly until the page is invalidated.
   */
  translate(vpn: number, access: Access): Uint8Array | FaultKind;
}

/** The virtual counter (CNTVCT_EL0) and its frequency (CNTFRQ_EL0), from the machine's scheduler. */
export interface CpuTimeSource {
  cntvct(): number;
  readonly cntfrqHz: number;
}

/** Flat test/bench memory: a map of pages with rwx bits; also what the ELF tests map into. */
export class FlatMemory implements CpuMemory {
  private readonly pages = new Map<number, { bytes: Uint8Array; prot: string }>();

  map(vaddr: number, sizeBytes: number, prot: string): void {
    const first = Math.floor(vaddr / PAGE_SIZE_BYTES);
    const last = Math.floor((vaddr + sizeBytes - 1) / PAGE_SIZE_BYTES);
    for (let vpn = first; vpn <= last; vpn++) {
      const existing = this.pages.get(vpn);
      if (existing) existing.prot = prot;
      else this.pages.set(vpn, { bytes: new Uint8Array(PAGE_SIZE_BYTES), prot });
    }
  }

  translate(vpn: number, access: Access): Uint8Array | FaultKind {
    const p = this.pages.get(vpn);
    if (!p) return 'unmapped';
    return p.prot.includes(access) ? p.bytes : 'permission';
  }

  /** Host-side copy in, ignoring permissions (loader/test setup); page by page. */
  write(vaddr: number, data: Uint8Array): boolean {
    let done = 0;
    while (done < data.length) {
      const a = vaddr + done;
      const p = this.pages.get(Math.floor(a / PAGE_SIZE_BYTES));
      if (!p) return false;
      const off = a % PAGE_SIZE_BYTES;
      const n = Math.min(PAGE_SIZE_BYTES - off, data.length - done);
      p.bytes.set(data.subarray(done, done + n), off);
      done += n;
    }
    return true;
  }

  read(vaddr: number, lenBytes: number): Uint8Array | undefined {
    const out = new Uint8Array(lenBytes);
    let done = 0;
    while (done < lenBytes) {
      const a = vaddr + done;
      const p = this.pages.get(Math.floor(a / PAGE_SIZE_BYTES));
      if (!p) return undefined;
      const off = a % PAGE_SIZE_BYTES;
      const n = Math.min(PAGE_SIZE_BYTES - off, lenBytes - done);
      out.set(p.bytes.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }
}
