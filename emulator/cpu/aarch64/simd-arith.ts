// Advanced SIMD integer arithmetic: three-same (ADD/SUB, logic, compares, min/max, pairwise,
// MUL, USHL/SSHL), two-register misc (REV*, CNT, NOT, RBIT, CLZ/CLS, compares with zero,
// ABS/NEG, XTN, [SU]ADDLP), across lanes ([SU]MAXV/[SU]MINV/ADDV/[SU]ADDLV), shifts by
// immediate (SHL/SLI/SRI, [SU]SHR/[SU]SRA, SHRN, [SU]SHLL), and the scalar forms of these.
// Each operation is a lane function on bigints for 64-bit lanes and on numbers otherwise.
import type { A64Cpu } from './cpu';
import { rbit32 as rbit32$ } from './bits';
import type { Op } from './op';
import { undefinedOp as undefinedOp$ } from './op';
import { clearHigh as clearHigh$, copyReg as copyReg$, getLane as getLane$, getLane64 as getLane64$, laneMask as laneMask$, setLane as setLane$, setLane64 as setLane64$, signed as signed$ } from './vlane';
import {
  decodeSimdFpScalarTwoMisc as decodeSimdFpScalarTwoMisc$, decodeSimdFpThreeSame as decodeSimdFpThreeSame$,
  decodeSimdFpTwoMisc as decodeSimdFpTwoMisc$,
} from './simd-fp';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const rbit32 = rbit32$;
const undefinedOp = undefinedOp$;
const decodeSimdFpThreeSame = decodeSimdFpThreeSame$;
const decodeSimdFpTwoMisc = decodeSimdFpTwoMisc$;
const decodeSimdFpScalarTwoMisc = decodeSimdFpScalarTwoMisc$;
const clearHigh = clearHigh$;
const copyReg = copyReg$;
const getLane = getLane$;
const getLane64 = getLane64$;
const laneMask = laneMask$;
const setLane = setLane$;
const setLane64 = setLane64$;
const signed = signed$;

type NumFn = (a: number, b: number, size: number) => number;
type BigFn = (a: bigint, b: bigint) => bigint;

const M64 = 0xffffffffffffffffn;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const ones = (size: number): number => laneMask(size);
const bool = (t: boolean, size: number): number => (t ? ones(size) : 0);

interface LaneOp {
  num: NumFn;
  big?: BigFn;
}

/** Set by saturating lane operations; the instruction then sets FPSR.QC. */
const saturation = { hit: false };
const FPSR_QC = 1 << 27;

function saturate(v: number, size: number, isSigned: boolean): number {
  const bits = 8 << size;
  const max = isSigned ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const min = isSigned ? -(2 ** (bits - 1)) : 0;
  if (v > max || v < min) saturation.hit = true;
  const r = Math.min(max, Math.max(min, v));
  return bits === 32 ? r >>> 0 : r & ones(size);
}

function saturate64(v: bigint, isSigned: boolean): bigint {
  const max = isSigned ? (1n << 63n) - 1n : M64;
  const min = isSigned ? -(1n << 63n) : 0n;
  if (v > max || v < min) saturation.hit = true;
  return BigInt.asUintN(64, v > max ? max : v < min ? min : v);
}

