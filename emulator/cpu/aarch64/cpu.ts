// The AArch64 EL0 interpreter core: register file, a small software TLB over the process's
// CpuMemory, the per-page cache of decoded instructions, and the run loop. Decoding lives in
// decode.ts and the per-class files it dispatches to; this file only holds state and memory.
import type { Access, CpuMemory, CpuTimeSource, FaultKind, MemFault } from './memory';
import { PAGE_SIZE_BYTES as PAGE_SIZE_BYTES$, USER_VA_LIMIT as USER_VA_LIMIT$ } from './memory';
import type { Op, StopReason } from './op';
import { STOP as STOP$, STOP_FAULT as STOP_FAULT$, STOP_NONE as STOP_NONE$, STOP_SVC as STOP_SVC$, STOP_UNDEFINED as STOP_UNDEFINED$, STOP_SYNC as STOP_SYNC$ } from './op';
import { decode as decode$ } from './decode';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const PAGE_SIZE_BYTES = PAGE_SIZE_BYTES$;
const USER_VA_LIMIT = USER_VA_LIMIT$;
const STOP = STOP$;
const STOP_FAULT = STOP_FAULT$;
const STOP_NONE = STOP_NONE$;
const STOP_SVC = STOP_SVC$;
const STOP_SYNC = STOP_SYNC$;
const STOP_UNDEFINED = STOP_UNDEFINED$;
const decode = decode$;

const TLB_ENTRIES = 256;
const OPS_PER_PAGE = PAGE_SIZE_BYTES / 4;

interface CodePage {
  readonly ops: (Op | undefined)[];
  readonly view: DataView;
}

export type RunResult =
  | { reason: 'svc'; imm: number }
  | { reason: 'fault'; fault: MemFault }
  | { reason: 'undefined'; pc: number; word: number }
  | { reason: 'budget' };

export class A64Cpu {
  /** X0..X30, SP at 31, XZR read slot at 32 (always 0), XZR write slot at 33 (discarded). */
  readonly xlo = new Int32Array(34);
  readonly xhi = new Int32Array(34);
  nf = 0;
  zf = 0;
  cf = 0;
  vf = 0;
  pc = 0;
  /** V0..V31, 16 bytes each, little-endian; the views alias one buffer. Slot 32 is a hidden
   * scratch register (by-element forms broadcast their element there); it is not state. */
  readonly vbuf = new ArrayBuffer(33 * 16);
  readonly vu8 = new Uint8Array(this.vbuf);
  readonly vu16 = new Uint16Array(this.vbuf);
  readonly vu32 = new Uint32Array(this.vbuf);
  readonly vi32 = new Int32Array(this.vbuf);
  readonly vf32 = new Float32Array(this.vbuf);
  readonly vf64 = new Float64Array(this.vbuf);
  fpcr = 0;
  fpsr = 0;
  tpidrLo = 0;
  tpidrHi = 0;
  /** Exclusive monitor: armed address or -1 (cleared on every run(), like an exception return). */
  monitorAddr = -1;
  monitorSize = 0;
  /** Retired instructions since creation: the virtual-time base (like QEMU -icount). Exact
   * whenever the time source is called (CNTVCT reads bring it up to date first). */
  instructions = 0;
  /** Set by run() when `instructions` has just been brought up to date for a time read. */
  timeSynced = false;

  /** Scratch results of 64-bit loads and helpers. */
  rlo = 0;
  rhi = 0;

  stopReason: StopReason = STOP_NONE;
  svcImm = 0;
  fault: MemFault | null = null;
  undefinedWord = 0;

  private readonly rTag = new Float64Array(TLB_ENTRIES).fill(NaN);
  private readonly rView: (DataView | undefined)[] = new Array<DataView | undefined>(TLB_ENTRIES).fill(undefined);
  private readonly wTag = new Float64Array(TLB_ENTRIES).fill(NaN);
  private readonly wView: (DataView | undefined)[] = new Array<DataView | undefined>(TLB_ENTRIES).fill(undefined);
  private readonly code = new Map<number, CodePage>();
  /** Set when a store hit a decoded code page: the run loop must refetch its page. */
  private codeDirty = false;

  constructor(
    readonly mem: CpuMemory,
    readonly time: CpuTimeSource,
  ) {}

  // ---- registers (host-side convenience; the hot paths use xlo/xhi directly) ----

