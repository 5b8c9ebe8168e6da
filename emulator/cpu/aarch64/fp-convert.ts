// Conversions between floating point and integers: SCVTF/UCVTF and FCVT{N,P,M,Z,A}{S,U}
// (incl. fixed point), FMOV to and from general registers. Saturation, NaN → 0 and the
// FPSR flags follow the architecture; integer → float rounds once in the FPCR mode.
import type { A64Cpu } from './cpu';
import { R as R$ } from './bits';
import type { FpSize } from './fp-value';
import { FPSR_IOC as FPSR_IOC$, FPSR_IXC as FPSR_IXC$, flagExact as flagExact$, readFp as readFp$, roundInt as roundInt$, roundWithFlags as roundWithFlags$, writeFp as writeFp$, writeFpBits as writeFpBits$ } from './fp-value';
import { intToFloat as intToFloat$ } from './fma';
import type { Op } from './op';
import { rz as rz$, undefinedOp as undefinedOp$, wz as wz$ } from './op';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const R = R$;
const FPSR_IOC = FPSR_IOC$;
const FPSR_IXC = FPSR_IXC$;
const flagExact = flagExact$;
const readFp = readFp$;
const roundInt = roundInt$;
const roundWithFlags = roundWithFlags$;
const writeFp = writeFp$;
const writeFpBits = writeFpBits$;
const intToFloat = intToFloat$;
const rz = rz$;
const undefinedOp = undefinedOp$;
const wz = wz$;

const TWO32 = 4294967296;

/** Convert a float to a saturated integer of `bits` (32/64) after rounding; result pair in R. */
export function fpToInt(c: A64Cpu, x: number, mode: number, signed: boolean, bits: number): void {
  if (Number.isNaN(x)) {
    c.fpsr |= FPSR_IOC;
    R[0] = 0;
    R[1] = 0;
    return;
  }
  let r = roundInt(x, mode);
  const limit = signed ? 2 ** (bits - 1) : 2 ** bits; // exclusive upper bound
  const min = signed ? -(2 ** (bits - 1)) : 0;
  if (r >= limit || r < min) {
    c.fpsr |= FPSR_IOC;
    const high = r >= limit;
    if (bits === 64) {
      R[0] = high ? -1 : 0;
      R[1] = high ? (signed ? 0x7fffffff : -1) : signed ? -0x80000000 : 0;
      return;
    }
    r = high ? limit - 1 : min;
  } else if (r !== x) c.fpsr |= FPSR_IXC;
  if (bits === 32) {
    R[0] = r | 0;
    R[1] = 0;
    return;
  }
  const hi = Math.floor(r / TWO32);
  R[0] = (r - hi * TWO32) | 0;
  R[1] = hi | 0;
}

function intToFp(lo: number, hi: number, signed: boolean, is64: boolean): number {
  if (!is64) return signed ? lo | 0 : lo >>> 0;
  return (signed ? hi | 0 : hi >>> 0) * TWO32 + (lo >>> 0);
}