function threeSameOp(u: number, opcode: number, size: number): LaneOp | undefined {
  const sv = (a: number, s: number): number => (u ? a : signed(a, s));
  const sb = (a: bigint): bigint => (u ? a : s64(a));
  switch (opcode) {
    case 0x00:
      return size === 3 ? undefined : { num: (a, b, s) => Math.floor((sv(a, s) + sv(b, s)) / 2) & ones(s) };
    case 0x02:
      return size === 3 ? undefined : { num: (a, b, s) => Math.floor((sv(a, s) + sv(b, s) + 1) / 2) & ones(s) };
    case 0x04:
      return size === 3 ? undefined : { num: (a, b, s) => Math.floor((sv(a, s) - sv(b, s)) / 2) & ones(s) };
    case 0x01:
      return { num: (a, b, s) => saturate(sv(a, s) + sv(b, s), s, !u), big: (a, b) => saturate64(sb(a) + sb(b), !u) };
    case 0x05:
      return { num: (a, b, s) => saturate(sv(a, s) - sv(b, s), s, !u), big: (a, b) => saturate64(sb(a) - sb(b), !u) };
    case 0x0e:
      return size === 3 ? undefined : { num: (a, b, s) => Math.abs(sv(a, s) - sv(b, s)) & ones(s) };
    case 0x06:
      return u
        ? { num: (a, b, s) => bool(a > b, s), big: (a, b) => (a > b ? M64 : 0n) }
        : { num: (a, b, s) => bool(signed(a, s) > signed(b, s), s), big: (a, b) => (s64(a) > s64(b) ? M64 : 0n) };
    case 0x07:
      return u
        ? { num: (a, b, s) => bool(a >= b, s), big: (a, b) => (a >= b ? M64 : 0n) }
        : { num: (a, b, s) => bool(signed(a, s) >= signed(b, s), s), big: (a, b) => (s64(a) >= s64(b) ? M64 : 0n) };
    case 0x08:
      return { num: (a, b, s) => shiftLane(a, signed(b & 0xff, 0), s, u === 0), big: (a, b) => shiftLane64(a, Number(BigInt.asIntN(8, b)), u === 0) };
    case 0x0c:
    case 0x14:
      return u ? { num: (a, b) => Math.max(a, b) } : { num: (a, b, s) => (signed(a, s) >= signed(b, s) ? a : b) };
    case 0x0d:
    case 0x15:
      return u ? { num: (a, b) => Math.min(a, b) } : { num: (a, b, s) => (signed(a, s) <= signed(b, s) ? a : b) };
    case 0x10:
      return u
        ? { num: (a, b, s) => (a - b) & ones(s), big: (a, b) => (a - b) & M64 }
        : { num: (a, b, s) => (a + b) & ones(s), big: (a, b) => (a + b) & M64 };
    case 0x11:
      return u
        ? { num: (a, b, s) => bool(a === b, s), big: (a, b) => (a === b ? M64 : 0n) }
        : { num: (a, b, s) => bool((a & b) !== 0, s), big: (a, b) => ((a & b) !== 0n ? M64 : 0n) };
    case 0x0f:
      // [SU]ABA: |a - b| accumulated in decodeThreeSame
      return size === 3 ? undefined : { num: (a, b, s) => Math.abs((u ? a : signed(a, s)) - (u ? b : signed(b, s))) & ones(s) };
    case 0x12:
      // MLA / MLS: the accumulator is read in decodeThreeSame
      return size === 3 ? undefined : { num: (a, b, s) => Math.imul(a, b) & ones(s) };
    case 0x13:
      return u || size === 3 ? undefined : { num: (a, b, s) => Math.imul(a, b) & ones(s) };
    case 0x17:
      return u ? undefined : { num: (a, b, s) => (a + b) & ones(s), big: (a, b) => (a + b) & M64 };
    default:
      return undefined;
  }
}

function shiftLane(a: number, sh: number, size: number, isSigned: boolean): number {
  const bits = 8 << size;
  const v = isSigned ? signed(a, size) : a;
  if (sh >= bits) return 0;
  if (sh >= 0) return ((a << sh) & ones(size)) >>> 0;
  const r = -sh;
  if (r >= bits) return isSigned && v < 0 ? ones(size) : 0;
  return Math.floor(v / 2 ** r) & ones(size);
}

function shiftLane64(a: bigint, sh: number, isSigned: boolean): bigint {
  const v = isSigned ? s64(a) : a;
  if (sh >= 0) return sh >= 64 ? 0n : (v << BigInt(sh)) & M64;
  return (v >> BigInt(Math.min(-sh, 64))) & M64;
}

const PAIRWISE = new Set([0x14, 0x15, 0x17]);

