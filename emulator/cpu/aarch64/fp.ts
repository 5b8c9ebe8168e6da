// Scalar floating point (single and double): 1-, 2- and 3-source arithmetic, FCMP/FCCMP,
// FCSEL, FMOV (register, immediate, to/from general registers), FCVT between precisions,
// FRINT*, and conversions to and from integers (incl. fixed point). Half precision is not
// implemented (undefined instruction). Arithmetic rounds to nearest-even whatever FPCR.RMode
// says; FMADD is computed fused (one rounding). FPSR records IOC, DZC, OFC, UFC and IXC.
import type { A64Cpu } from './cpu';
import { condHolds as condHolds$ } from './cond';
import type { FpSize } from './fp-value';
import { flagExact as flagExact$, FPSR_DZC as FPSR_DZC$, FPSR_IOC as FPSR_IOC$, f32BitsToF64Bits as f32BitsToF64Bits$, f64BitsToF32Bits as f64BitsToF32Bits$, propagateNaN as propagateNaN$, readFp as readFp$, roundInt as roundInt$, writeArith as writeArith$, writeFp as writeFp$, writeFpBits as writeFpBits$, FPSR_IXC as FPSR_IXC$, productError as productError$, roundWithFlags as roundWithFlags$, sumError as sumError$ } from './fp-value';
import type { Op } from './op';
import { undefinedOp as undefinedOp$ } from './op';
import { exactDivide as exactDivide$, fmaStatus as fmaStatus$, fusedMulAdd as fusedMulAdd$ } from './fma';
import { fixedConv, intConv } from './fp-convert';

// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const condHolds = condHolds$;
const FPSR_DZC = FPSR_DZC$;
const FPSR_IOC = FPSR_IOC$;
const flagExact = flagExact$;
const FPSR_IXC = FPSR_IXC$;
const productError = productError$;
const roundWithFlags = roundWithFlags$;
const sumError = sumError$;
const f32BitsToF64Bits = f32BitsToF64Bits$;
const f64BitsToF32Bits = f64BitsToF32Bits$;
const propagateNaN = propagateNaN$;
const readFp = readFp$;
const roundInt = roundInt$;
const writeArith = writeArith$;
const writeFp = writeFp$;
const writeFpBits = writeFpBits$;
const undefinedOp = undefinedOp$;
const exactDivide = exactDivide$;
const fmaStatus = fmaStatus$;
const fusedMulAdd = fusedMulAdd$;

export function decodeFpScalar(w: number, next: number): Op {
  const ftype = (w >>> 22) & 3;
  if ((w >>> 29) & 1 || (w >>> 30) & 1) return undefinedOp(w);
  if ((w >>> 24) & 1) return ftype > 1 ? undefinedOp(w) : fp3(w, ftype === 1 ? 3 : 2, next);
  if (((w >>> 21) & 1) === 0) return fixedConv(w, next);
  const op1110 = (w >>> 10) & 3;
  if (ftype > 1 && !(op1110 === 0 && ((w >>> 10) & 63) === 0)) return undefinedOp(w);
  const sz: FpSize = ftype === 1 ? 3 : 2;
  if (op1110 === 1) return fccmp(w, sz, next);
  if (op1110 === 2) return fp2(w, sz, next);
  if (op1110 === 3) return fcsel(w, sz, next);
  if ((w >>> 12) & 1) return fmovImm(w, sz, next);
  if (((w >>> 10) & 15) === 8) return fcmp(w, sz, next);
  if (((w >>> 10) & 31) === 16) return fp1(w, sz, next);
  if (((w >>> 10) & 63) === 0) return intConv(w, next);
  return undefinedOp(w);
}

