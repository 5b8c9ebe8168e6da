// Data processing, immediate: ADR/ADRP, ADD/SUB (immediate), logical immediates, move wide,
// bitfield moves (SBFM/BFM/UBFM, which include the LSL/LSR/ASR/SXT*/UXT* aliases) and EXTR.
import { R as R$, add32 as add32$, add64 as add64$, decodeBitMasks as decodeBitMasks$, mask64 as mask64$, shift64 as shift64$ } from './bits';
import type { Op } from './op';
import { rz as rz$, sext as sext$, undefinedOp as undefinedOp$, wz as wz$ } from './op';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const R = R$;
const add32 = add32$;
const add64 = add64$;
const decodeBitMasks = decodeBitMasks$;
const mask64 = mask64$;
const shift64 = shift64$;
const rz = rz$;
const sext = sext$;
const undefinedOp = undefinedOp$;
const wz = wz$;

export function decodeDpImm(w: number, pc: number): Op {
  switch ((w >>> 23) & 7) {
    case 0:
    case 1:
      return decodeAdr(w, pc);
    case 2:
      return decodeAddSubImm(w, pc + 4);
    case 4:
      return decodeLogicalImm(w, pc + 4);
    case 5:
      return decodeMoveWide(w, pc + 4);
    case 6:
      return decodeBitfield(w, pc + 4);
    case 7:
      return decodeExtract(w, pc + 4);
    default:
      return undefinedOp(w);
  }
}

function decodeAdr(w: number, pc: number): Op {
  const d = wz(w & 31);
  const imm = sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21);
  const value = w >>> 31 ? (pc - (pc % 4096)) + imm * 4096 : pc + imm;
  const lo = value % 4294967296 | 0;
  const hi = Math.floor(value / 4294967296) | 0;
  const next = pc + 4;
  return (c) => {
    c.xlo[d] = lo;
    c.xhi[d] = hi;
    return next;
  };
}

function decodeAddSubImm(w: number, next: number): Op {
  const sf = w >>> 31;
  const sub = (w >>> 30) & 1;
  const setFlags = ((w >>> 29) & 1) === 1;
  const imm = ((w >>> 10) & 0xfff) * ((w >>> 22) & 1 ? 4096 : 1);
  const n = (w >>> 5) & 31; // SP-capable
  const d = setFlags ? wz(w & 31) : w & 31;
  if (sf) {
    if (!setFlags && !sub) {
      return (c) => {
        const lo = (c.xlo[n]! >>> 0) + imm;
        c.xhi[d] = c.xhi[n]! + (lo >= 4294967296 ? 1 : 0);
        c.xlo[d] = lo;
        return next;
      };
    }
    if (!setFlags) {
      return (c) => {
        const lo = (c.xlo[n]! >>> 0) - imm;
        c.xhi[d] = c.xhi[n]! - (lo < 0 ? 1 : 0);
        c.xlo[d] = lo;
        return next;
      };
    }
    if (sub) {
      return (c) => {
        const ahi = c.xhi[n]!;
        const lo = (c.xlo[n]! >>> 0) - imm;
        const hi = (ahi >>> 0) - (lo < 0 ? 1 : 0);
        const rhi = hi | 0;
        const rlo = lo | 0;
        c.nf = rhi >>> 31;
        c.zf = (rlo | rhi) === 0 ? 1 : 0;
        c.cf = hi >= 0 ? 1 : 0;
        c.vf = (ahi & (ahi ^ rhi)) >>> 31;
        c.xlo[d] = rlo;
        c.xhi[d] = rhi;
        return next;
      };
    }
    return (c) => {
      add64(c, c.xlo[n]!, c.xhi[n]!, imm, 0, 0, true);
      c.xlo[d] = R[0]!;
      c.xhi[d] = R[1]!;
      return next;
    };
  }
  const b = sub ? ~imm : imm;
  return (c) => {
    c.xlo[d] = add32(c, c.xlo[n]!, b, sub, setFlags);
    c.xhi[d] = 0;
    return next;
  };
}

function decodeLogicalImm(w: number, next: number): Op {
  const sf = w >>> 31;
  const opc = (w >>> 29) & 3;
  const nBit = (w >>> 22) & 1;
  if (!sf && nBit) return undefinedOp(w);
  const masks = decodeBitMasks(nBit, (w >>> 10) & 63, (w >>> 16) & 63, true, sf ? 64 : 32);
  if (!masks) return undefinedOp(w);
  const mlo = Number(masks[0] & 0xffffffffn) | 0;
  const mhi = Number(masks[0] >> 32n) | 0;
  const n = rz((w >>> 5) & 31);
  const d = opc === 3 ? wz(w & 31) : w & 31; // AND/ORR/EOR may write SP
  const hiMask = sf ? -1 : 0;
  if (opc === 0) {
    return (c) => {
      c.xhi[d] = c.xhi[n]! & mhi & hiMask;
      c.xlo[d] = c.xlo[n]! & mlo;
      return next;
    };
  }
  if (opc === 1) {
    return (c) => {
      c.xhi[d] = (c.xhi[n]! | mhi) & hiMask;
      c.xlo[d] = c.xlo[n]! | mlo;
      return next;
    };
  }
  return (c) => {
    const alo = c.xlo[n]!;
    const ahi = c.xhi[n]!;
    let lo: number;
    let hi: number;
    if (opc === 1) {
      lo = alo | mlo;
      hi = ahi | mhi;
    } else if (opc === 2) {
      lo = alo ^ mlo;
      hi = ahi ^ mhi;
    } else {
      lo = alo & mlo;
      hi = ahi & mhi;
    }
    if (!sf) hi = 0;
    c.xlo[d] = lo;
    c.xhi[d] = hi;
    if (opc === 3) setLogicFlags(c, lo, sf ? hi : lo, sf === 1);
    return next;
  };
}