export function decodeThreeSame(w: number, next: number, scalar: boolean, mOverride?: number): Op {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const size = (w >>> 22) & 3;
  const m = mOverride ?? (w >>> 16) & 31;
  const opcode = (w >>> 11) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (opcode === 3 && !scalar) return logicOp(u, size, q, n, m, d, next);
  if (opcode >= 0x18) return scalar ? undefinedOp(w) : decodeSimdFpThreeSame(w, next, mOverride);
  const op = threeSameOp(u, opcode, size);
  if (!op || (size === 3 && !op.big) || (size === 3 && !q && !scalar)) return undefinedOp(w);
  if (scalar && ((size !== 3 && !(opcode === 0x01 || opcode === 0x05)) || PAIRWISE.has(opcode) || [0x00, 0x02, 0x04, 0x0c, 0x0d, 0x0e, 0x0f, 0x12].includes(opcode))) return undefinedOp(w);
  const pairwise = PAIRWISE.has(opcode);
  const mla = opcode === 0x12;
  const aba = opcode === 0x0f;
  const sat = opcode === 0x01 || opcode === 0x05;
  if (mla && scalar) return undefinedOp(w);
  const elems = scalar ? 1 : (q ? 16 : 8) >>> size;
  return (c) => {
    saturation.hit = false;
    if (size === 3) {
      const big = op.big!;
      const res: bigint[] = [];
      for (let e = 0; e < elems; e++) {
        if (pairwise) {
          const src = e < elems / 2 ? n : m;
          const k = (e % (elems / 2)) * 2;
          res.push(big(getLane64(c, src, k), getLane64(c, src, k + 1)));
        } else res.push(big(getLane64(c, n, e), getLane64(c, m, e)));
      }
      res.forEach((v, e) => setLane64(c, d, e, v));
    } else {
      const res = new Array<number>(elems);
      for (let e = 0; e < elems; e++) {
        if (pairwise) {
          const src = e < elems / 2 ? n : m;
          const k = (e % (elems / 2)) * 2;
          res[e] = op.num(getLane(c, src, size, k), getLane(c, src, size, k + 1), size);
        } else res[e] = op.num(getLane(c, n, size, e), getLane(c, m, size, e), size);
        if (mla) res[e] = (u ? getLane(c, d, size, e) - res[e]! : getLane(c, d, size, e) + res[e]!) & ones(size);
        if (aba) res[e] = (getLane(c, d, size, e) + res[e]!) & ones(size);
      }
      for (let e = 0; e < elems; e++) setLane(c, d, size, e, res[e]!);
    }
    if (sat && saturation.hit) c.fpsr |= FPSR_QC;
    if (scalar) c.vu8.fill(0, d * 16 + (1 << size), d * 16 + 16);
    else if (!q) clearHigh(c, d);
    return next;
  };
}

function logicOp(u: number, size: number, q: number, n: number, m: number, d: number, next: number): Op {
  const words = q ? 4 : 2;
  const kind = (u << 2) | size;
  return (c) => {
    const a = n * 4;
    const b = m * 4;
    const o = d * 4;
    for (let k = 0; k < words; k++) {
      const x = c.vu32[a + k]!;
      const y = c.vu32[b + k]!;
      const dv = c.vu32[o + k]!;
      let r: number;
      switch (kind) {
        case 0: r = x & y; break;
        case 1: r = x & ~y; break;
        case 2: r = x | y; break;
        case 3: r = x | ~y; break;
        case 4: r = x ^ y; break;
        case 5: r = (dv & x) | (~dv & y); break; // BSL
        case 6: r = (dv & ~y) | (x & y); break; // BIT
        default: r = (dv & y) | (x & ~y); break; // BIF
      }
      c.vu32[o + k] = r;
    }
    if (!q) clearHigh(c, d);
    return next;
  };
}

function popcount8(v: number): number {
  let n = 0;
  for (let x = v; x; x &= x - 1) n++;
  return n;
}

