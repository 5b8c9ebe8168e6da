// Scalar IEEE helpers with the architecture's NaN rules: an operation on NaNs returns the
// first signalling NaN quieted, else the first quiet NaN (or the default NaN when FPCR.DN is
// set), and an invalid operation returns the default NaN (positive, quiet) — not x86's.
// Values move through the V register file as bit patterns so NaN payloads survive.
import type { A64Cpu } from './cpu';
import { fmaStatus as fmaStatus$ } from './fma';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const fmaStatus = fmaStatus$;

export const FPSR_IOC = 1;
export const FPSR_DZC = 2;
const FPCR_DN = 1 << 25;

const scratch = new ArrayBuffer(8);
const sf64 = new Float64Array(scratch);
const su32 = new Uint32Array(scratch);
const sf32 = new Float32Array(scratch);

/** Scalar width: 2 = single (S), 3 = double (D). */
export type FpSize = 2 | 3;

export function readFp(c: A64Cpu, r: number, sz: FpSize): number {
  return sz === 3 ? c.vf64[r * 2]! : c.vf32[r * 4]!;
}

/** Write a scalar result, zeroing the rest of the V register. */
export function writeFp(c: A64Cpu, r: number, sz: FpSize, v: number): void {
  const i = r * 4;
  if (Number.isNaN(v)) {
    writeFpBits(c, r, sz, sz === 3 ? 0x7ff80000 : 0x7fc00000, 0);
    return;
  }
  c.vu32[i + 1] = 0;
  c.vu32[i + 2] = 0;
  c.vu32[i + 3] = 0;
  if (sz === 3) c.vf64[r * 2] = v;
  else c.vf32[i] = v;
}

/** Write raw bits: for D, hi/lo words; for S, `hi` holds the 32-bit pattern. */
export function writeFpBits(c: A64Cpu, r: number, sz: FpSize, hi: number, lo: number): void {
  const i = r * 4;
  c.vu32[i + 2] = 0;
  c.vu32[i + 3] = 0;
  if (sz === 3) {
    c.vu32[i] = lo;
    c.vu32[i + 1] = hi;
  } else {
    c.vu32[i] = hi;
    c.vu32[i + 1] = 0;
  }
}

function hiBits(c: A64Cpu, r: number, sz: FpSize): number {
  return sz === 3 ? c.vu32[r * 4 + 1]! : c.vu32[r * 4]!;
}

function isSignalling(c: A64Cpu, r: number, sz: FpSize): boolean {
  return ((hiBits(c, r, sz) >>> (sz === 3 ? 19 : 22)) & 1) === 0;
}

/**
 * If any operand register holds a NaN, write the architected NaN result to d and return true.
 * Operands are given in priority order.
 */
export function propagateNaN(c: A64Cpu, d: number, sz: FpSize, ops: readonly number[], flips?: readonly boolean[]): boolean {
  let firstQuiet = -1;
  let firstSignalling = -1;
  for (let i = 0; i < ops.length; i++) {
    const r = ops[i]!;
    if (!Number.isNaN(readFp(c, r, sz))) continue;
    if (isSignalling(c, r, sz)) {
      if (firstSignalling < 0) firstSignalling = i;
    } else if (firstQuiet < 0) firstQuiet = i;
  }
  const which = firstSignalling >= 0 ? firstSignalling : firstQuiet;
  if (which < 0) return false;
  const pick = ops[which]!;
  const flip = flips?.[which] ? 0x80000000 : 0;
  if (firstSignalling >= 0) c.fpsr |= FPSR_IOC;
  if (c.fpcr & FPCR_DN) {
    writeFp(c, d, sz, NaN);
    return true;
  }
  const quietBit = sz === 3 ? 0x00080000 : 0x00400000;
  const lo = sz === 3 ? c.vu32[pick * 4]! : 0;
  writeFpBits(c, d, sz, ((hiBits(c, pick, sz) | quietBit) ^ flip) >>> 0, lo);
  return true;
}