  getX(r: number): bigint {
    return (BigInt(this.xhi[r]! >>> 0) << 32n) | BigInt(this.xlo[r]! >>> 0);
  }

  setX(r: number, v: bigint): void {
    this.xlo[r] = Number(v & 0xffffffffn) | 0;
    this.xhi[r] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  /** X register as a number (exact below 2^53): syscall arguments, pointers. */
  getXNum(r: number): number {
    return (this.xhi[r]! >>> 0) * 4294967296 + (this.xlo[r]! >>> 0);
  }

  setXNum(r: number, v: number): void {
    const lo = v % 4294967296;
    this.xlo[r] = lo | 0;
    this.xhi[r] = Math.floor((v - lo) / 4294967296) | 0;
    if (v < 0) this.setX(r, BigInt(v) & 0xffffffffffffffffn);
  }

  get nzcv(): number {
    return (this.nf << 31) | (this.zf << 30) | (this.cf << 29) | (this.vf << 28);
  }

  set nzcv(v: number) {
    this.nf = (v >>> 31) & 1;
    this.zf = (v >>> 30) & 1;
    this.cf = (v >>> 29) & 1;
    this.vf = (v >>> 28) & 1;
  }

  // ---- invalidation (called by the kernel on munmap/mprotect/mremap/execve) ----

  invalidatePage(vpn: number): void {
    const i = vpn & (TLB_ENTRIES - 1);
    if (this.rTag[i] === vpn) this.rTag[i] = NaN;
    if (this.wTag[i] === vpn) this.wTag[i] = NaN;
    if (this.code.delete(vpn)) this.codeDirty = true;
  }

  /**
   * Starts with `other`'s decoded code (a fork child whose address space maps the very same
   * frames copy-on-write: decoding depends only on the word and its pc). A store to such a page
   * drops the entry in the storing CPU as usual, and copy-on-write gives it its own frame.
   */
  adoptCodeFrom(other: A64Cpu): void {
    for (const [vpn, page] of other.code) this.code.set(vpn, page);
  }

  /** Drops every cached write translation (pages became copy-on-write), keeping reads and decoded code. */
  invalidateWrites(): void {
    this.wTag.fill(NaN);
  }

  invalidateAll(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
    this.code.clear();
    this.codeDirty = true;
  }

  // ---- stops ----

  raiseUndefined(word: number): number {
    this.stopReason = STOP_UNDEFINED;
    this.undefinedWord = word >>> 0;
    return STOP;
  }

  raiseSvc(imm: number): number {
    this.stopReason = STOP_SVC;
    this.svcImm = imm;
    return STOP;
  }

  raiseFault(addr: number, kind: FaultKind, access: Access, alignment = false): void {
    if (this.stopReason !== STOP_NONE) return;
    this.stopReason = STOP_FAULT;
    this.fault = { addr, kind, access, alignment };
  }

  // ---- the run loop ----

  /** Run until SVC, a fault, an undefined instruction, or `maxInstructions` retired. */
  run(maxInstructions: number): RunResult {
    this.stopReason = STOP_NONE;
    this.fault = null;
    this.monitorAddr = -1;
    this.codeDirty = false;
    let pc = this.pc;
    let n = 0;
    let pageBase = -1;
    let ops: (Op | undefined)[] = [];
    while (n < maxInstructions) {
      const off = pc & (PAGE_SIZE_BYTES - 1);
      if (pc - off !== pageBase || this.codeDirty) {
        this.codeDirty = false;
        const page = this.codePage(pc);
        if (page === undefined) break;
        ops = page.ops;
        pageBase = pc - off;
      }
      let op = ops[off >>> 2];
      if (op === undefined) {
        op = decode(this.code.get(pageBase / PAGE_SIZE_BYTES)!.view.getUint32(off, true), pc);
        ops[off >>> 2] = op;
      }
      const next = op(this);
      if (next === STOP) {
        if ((this.stopReason as StopReason) === STOP_SYNC) {
          // A read of virtual time: account for what ran so far, then run it for real.
          this.instructions += n;
          maxInstructions -= n;
          n = 0;
          this.stopReason = STOP_NONE;
          this.timeSynced = true;
          continue;
        }
        if ((this.stopReason as StopReason) === STOP_SVC) {
          pc += 4;
          n++;
        }
        break;
      }
      pc = next;
      n++;
    }
    this.pc = pc;
    this.instructions += n;
    return this.result();
  }

  private result(): RunResult {
    switch (this.stopReason) {
      case STOP_SVC:
        return { reason: 'svc', imm: this.svcImm };
      case STOP_FAULT:
        return { reason: 'fault', fault: this.fault! };
      case STOP_UNDEFINED:
        return { reason: 'undefined', pc: this.pc, word: this.undefinedWord };
      default:
        return { reason: 'budget' };
    }
  }

  private codePage(pc: number): CodePage | undefined {
    if ((pc & 3) !== 0) {
      this.raiseFault(pc, 'unmapped', 'x', true);
      return undefined;
    }
    const vpn = Math.floor(pc / PAGE_SIZE_BYTES);
    const cached = this.code.get(vpn);
    if (cached) return cached;
    const bytes = pc >= 0 && pc < USER_VA_LIMIT ? this.mem.translate(vpn, 'x') : 'unmapped';
    if (typeof bytes === 'string') {
      this.raiseFault(pc, bytes, 'x');
      return undefined;
    }
    const page: CodePage = {
      ops: new Array<Op | undefined>(OPS_PER_PAGE).fill(undefined),
      view: new DataView(bytes.buffer, bytes.byteOffset, PAGE_SIZE_BYTES),
    };
    this.code.set(vpn, page);
    // Stores to this page must now take the slow path, which drops the decoded code.
    const i = vpn & (TLB_ENTRIES - 1);
    if (this.wTag[i] === vpn) this.wTag[i] = NaN;
    return page;
  }

  // ---- memory: fast paths hit the TLB, everything else goes through fill/split ----

  private readView(a: number, size: number): DataView | undefined {
    const off = a & (PAGE_SIZE_BYTES - 1);
    const vpn = (a - off) / PAGE_SIZE_BYTES;
    const i = vpn & (TLB_ENTRIES - 1);
    if (this.rTag[i] === vpn) return this.rView[i];
    if (a < 0 || a + size > USER_VA_LIMIT) {
      this.raiseFault(a, 'unmapped', 'r');
      return undefined;
    }
    const bytes = this.mem.translate(vpn, 'r');
    if (typeof bytes === 'string') {
      this.raiseFault(a, bytes, 'r');
      return undefined;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, PAGE_SIZE_BYTES);
    this.rTag[i] = vpn;
    this.rView[i] = view;
    return view;
  }

  private writeView(a: number, size: number): DataView | undefined {
    const off = a & (PAGE_SIZE_BYTES - 1);
    const vpn = (a - off) / PAGE_SIZE_BYTES;
    const i = vpn & (TLB_ENTRIES - 1);
    if (this.wTag[i] === vpn) return this.wView[i];
    if (a < 0 || a + size > USER_VA_LIMIT) {
      this.raiseFault(a, 'unmapped', 'w');
      return undefined;
    }
    const bytes = this.mem.translate(vpn, 'w');
    if (typeof bytes === 'string') {
      this.raiseFault(a, bytes, 'w');
      return undefined;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, PAGE_SIZE_BYTES);
    // A write translation may have broken copy-on-write: the read entry may be stale.
    if (this.rTag[i] === vpn) this.rTag[i] = NaN;
    if (this.code.delete(vpn)) {
      this.codeDirty = true;
      return view; // not cached: later stores must keep invalidating re-decoded code
    }
    this.wTag[i] = vpn;
    this.wView[i] = view;
    return view;
  }

  ld8(a: number): number {
    const v = this.readView(a, 1);
    return v === undefined ? 0 : v.getUint8(a & (PAGE_SIZE_BYTES - 1));
  }

  ld16(a: number): number {
    const off = a & (PAGE_SIZE_BYTES - 1);
    if (off > PAGE_SIZE_BYTES - 2) return this.ld8(a) | (this.ld8(a + 1) << 8);
    const v = this.readView(a, 2);
    return v === undefined ? 0 : v.getUint16(off, true);
  }

  /** 32-bit load, returned as an int32 bit pattern. */
  ld32(a: number): number {
    const off = a & (PAGE_SIZE_BYTES - 1);
    if (off > PAGE_SIZE_BYTES - 4) return this.ld16(a) | (this.ld16(a + 2) << 16);
    const v = this.readView(a, 4);
    return v === undefined ? 0 : v.getInt32(off, true);
  }

  /** 64-bit load into rlo/rhi. */
  ld64(a: number): void {
    const off = a & (PAGE_SIZE_BYTES - 1);
    if (off > PAGE_SIZE_BYTES - 8) {
      const lo = this.ld32(a);
      const hi = this.ld32(a + 4);
      this.rlo = lo;
      this.rhi = hi;
      return;
    }
    const v = this.readView(a, 8);
    if (v === undefined) return;
    this.rlo = v.getInt32(off, true);
    this.rhi = v.getInt32(off + 4, true);
  }

  st8(a: number, val: number): void {
    const v = this.writeView(a, 1);
    if (v !== undefined) v.setUint8(a & (PAGE_SIZE_BYTES - 1), val);
  }

  st16(a: number, val: number): void {
    const off = a & (PAGE_SIZE_BYTES - 1);
    if (off > PAGE_SIZE_BYTES - 2) {
      if (!this.probeWrite(a, 2)) return;
      this.st8(a, val);
      this.st8(a + 1, val >>> 8);
      return;
    }
    const v = this.writeView(a, 2);
    if (v !== undefined) v.setUint16(off, val, true);
  }

  st32(a: number, val: number): void {
    const off = a & (PAGE_SIZE_BYTES - 1);
    if (off > PAGE_SIZE_BYTES - 4) {
      if (!this.probeWrite(a, 4)) return;
      for (let k = 0; k < 4; k++) this.st8(a + k, val >>> (8 * k));
      return;
    }
    const v = this.writeView(a, 4);
    if (v !== undefined) v.setInt32(off, val, true);
  }

  st64(a: number, lo: number, hi: number): void {
    const off = a & (PAGE_SIZE_BYTES - 1);
    if (off > PAGE_SIZE_BYTES - 8) {
      if (!this.probeWrite(a, 8)) return;
      this.st32(a, lo);
      this.st32(a + 4, hi);
      return;
    }
    const v = this.writeView(a, 8);
    if (v === undefined) return;
    v.setInt32(off, lo, true);
    v.setInt32(off + 4, hi, true);
  }

  /** Check both pages of a page-crossing store up front so a fault leaves memory untouched. */
  probeWrite(a: number, size: number): boolean {
    return this.writeView(a, 1) !== undefined && this.writeView(a + size - 1, 1) !== undefined;
  }

  probeRead(a: number, size: number): boolean {
    return this.readView(a, 1) !== undefined && this.readView(a + size - 1, 1) !== undefined;
  }

  /** Load `size` bytes (<= 16) into V register `v` starting at byte `at` within it. */
  ldV(a: number, size: number, v: number, at: number): void {
    const base = v * 16 + at;
    if (size >= 4 && (size & 3) === 0) {
      for (let k = 0; k < size; k += 4) {
        const w = this.ld32(a + k);
        if (this.stopReason !== STOP_NONE) return;
        this.vi32[(base + k) >>> 2] = w;
      }
      if ((base & 3) === 0) return;
    }
    const tmp = new Uint8Array(size);
    for (let k = 0; k < size; k++) {
      tmp[k] = this.ld8(a + k);
      if (this.stopReason !== STOP_NONE) return;
    }
    this.vu8.set(tmp, base);
  }

  /** Store `size` bytes of V register `v` from byte `at`. */
  stV(a: number, size: number, v: number, at: number): void {
    if (!this.probeWrite(a, size)) return;
    const base = v * 16 + at;
    if ((size & 3) === 0 && (base & 3) === 0) {
      for (let k = 0; k < size; k += 4) this.st32(a + k, this.vi32[(base + k) >>> 2]!);
      return;
    }
    for (let k = 0; k < size; k++) this.st8(a + k, this.vu8[base + k]!);
  }

  /** Load by size code (0..3) zero-extended into rlo/rhi; for generic paths. */
  ldSized(a: number, size: number): void {
    if (size === 3) return this.ld64(a);
    this.rhi = 0;
    this.rlo = size === 2 ? this.ld32(a) : size === 1 ? this.ld16(a) : this.ld8(a);
  }

  stSized(a: number, size: number, lo: number, hi: number): void {
    if (size === 3) this.st64(a, lo, hi);
    else if (size === 2) this.st32(a, lo);
    else if (size === 1) this.st16(a, lo);
    else this.st8(a, lo);
  }
}