function fp2(w: number, sz: FpSize, next: number): Op {
  const m = (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const opcode = (w >>> 12) & 15;
  let f: ((a: number, b: number) => number) | undefined;
  switch (opcode) {
    case 0: f = (a, b) => a * b; break;
    case 1: f = (a, b) => a / b; break;
    case 2: f = (a, b) => a + b; break;
    case 3: f = (a, b) => a - b; break;
    case 4: f = fmax; break;
    case 5: f = fmin; break;
    case 6: f = fmax; break; // FMAXNM: NaN handling below
    case 7: f = fmin; break;
    case 8: f = (a, b) => a * b; break; // FNMUL: FMUL, then the sign flipped below
  }
  if (!f) return undefinedOp(w);
  const op = f;
  const nm = opcode === 6 || opcode === 7;
  if (opcode === 8) {
    const mul = fp2((w & ~0xf000) >>> 0, sz, next);
    const signWord = sz === 3 ? d * 4 + 1 : d * 4;
    return (c) => {
      mul(c);
      c.vu32[signWord] ^= 0x80000000;
      return next;
    };
  }
  return (c) => {
    const a = readFp(c, n, sz);
    const b = readFp(c, m, sz);
    if (nm && Number.isNaN(a) !== Number.isNaN(b)) {
      // FMAXNM/FMINNM: a quiet NaN loses to a number.
      const nanReg = Number.isNaN(a) ? n : m;
      const quiet = sz === 3 ? (c.vu32[nanReg * 4 + 1]! >>> 19) & 1 : (c.vu32[nanReg * 4]! >>> 22) & 1;
      if (quiet) {
        writeFp(c, d, sz, Number.isNaN(a) ? b : a);
        return next;
      }
    }
    if (propagateNaN(c, d, sz, [n, m])) return next;
    if (opcode === 1 && b === 0 && Number.isFinite(a) && a !== 0) {
      c.fpsr |= FPSR_DZC;
      writeArith(c, d, sz, a / b);
      return next;
    }
    const r = op(a, b);
    if (Number.isNaN(r)) {
      writeArith(c, d, sz, r);
      return next;
    }
    const mode = (c.fpcr >>> 22) & 3;
    if (mode !== 0 && opcode <= 3 && Number.isFinite(a) && Number.isFinite(b)) {
      writeFp(c, d, sz, directed(c, opcode, a, b, sz, mode));
      return next;
    }
    writeFp(c, d, sz, roundWithFlags(c, r, exactness(opcode, a, b, r), Number.isFinite(a) && Number.isFinite(b), sz));
    return next;
  };
}

/** FMUL/FDIV/FADD/FSUB of finite operands under a directed FPCR rounding mode (exact, then one rounding). */
function directed(c: A64Cpu, opcode: number, a: number, b: number, sz: FpSize, mode: number): number {
  if (opcode === 0 && (a === 0 || b === 0)) return a * b; // exact zero with the product's sign
  const r = opcode === 1 ? exactDivide(a, b, sz, mode) : opcode === 0 ? fusedMulAdd(a, b, 0, sz, mode) : fusedMulAdd(a, 1, opcode === 3 ? -b : b, sz, mode);
  return flagExact(c, r, sz);
}

/** Whether r = fl(a op b) is the exact result (FPSR.IXC is the negation). */
function exactness(opcode: number, a: number, b: number, r: number): boolean {
  if (!Number.isFinite(r)) return !Number.isFinite(a) || !Number.isFinite(b);
  switch (opcode) {
    case 0:
      return exactProduct(a, b, r);
    case 1:
      if (!Number.isFinite(b) || b === 0 || a === 0) return true;
      return r !== 0 && exactProduct(r, b, a);
    case 2:
      return sumError(a, b, r) === 0;
    case 3:
      return sumError(a, -b, r) === 0;
    default:
      return true;
  }
}

/** Whether a*b equals p exactly; tiny values are scaled up first so Dekker's split stays exact. */
function exactProduct(a: number, b: number, p: number): boolean {
  if (a === 0 || b === 0) return p === 0;
  if (p === 0) return false;
  // Scale operands to magnitude ~1 (powers of two, so exact) and the product by the inverse.
  const ea = Math.floor(Math.log2(Math.abs(a)));
  const eb = Math.floor(Math.log2(Math.abs(b)));
  const as = scale2(a, -ea);
  const bs = scale2(b, -eb);
  const ps = as * bs;
  return ps === scale2(p, -(ea + eb)) && productError(as, bs, ps) === 0;
}

/** x * 2^e in two steps, so neither factor overflows. */
function scale2(x: number, e: number): number {
  const h = Math.trunc(e / 2);
  return x * 2 ** h * 2 ** (e - h);
}

function fmax(a: number, b: number): number {
  if (a === 0 && b === 0) return Object.is(a, -0) && Object.is(b, -0) ? -0 : 0;
  return a > b ? a : b;
}

function fmin(a: number, b: number): number {
  if (a === 0 && b === 0) return Object.is(a, -0) || Object.is(b, -0) ? -0 : 0;
  return a < b ? a : b;
}

function fp3(w: number, sz: FpSize, next: number): Op {
  const m = (w >>> 16) & 31;
  const a = (w >>> 10) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const negProduct = ((w >>> 15) & 1) === 1; // o0: FMSUB / FNMADD negate the product
  const negAcc = ((w >>> 21) & 1) === 1; // o1: FNMADD / FNMSUB negate the addend
  const flips = [negAcc, negProduct !== negAcc, false];
  return (c) => {
    // FPMulAdd: a quiet NaN addend with an inf * 0 product is an invalid operation (default NaN).
    const p0 = readFp(c, n, sz);
    const p1 = readFp(c, m, sz);
    if (Number.isNaN(readFp(c, a, sz)) && ((p0 === 0 && Math.abs(p1) === Infinity) || (p1 === 0 && Math.abs(p0) === Infinity))) {
      writeArith(c, d, sz, NaN);
      return next;
    }
    // The negations apply to the operands before NaN processing, so they show on a propagated NaN.
    if (propagateNaN(c, d, sz, [a, n, m], flips)) return next;
    let x = readFp(c, n, sz);
    const y = readFp(c, m, sz);
    let acc = readFp(c, a, sz);
    if (negProduct !== negAcc) x = -x;
    if (negAcc) acc = -acc;
    const r = fusedMulAdd(x, y, acc, sz, (c.fpcr >>> 22) & 3);
    if (Number.isNaN(r)) writeArith(c, d, sz, r);
    else if (fmaStatus.overflow) writeFp(c, d, sz, flagExact(c, r, sz));
    else writeFp(c, d, sz, roundWithFlags(c, r, !fmaStatus.inexact, Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(acc), sz));
    return next;
  };
}

function fp1(w: number, sz: FpSize, next: number): Op {
  const opcode = (w >>> 15) & 63;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const signBit = sz === 3 ? 1 : 0;
  switch (opcode) {
    case 0: // FMOV (register)
    case 1: // FABS
    case 2: // FNEG
      return (c) => {
        const lo = c.vu32[n * 4]!;
        const hi = c.vu32[n * 4 + 1]!;
        const top = signBit ? hi : lo;
        const nt = opcode === 0 ? top : opcode === 1 ? top & 0x7fffffff : top ^ 0x80000000;
        if (signBit) writeFpBits(c, d, 3, nt >>> 0, lo);
        else writeFpBits(c, d, 2, nt >>> 0, 0);
        return next;
      };
    case 3: // FSQRT
      return (c) => {
        if (propagateNaN(c, d, sz, [n])) return next;
        const x = readFp(c, n, sz);
        const r = Math.sqrt(x);
        if (Number.isNaN(r)) writeArith(c, d, sz, r);
        else writeFp(c, d, sz, roundWithFlags(c, r, !Number.isFinite(r) || exactProduct(r, r, x), Number.isFinite(x), sz));
        return next;
      };
    case 4:
    case 5: {
      // FCVT to single (4) / double (5)
      const to: FpSize = opcode === 5 ? 3 : 2;
      if (to === sz) return undefinedOp(w);
      return (c) => {
        const dn = ((c.fpcr >>> 25) & 1) === 1;
        if (to === 3) {
          const [hi, lo] = f32BitsToF64Bits(c.vu32[n * 4]!);
          if (Number.isNaN(c.vf32[n * 4]!)) noteSignalling(c, (c.vu32[n * 4]! >>> 22) & 1);
          if (dn && Number.isNaN(c.vf32[n * 4]!)) writeFp(c, d, 3, NaN);
          else writeFpBits(c, d, 3, hi, lo);
        } else {
          const src = c.vf64[n * 2]!;
          const mode = (c.fpcr >>> 22) & 3;
          if (mode !== 0 && Number.isFinite(src) && src !== 0) {
            writeFp(c, d, 2, flagExact(c, fusedMulAdd(src, 1, 0, 2, mode), 2));
            return next;
          }
          if (!Number.isNaN(src)) roundWithFlags(c, src, true, Number.isFinite(src), 2);
          const bits = f64BitsToF32Bits(c.vu32[n * 4 + 1]!, c.vu32[n * 4]!);
          if (Number.isNaN(c.vf64[n * 2]!)) noteSignalling(c, (c.vu32[n * 4 + 1]! >>> 19) & 1);
          if (dn && Number.isNaN(c.vf64[n * 2]!)) writeFp(c, d, 2, NaN);
          else writeFpBits(c, d, 2, bits, 0);
        }
        return next;
      };
    }
    default:
      if (opcode >= 8 && opcode <= 15 && opcode !== 13) {
        const fixed = [0, 1, 2, 3, 4, -1, 5, 6][opcode - 8]!; // N P M Z A - X I
        return (c) => {
          if (propagateNaN(c, d, sz, [n])) return next;
          const mode = fixed === 5 || fixed === 6 ? (c.fpcr >>> 22) & 3 : fixed;
          const x = readFp(c, n, sz);
          const r = roundInt(x, mode);
          if (fixed === 5 && r !== x) c.fpsr |= FPSR_IXC; // only FRINTX reports inexact
          writeFp(c, d, sz, r);
          return next;
        };
      }
      return undefinedOp(w);
  }
}

function noteSignalling(c: A64Cpu, quietBit: number): void {
  if (!quietBit) c.fpsr |= FPSR_IOC;
}

function fcmp(w: number, sz: FpSize, next: number): Op {
  const m = (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const withZero = ((w >>> 3) & 1) === 1;
  const signalAll = ((w >>> 4) & 1) === 1;
  if ((w & 7) !== 0 || ((w >>> 14) & 3) !== 0) return undefinedOp(w);
  return (c) => {
    const a = readFp(c, n, sz);
    const b = withZero ? 0 : readFp(c, m, sz);
    setCompareFlags(c, a, b, signalAll, sz, n, withZero ? -1 : m);
    return next;
  };
}

function setCompareFlags(c: A64Cpu, a: number, b: number, signalAll: boolean, sz: FpSize, n: number, m: number): void {
  if (Number.isNaN(a) || Number.isNaN(b)) {
    const snan = (r: number): boolean => r >= 0 && Number.isNaN(readFp(c, r, sz)) && ((sz === 3 ? c.vu32[r * 4 + 1]! >>> 19 : c.vu32[r * 4]! >>> 22) & 1) === 0;
    if (signalAll || snan(n) || snan(m)) c.fpsr |= FPSR_IOC;
    c.nzcv = 0x30000000;
  } else if (a === b) c.nzcv = 0x60000000;
  else if (a < b) c.nzcv = 0x80000000 | 0;
  else c.nzcv = 0x20000000;
}

function fccmp(w: number, sz: FpSize, next: number): Op {
  const m = (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const cond = (w >>> 12) & 15;
  const nzcv = (w & 15) << 28;
  const signalAll = ((w >>> 4) & 1) === 1;
  return (c) => {
    if (condHolds(c, cond)) setCompareFlags(c, readFp(c, n, sz), readFp(c, m, sz), signalAll, sz, n, m);
    else c.nzcv = nzcv;
    return next;
  };
}

function fcsel(w: number, sz: FpSize, next: number): Op {
  const m = (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const cond = (w >>> 12) & 15;
  return (c) => {
    const s = condHolds(c, cond) ? n : m;
    writeFpBits(c, d, sz, sz === 3 ? c.vu32[s * 4 + 1]! : c.vu32[s * 4]!, c.vu32[s * 4]!);
    return next;
  };
}

/** VFPExpandImm: ±(1 + efgh/16) × 2^e with e = b ? cd − 3 : cd + 1. */
export function expandFpImm(imm8: number): number {
  const sign = imm8 & 0x80 ? -1 : 1;
  const b = (imm8 >>> 6) & 1;
  const cd = (imm8 >>> 4) & 3;
  const frac = imm8 & 15;
  return sign * (1 + frac / 16) * 2 ** (b ? cd - 3 : cd + 1);
}

function fmovImm(w: number, sz: FpSize, next: number): Op {
  if (((w >>> 5) & 31) !== 0) return undefinedOp(w);
  const v = expandFpImm((w >>> 13) & 0xff);
  const d = w & 31;
  return (c) => {
    writeFp(c, d, sz, v);
    return next;
  };
}