function twoMiscOp(u: number, opcode: number, size: number): LaneOp | undefined {
  switch (opcode) {
    case 0x04:
      return u
        ? size === 3 ? undefined : { num: (a, _b, s) => Math.clz32(a) - (32 - (8 << s)) }
        : size === 3 ? undefined : { num: (a, _b, s) => { const v = signed(a, s); return Math.clz32((v ^ (v >> 31)) << (32 - (8 << s)) | ((1 << (32 - (8 << s))) - 1)) - 1; } };
    case 0x08:
      return u
        ? { num: (a, _b, s) => bool(signed(a, s) >= 0, s), big: (a) => (s64(a) >= 0n ? M64 : 0n) }
        : { num: (a, _b, s) => bool(signed(a, s) > 0, s), big: (a) => (s64(a) > 0n ? M64 : 0n) };
    case 0x09:
      return u
        ? { num: (a, _b, s) => bool(signed(a, s) <= 0, s), big: (a) => (s64(a) <= 0n ? M64 : 0n) }
        : { num: (a, _b, s) => bool(a === 0, s), big: (a) => (a === 0n ? M64 : 0n) };
    case 0x0a:
      return u ? undefined : { num: (a, _b, s) => bool(signed(a, s) < 0, s), big: (a) => (s64(a) < 0n ? M64 : 0n) };
    case 0x0b:
      return u
        ? { num: (a, _b, s) => -a & ones(s), big: (a) => -a & M64 }
        : { num: (a, _b, s) => Math.abs(signed(a, s)) & ones(s), big: (a) => (s64(a) < 0n ? -a & M64 : a) };
    default:
      return undefined;
  }
}

export function decodeTwoMisc(w: number, next: number, scalar: boolean): Op {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const size = (w >>> 22) & 3;
  const opcode = (w >>> 12) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (!scalar) {
    const special = twoMiscSpecial(w, q, u, size, opcode, n, d, next) ?? decodeSimdFpTwoMisc(w, next);
    if (special) return special;
  } else {
    const fp = decodeSimdFpScalarTwoMisc(w, next);
    if (fp) return fp;
  }
  const op = twoMiscOp(u, opcode, size);
  if (!op || (size === 3 && !op.big) || (scalar && size !== 3) || (size === 3 && !q && !scalar)) return undefinedOp(w);
  const elems = scalar ? 1 : (q ? 16 : 8) >>> size;
  return (c) => {
    for (let e = 0; e < elems; e++) {
      if (size === 3) setLane64(c, d, e, op.big!(getLane64(c, n, e), 0n));
      else setLane(c, d, size, e, op.num(getLane(c, n, size, e), 0, size));
    }
    if (scalar || !q) clearHigh(c, d);
    return next;
  };
}