export function setLogicFlags(c: { nf: number; zf: number; cf: number; vf: number }, lo: number, top: number, is64: boolean): void {
  c.nf = top >>> 31;
  c.zf = (is64 ? lo | top : lo) === 0 ? 1 : 0;
  c.cf = 0;
  c.vf = 0;
}

function decodeMoveWide(w: number, next: number): Op {
  const sf = w >>> 31;
  const opc = (w >>> 29) & 3;
  const hw = (w >>> 21) & 3;
  if (opc === 1 || (!sf && hw >= 2)) return undefinedOp(w);
  const imm = (w >>> 5) & 0xffff;
  const d = wz(w & 31);
  const shift = hw * 16;
  if (opc === 3) {
    const half = shift >= 32 ? 1 : 0;
    const sh = shift & 31;
    const keep = ~(0xffff << sh);
    const ins = imm << sh;
    return (c) => {
      if (half) c.xhi[d] = (c.xhi[d]! & keep) | ins;
      else c.xlo[d] = (c.xlo[d]! & keep) | ins;
      if (!sf) c.xhi[d] = 0;
      return next;
    };
  }
  let lo = shift < 32 ? imm << shift : 0;
  let hi = shift >= 32 ? imm << (shift - 32) : 0;
  if (opc === 0) {
    lo = ~lo;
    hi = sf ? ~hi : 0;
  }
  return (c) => {
    c.xlo[d] = lo;
    c.xhi[d] = hi;
    return next;
  };
}

function decodeBitfield(w: number, next: number): Op {
  const sf = w >>> 31;
  const opc = (w >>> 29) & 3;
  const nBit = (w >>> 22) & 1;
  const immr = (w >>> 16) & 63;
  const imms = (w >>> 10) & 63;
  if (opc === 3 || nBit !== sf || (!sf && (immr > 31 || imms > 31))) return undefinedOp(w);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  const size = sf ? 64 : 32;
  // Field: source bits [r, s] moved to bit 0 when s >= r; else source bits [0, s] moved to bit size-r.
  const srcShiftRight = imms >= immr ? immr : 0;
  const width = imms >= immr ? imms - immr + 1 : imms + 1;
  const dstPos = imms >= immr ? 0 : size - immr;
  mask64(width);
  const flo = R[0]!;
  const fhi = R[1]!;
  shift64(flo, fhi, 0, dstPos);
  const dmlo = R[0]!;
  const dmhi = sf ? R[1]! : 0;
  const topBit = dstPos + width - 1;
  return (c) => {
    shift64(c.xlo[n]!, sf ? c.xhi[n]! : 0, 1, srcShiftRight);
    let lo = R[0]! & flo;
    let hi = R[1]! & fhi;
    shift64(lo, hi, 0, dstPos);
    lo = R[0]!;
    hi = sf ? R[1]! : 0;
    if (opc === 1) {
      lo = (c.xlo[d]! & ~dmlo) | lo;
      hi = sf ? (c.xhi[d]! & ~dmhi) | hi : 0;
    } else if (opc === 0 && topBit < size - 1) {
      // SBFM: replicate the field's top bit above it.
      const neg = topBit >= 32 ? (hi >>> (topBit - 32)) & 1 : (lo >>> topBit) & 1;
      if (neg) {
        shift64(-1, -1, 0, topBit + 1);
        lo |= R[0]!;
        hi = sf ? hi | R[1]! : 0;
      }
    }
    c.xlo[d] = lo;
    c.xhi[d] = hi;
    return next;
  };
}

function decodeExtract(w: number, next: number): Op {
  const sf = w >>> 31;
  const lsb = (w >>> 10) & 63;
  if (((w >>> 29) & 3) !== 0 || ((w >>> 22) & 1) !== sf || (w >>> 21) & 1 || (!sf && lsb > 31)) return undefinedOp(w);
  const m = rz((w >>> 16) & 31);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  if (!sf) {
    return (c) => {
      const lo = c.xlo[m]!;
      const hi = c.xlo[n]!;
      c.xlo[d] = lsb === 0 ? lo : (lo >>> lsb) | (hi << (32 - lsb));
      c.xhi[d] = 0;
      return next;
    };
  }
  return (c) => {
    // (Xn:Xm) >> lsb: low part from Xm shifted right, high part from Xn shifted left.
    shift64(c.xlo[m]!, c.xhi[m]!, 1, lsb);
    const lo = R[0]!;
    const hi = R[1]!;
    shift64(c.xlo[n]!, c.xhi[n]!, 0, lsb === 0 ? 0 : 64 - lsb);
    if (lsb === 0) {
      c.xlo[d] = lo;
      c.xhi[d] = hi;
    } else {
      c.xlo[d] = lo | R[0]!;
      c.xhi[d] = hi | R[1]!;
    }
    return next;
  };
}