/** Integer (optionally fixed point with `fbits`) to float, rounding once, with IXC. */
function intToFpFlags(c: A64Cpu, lo: number, hi: number, signed: boolean, is64: boolean, sz: FpSize, fbits: number): number {
  const mode = (c.fpcr >>> 22) & 3;
  if (mode !== 0) {
    const big = !is64 ? BigInt(signed ? lo | 0 : lo >>> 0) : signed ? (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    return big === 0n ? 0 : flagExact(c, intToFloat(big, sz, mode, fbits), sz);
  }
  const d = intToFp(lo, hi, signed, is64);
  let exact = true;
  if (is64 && Math.abs(d) >= 2 ** 53) {
    const big = signed ? (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    exact = BigInt(d) === big;
    if (sz === 2 && exact === false) {
      // Round the exact integer straight to single precision: keep 24 significant bits plus sticky.
      const mag = big < 0n ? -big : big;
      const shift = BigInt(mag.toString(2).length - 25);
      const kept = mag >> shift;
      const sticky = (mag & ((1n << shift) - 1n)) !== 0n ? 1n : 0n;
      const approx = Number((kept << 1n) | sticky) * 2 ** Number(shift - 1n);
      const r = Math.fround(big < 0n ? -approx : approx);
      c.fpsr |= FPSR_IXC;
      return r / 2 ** fbits;
    }
  }
  return roundWithFlags(c, d / 2 ** fbits, exact, true, sz);
}

export function intConv(w: number, next: number): Op {
  const sf = w >>> 31;
  const ftype = (w >>> 22) & 3;
  const rmode = (w >>> 19) & 3;
  const opcode = (w >>> 16) & 7;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (opcode >= 6) return fmovGeneral(w, sf, ftype, rmode, opcode === 7, n, d, next);
  if (ftype > 1) return undefinedOp(w);
  const sz: FpSize = ftype === 1 ? 3 : 2;
  if (opcode === 2 || opcode === 3) {
    if (rmode !== 0) return undefinedOp(w);
    const signed = opcode === 2;
    const rn = rz(n);
    return (c) => {
      writeFp(c, d, sz, intToFpFlags(c, c.xlo[rn]!, c.xhi[rn]!, signed, sf === 1, sz, 0));
      return next;
    };
  }
  if (opcode >= 4 && rmode !== 0) return undefinedOp(w);
  const mode = opcode >= 4 ? 4 : rmode; // FCVTA* round to nearest, ties away
  const signed = (opcode & 1) === 0;
  const rd = wz(d);
  return (c) => {
    fpToInt(c, readFp(c, n, sz), mode, signed, sf ? 64 : 32);
    c.xlo[rd] = R[0]!;
    c.xhi[rd] = R[1]!;
    return next;
  };
}

function fmovGeneral(w: number, sf: number, ftype: number, rmode: number, toFp: boolean, n: number, d: number, next: number): Op {
  const top = rmode === 1;
  const ok = (rmode === 0 && ((sf === 0 && ftype === 0) || (sf === 1 && ftype === 1))) || (top && sf === 1 && ftype === 2);
  if (!ok) return undefinedOp(w);
  if (toFp) {
    const rn = rz(n);
    if (top) {
      return (c) => {
        c.vu32[d * 4 + 2] = c.xlo[rn]!;
        c.vu32[d * 4 + 3] = c.xhi[rn]!;
        return next;
      };
    }
    return (c) => {
      if (sf) writeFpBits(c, d, 3, c.xhi[rn]! >>> 0, c.xlo[rn]! >>> 0);
      else writeFpBits(c, d, 2, c.xlo[rn]! >>> 0, 0);
      return next;
    };
  }
  const rd = wz(d);
  const at = n * 4 + (top ? 2 : 0);
  return (c) => {
    c.xlo[rd] = c.vu32[at]!;
    c.xhi[rd] = sf ? c.vu32[at + 1]! : 0;
    return next;
  };
}

export function fixedConv(w: number, next: number): Op {
  const sf = w >>> 31;
  const ftype = (w >>> 22) & 3;
  const rmode = (w >>> 19) & 3;
  const opcode = (w >>> 16) & 7;
  const scale = (w >>> 10) & 63;
  if (ftype > 1 || (!sf && scale < 32)) return undefinedOp(w);
  const sz: FpSize = ftype === 1 ? 3 : 2;
  const fbits = 64 - scale;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (rmode === 3 && opcode < 2) {
    const rd = wz(d);
    const signed = opcode === 0;
    return (c) => {
      fpToInt(c, readFp(c, n, sz) * 2 ** fbits, 3, signed, sf ? 64 : 32);
      c.xlo[rd] = R[0]!;
      c.xhi[rd] = R[1]!;
      return next;
    };
  }
  if (rmode === 0 && (opcode === 2 || opcode === 3)) {
    const rn = rz(n);
    const signed = opcode === 2;
    return (c) => {
      writeFp(c, d, sz, intToFpFlags(c, c.xlo[rn]!, c.xhi[rn]!, signed, sf === 1, sz, fbits));
      return next;
    };
  }
  return undefinedOp(w);
}