function twoMiscSpecial(w: number, q: number, u: number, size: number, opcode: number, n: number, d: number, next: number): Op | undefined {
  const bytes = q ? 16 : 8;
  const fin = (c: A64Cpu): number => {
    if (!q) clearHigh(c, d);
    return next;
  };
  if (opcode <= 1) {
    // REV64 (u0,op0), REV32 (u1,op0), REV16 (u0,op1): reverse elements within containers
    const container = opcode === 1 ? 2 : u ? 4 : 8;
    const esize = 1 << size;
    if (esize >= container || (opcode === 1 && u)) return undefinedOp(w);
    return (c) => {
      const src = copyReg(c, n);
      for (let base = 0; base < bytes; base += container) {
        for (let e = 0; e < container; e += esize) {
          c.vu8.set(src.subarray(base + e, base + e + esize), d * 16 + base + container - e - esize);
        }
      }
      return fin(c);
    };
  }
  if (opcode === 5 && size <= 1) {
    // CNT (u0,size0), NOT (u1,size0), RBIT (u1,size1)
    if (!u && size !== 0) return undefinedOp(w);
    const kind = u ? size + 1 : 0;
    return (c) => {
      for (let e = 0; e < bytes; e++) {
        const v = c.vu8[n * 16 + e]!;
        c.vu8[d * 16 + e] = kind === 0 ? popcount8(v) : kind === 1 ? ~v : rbit32(v) >>> 24;
      }
      return fin(c);
    };
  }
  if (opcode === 0x12 || opcode === 0x14) {
    // XTN / SQXTUN (0x12, u0/u1), SQXTN / UQXTN (0x14): narrow into the lower or upper half of Vd
    if (size === 3) return undefinedOp(w);
    const elems = 8 >>> size;
    const kind = opcode === 0x12 ? (u ? 'sqxtun' : 'xtn') : u ? 'uqxtn' : 'sqxtn';
    return (c) => {
      saturation.hit = false;
      const src: bigint[] = [];
      for (let e = 0; e < elems; e++) src.push(size === 2 ? getLane64(c, n, e) : BigInt(getLane(c, n, size + 1, e)));
      src.forEach((wide, e) => {
        const sw = BigInt.asIntN(16 << size, wide);
        let v: number;
        if (kind === 'xtn') v = Number(wide & BigInt(laneMask(size)));
        else if (kind === 'uqxtn') v = saturate(Number(wide), size, false);
        else if (kind === 'sqxtn') v = saturate(Number(sw), size, true) & laneMask(size);
        else v = saturate(Number(sw), size, false);
        setLane(c, d, size, e + (q ? elems : 0), v >>> 0);
      });
      if (saturation.hit) c.fpsr |= FPSR_QC;
      if (!q) clearHigh(c, d);
      return next;
    };
  }
  if (opcode === 0x02) {
    // SADDLP/UADDLP: add adjacent pairs into double-width lanes
    if (size === 3) return undefinedOp(w);
    const elems = (bytes >>> size) / 2;
    return (c) => {
      const out: number[] = [];
      for (let e = 0; e < elems; e++) {
        const a = getLane(c, n, size, 2 * e);
        const b = getLane(c, n, size, 2 * e + 1);
        out.push(u ? a + b : signed(a, size) + signed(b, size));
      }
      out.forEach((v, e) => (size === 2 ? setLane64(c, d, e, BigInt(v) & M64) : setLane(c, d, size + 1, e, v & laneMask(size + 1))));
      return fin(c);
    };
  }
  return undefined;
}

export function decodeAcross(w: number, next: number): Op {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const size = (w >>> 22) & 3;
  const opcode = (w >>> 12) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (size === 3 || (size === 2 && !q)) return undefinedOp(w);
  const elems = (q ? 16 : 8) >>> size;
  let fold: ((acc: number, v: number) => number) | undefined;
  let widen = false;
  switch (opcode) {
    case 0x03:
      fold = (acc, v) => acc + v;
      widen = true;
      break;
    case 0x0a:
      fold = Math.max;
      break;
    case 0x1a:
      fold = Math.min;
      break;
    case 0x1b:
      if (!u) fold = (acc, v) => acc + v;
      break;
  }
  if (!fold) return undefinedOp(w);
  const f = fold;
  return (c) => {
    const val = (e: number): number => (u || opcode === 0x1b ? getLane(c, n, size, e) : signed(getLane(c, n, size, e), size));
    let acc = val(0);
    for (let e = 1; e < elems; e++) acc = f(acc, val(e));
    c.vu32.fill(0, d * 4, d * 4 + 4);
    if (widen) {
      if (size === 2) setLane64(c, d, 0, BigInt(acc) & M64);
      else setLane(c, d, size + 1, 0, acc & laneMask(size + 1));
    } else setLane(c, d, size, 0, acc & laneMask(size));
    return next;
  };
}

export function decodeScalarPairwise(w: number, next: number): Op {
  const u = (w >>> 29) & 1;
  const size = (w >>> 22) & 3;
  const opcode = (w >>> 12) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (u || size !== 3 || opcode !== 0x1b) return undefinedOp(w); // ADDP (scalar) only
  return (c) => {
    const v = (getLane64(c, n, 0) + getLane64(c, n, 1)) & M64;
    setLane64(c, d, 0, v);
    clearHigh(c, d);
    return next;
  };
}