/** Store an arithmetic result; a NaN produced from non-NaN inputs is an invalid operation. */
export function writeArith(c: A64Cpu, d: number, sz: FpSize, v: number): void {
  if (Number.isNaN(v)) c.fpsr |= FPSR_IOC;
  writeFp(c, d, sz, sz === 2 ? Math.fround(v) : v);
}

/** Round to integral per an FPCR-style rounding mode: 0 nearest-even, 1 +inf, 2 -inf, 3 zero, 4 nearest-away. */
export function roundInt(x: number, mode: number): number {
  const r = roundIntRaw(x, mode);
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

function roundIntRaw(x: number, mode: number): number {
  if (!Number.isFinite(x)) return x;
  switch (mode) {
    case 0: {
      const f = Math.floor(x);
      const diff = x - f;
      if (diff > 0.5) return f + 1;
      if (diff < 0.5) return f;
      return f % 2 === 0 ? f : f + 1;
    }
    case 1:
      return Math.ceil(x);
    case 2:
      return Math.floor(x);
    case 3:
      return Math.trunc(x);
    default:
      return x < 0 ? -Math.round(-x) : Math.round(x);
  }
}

/** Double bits of a single-precision value held as a number (for FCVT NaN payloads). */
export function f32BitsToF64Bits(bits: number): [number, number] {
  su32[0] = bits;
  const v = sf32[0]!;
  if (!Number.isNaN(v)) {
    sf64[0] = v;
    return [su32[1]!, su32[0]!];
  }
  const sign = bits & 0x80000000;
  const payload = bits & 0x003fffff;
  return [(sign | 0x7ff80000 | (payload >>> 3)) >>> 0, (payload << 29) >>> 0];
}

export function f64BitsToF32Bits(hi: number, lo: number): number {
  su32[0] = lo;
  su32[1] = hi;
  const v = sf64[0]!;
  if (!Number.isNaN(v)) {
    sf32[0] = v;
    return su32[0]!;
  }
  const sign = hi & 0x80000000;
  return (sign | 0x7fc00000 | ((hi & 0x0007ffff) << 3) | (lo >>> 29)) >>> 0;
}

export const FPSR_OFC = 4;
export const FPSR_UFC = 8;
export const FPSR_IXC = 16;
const MIN_NORMAL = [0, 0, 2 ** -126, 2 ** -1022];

/** Veltkamp split + Dekker: the exact error of p = fl(a*b), i.e. a*b − p (NaN when it overflows). */
export function productError(a: number, b: number, p: number): number {
  const sa = 134217729 * a;
  const ah = sa - (sa - a);
  const al = a - ah;
  const sb = 134217729 * b;
  const bh = sb - (sb - b);
  const bl = b - bh;
  return al * bl - (((p - ah * bh) - al * bh) - ah * bl);
}

/** Knuth's TwoSum: the exact error of s = fl(a+b). */
export function sumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/**
 * Round a double-precision result `d` to the destination size and record IXC/OFC/UFC.
 * `exact` says whether `d` itself is the exact real result; `finiteIn` whether all operands were finite.
 */
export function roundWithFlags(c: A64Cpu, d: number, exact: boolean, finiteIn: boolean, sz: FpSize): number {
  if (Number.isNaN(d)) return d;
  const r = sz === 2 ? Math.fround(d) : d;
  if (!Number.isFinite(r)) {
    if (finiteIn) c.fpsr |= FPSR_OFC | FPSR_IXC;
    return r;
  }
  const inexact = !exact || r !== d;
  if (inexact) {
    c.fpsr |= FPSR_IXC;
    if (Math.abs(r) < MIN_NORMAL[sz]! || (Math.abs(d) < MIN_NORMAL[sz]! && d !== 0)) c.fpsr |= FPSR_UFC;
  }
  return r;
}

/** Record the flags of a result produced by the exact routines in fma.ts. */
export function flagExact(c: A64Cpu, r: number, sz: FpSize): number {
  if (fmaStatus.overflow) c.fpsr |= FPSR_OFC | FPSR_IXC;
  else if (fmaStatus.inexact) {
    c.fpsr |= FPSR_IXC;
    if (Math.abs(r) < (sz === 3 ? 2 ** -1022 : 2 ** -126)) c.fpsr |= FPSR_UFC;
  }
  return r;
}