export function decodeShiftImm(w: number, next: number, scalar: boolean): Op {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const immh = (w >>> 19) & 15;
  const immhb = (w >>> 16) & 127;
  const opcode = (w >>> 11) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const size = 31 - Math.clz32(immh);
  const bits = 8 << size;
  const right = 2 * bits - immhb;
  const left = immhb - bits;
  if (opcode === 0x14 || opcode === 0x10) return scalar ? undefinedOp(w) : shiftWiden(w, q, u, size, opcode, left, right, n, d, next);
  if ((size === 3 && !q && !scalar) || (scalar && size !== 3)) return undefinedOp(w);
  const elems = scalar ? 1 : (q ? 16 : 8) >>> size;
  let big: ((a: bigint, dv: bigint) => bigint) | undefined;
  let num: ((a: number, dv: number) => number) | undefined;
  const mask = laneMask(size);
  const mBig = (1n << BigInt(bits)) - 1n;
  switch (opcode) {
    case 0x00:
    case 0x02: {
      const acc = opcode === 0x02;
      num = (a, dv) => (((u ? Math.floor(a / 2 ** right) : Math.floor(signed(a, size) / 2 ** right)) + (acc ? dv : 0)) & mask) >>> 0;
      big = (a, dv) => (((u ? a >> BigInt(right) : BigInt.asIntN(64, a) >> BigInt(right)) + (acc ? dv : 0n)) & mBig);
      break;
    }
    case 0x0a:
      // SHL (u0) / SLI (u1)
      num = (a, dv) => ((a * 2 ** left) % 2 ** bits + (u ? dv & (2 ** left - 1) : 0)) >>> 0;
      big = (a, dv) => ((a << BigInt(left)) & mBig) | (u ? dv & ((1n << BigInt(left)) - 1n) : 0n);
      break;
    case 0x08:
      if (!u) return undefinedOp(w);
      // SRI: keep the top `right` bits of the destination
      num = (a, dv) => (Math.floor(a / 2 ** right) + (right === bits ? dv : dv - (dv % 2 ** (bits - right)))) >>> 0;
      big = (a, dv) => (a >> BigInt(right)) | (right === 64 ? dv : dv & ~((1n << BigInt(64 - right)) - 1n) & mBig);
      break;
    default:
      return undefinedOp(w);
  }
  const fn = num;
  const fb = big;
  return (c) => {
    for (let e = 0; e < elems; e++) {
      if (size === 3) setLane64(c, d, e, fb(getLane64(c, n, e), getLane64(c, d, e)));
      else setLane(c, d, size, e, fn(getLane(c, n, size, e), getLane(c, d, size, e)));
    }
    if (scalar || !q) clearHigh(c, d);
    return next;
  };
}

function shiftWiden(w: number, q: number, u: number, size: number, opcode: number, left: number, right: number, n: number, d: number, next: number): Op {
  if (size === 3) return undefinedOp(w);
  const half = 8 >>> size; // elements in one 64-bit half
  if (opcode === 0x14) {
    // SSHLL/USHLL (incl. SXTL/UXTL), "2" forms read the upper half
    return (c) => {
      const src: number[] = [];
      for (let e = 0; e < half; e++) src.push(getLane(c, n, size, e + (q ? half : 0)));
      src.forEach((a, e) => {
        const v = (u ? a : signed(a, size)) * 2 ** left;
        if (size === 2) setLane64(c, d, e, BigInt(v) & M64);
        else setLane(c, d, size + 1, e, v & laneMask(size + 1));
      });
      return next;
    };
  }
  if (u) return undefinedOp(w); // SQSHRUN and friends
  // SHRN/SHRN2: narrowing shift right; size here is the wide element size minus one
  const nsize = size;
  const r = right;
  return (c) => {
    const out: number[] = [];
    for (let e = 0; e < half; e++) {
      if (nsize === 2) out.push(Number((getLane64(c, n, e) >> BigInt(r)) & 0xffffffffn));
      else out.push(Math.floor(getLane(c, n, nsize + 1, e) / 2 ** r) & laneMask(nsize));
    }
    out.forEach((v, e) => setLane(c, d, nsize, e + (q ? half : 0), v));
    if (!q) clearHigh(c, d);
    return next;
  };
}
