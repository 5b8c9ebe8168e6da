// Advanced SIMD and FP data processing dispatch, plus the data-movement groups: DUP/INS/
// UMOV/SMOV, MOVI/MVNI/ORR/BIC/FMOV (vector immediate), ZIP/UZP/TRN, EXT and TBL/TBX.
// Arithmetic groups are in simd-arith.ts, scalar FP in fp.ts.
import type { A64Cpu } from './cpu';
import { expandFpImm as expandFpImm$, decodeFpScalar as decodeFpScalar$ } from './fp';
import type { Op } from './op';
import { rz as rz$, undefinedOp as undefinedOp$, wz as wz$ } from './op';
import { decodeAcross as decodeAcross$, decodeShiftImm as decodeShiftImm$, decodeThreeSame as decodeThreeSame$, decodeTwoMisc as decodeTwoMisc$, decodeScalarPairwise as decodeScalarPairwise$ } from './simd-arith';
import { clearHigh as clearHigh$, copyReg as copyReg$ } from './vlane';
import { decodeThreeDiff as decodeThreeDiff$ } from './simd-widen';
import { decodeByElement as decodeByElement$ } from './simd-element';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const expandFpImm = expandFpImm$;
const decodeFpScalar = decodeFpScalar$;
const rz = rz$;
const undefinedOp = undefinedOp$;
const decodeThreeDiff = decodeThreeDiff$;
const decodeByElement = decodeByElement$;
const wz = wz$;
const decodeAcross = decodeAcross$;
const decodeShiftImm = decodeShiftImm$;
const decodeThreeSame = decodeThreeSame$;
const decodeTwoMisc = decodeTwoMisc$;
const decodeScalarPairwise = decodeScalarPairwise$;
const clearHigh = clearHigh$;
const copyReg = copyReg$;

export function decodeSimdDp(w: number, next: number): Op {
  const b28 = (w >>> 28) & 1;
  if (b28) {
    if (((w >>> 30) & 1) === 0) return decodeFpScalar(w, next);
    if (w >>> 31) return undefinedOp(w);
    return decodeScalarSimd(w, next);
  }
  if (w >>> 31) return undefinedOp(w);
  return decodeVectorSimd(w, next);
}

function decodeVectorSimd(w: number, next: number): Op {
  const b2824 = (w >>> 24) & 31;
  if (b2824 === 15) {
    if (((w >>> 10) & 1) === 0) return decodeByElement(w, next);
    return ((w >>> 19) & 15) === 0 ? decodeModImm(w, next) : decodeShiftImm(w, next, false);
  }
  if (b2824 !== 14) return undefinedOp(w);
  if ((w >>> 21) & 1) {
    if ((w >>> 10) & 1) return decodeThreeSame(w, next, false);
    if (((w >>> 10) & 3) === 2) {
      const sel = (w >>> 17) & 15;
      if (sel === 0) return decodeTwoMisc(w, next, false);
      if (sel === 8) return decodeAcross(w, next);
    }
    if (((w >>> 10) & 3) === 0) return decodeThreeDiff(w, next);
    return undefinedOp(w);
  }
  const u = (w >>> 29) & 1;
  if (((w >>> 21) & 7) === 0 && !u && ((w >>> 15) & 1) === 0 && ((w >>> 10) & 1) === 1) return decodeCopy(w, next);
  if (u && ((w >>> 21) & 7) === 0 && ((w >>> 15) & 1) === 0 && ((w >>> 10) & 1) === 1) return decodeInsElement(w, next);
  if (!u && ((w >>> 10) & 3) === 2 && ((w >>> 15) & 1) === 0) return decodePermute(w, next);
  if (u && ((w >>> 22) & 3) === 0 && ((w >>> 15) & 1) === 0 && ((w >>> 10) & 1) === 0) return decodeExt(w, next);
  if (!u && ((w >>> 22) & 3) === 0 && ((w >>> 10) & 3) === 0 && ((w >>> 15) & 1) === 0) return decodeTbl(w, next);
  return undefinedOp(w);
}

function decodeScalarSimd(w: number, next: number): Op {
  const b2824 = (w >>> 24) & 31;
  if (b2824 === 31) return ((w >>> 10) & 1) && ((w >>> 19) & 15) !== 0 ? decodeShiftImm(w, next, true) : undefinedOp(w);
  if (b2824 !== 30) return undefinedOp(w);
  if ((w >>> 21) & 1) {
    if ((w >>> 10) & 1) return decodeThreeSame(w, next, true);
    if (((w >>> 10) & 3) === 2) {
      const sel = (w >>> 17) & 15;
      if (sel === 0) return decodeTwoMisc(w, next, true);
      if (sel === 8) return decodeScalarPairwise(w, next);
    }
    return undefinedOp(w);
  }
  if (((w >>> 21) & 7) === 0 && ((w >>> 29) & 1) === 0 && ((w >>> 11) & 15) === 0 && ((w >>> 10) & 1) === 1) {
    // DUP (element), scalar form: MOV Vd, Vn.T[i]
    const imm5 = (w >>> 16) & 31;
    const size = imm5 === 0 ? 4 : 31 - Math.clz32(imm5 & -imm5);
    if (size > 3) return undefinedOp(w);
    const esize = 1 << size;
    const index = imm5 >>> (size + 1);
    const n = (w >>> 5) & 31;
    const d = w & 31;
    return (c) => {
      const v = c.vu8.slice(n * 16 + index * esize, n * 16 + index * esize + esize);
      c.vu8.fill(0, d * 16, d * 16 + 16);
      c.vu8.set(v, d * 16);
      return next;
    };
  }
  return undefinedOp(w);
}

function decodeCopy(w: number, next: number): Op {
  const q = (w >>> 30) & 1;
  const imm5 = (w >>> 16) & 31;
  const imm4 = (w >>> 11) & 15;
  const size = imm5 === 0 ? 4 : 31 - Math.clz32(imm5 & -imm5);
  if (size > 3) return undefinedOp(w);
  const esize = 1 << size;
  const index = imm5 >>> (size + 1);
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const bytes = q ? 16 : 8;
  switch (imm4) {
    case 0: // DUP (element)
      if (size === 3 && !q) return undefinedOp(w);
      return (c) => {
        const v = c.vu8.slice(n * 16 + index * esize, n * 16 + index * esize + esize);
        for (let o = 0; o < bytes; o += esize) c.vu8.set(v, d * 16 + o);
        if (!q) clearHigh(c, d);
        return next;
      };
    case 1: {
      // DUP (general)
      if (size === 3 && !q) return undefinedOp(w);
      const rn = rz(n);
      return (c) => {
        const lo = c.xlo[rn]!;
        const hi = c.xhi[rn]!;
        for (let o = 0; o < bytes; o += esize) writeBytes(c, d * 16 + o, esize, lo, hi);
        if (!q) clearHigh(c, d);
        return next;
      };
    }
    case 3: {
      // INS (general)
      const rn = rz(n);
      return (c) => {
        writeBytes(c, d * 16 + index * esize, esize, c.xlo[rn]!, c.xhi[rn]!);
        return next;
      };
    }
    case 5:
    case 7: {
      // SMOV / UMOV
      const isSigned = imm4 === 5;
      if ((isSigned && (size === 3 || (size === 2 && !q))) || (!isSigned && (q ? size !== 3 : size === 3))) return undefinedOp(w);
      const rd = wz(d);
      return (c) => {
        const at = n * 16 + index * esize;
        if (size === 3) {
          c.xlo[rd] = c.vu32[at >>> 2]!;
          c.xhi[rd] = c.vu32[(at >>> 2) + 1]!;
          return next;
        }
        let v = size === 0 ? c.vu8[at]! : size === 1 ? c.vu16[at >>> 1]! : c.vu32[at >>> 2]!;
        if (isSigned) {
          const s = 32 - (8 << size);
          v = s === 0 ? v | 0 : (v << s) >> s;
          c.xlo[rd] = v;
          c.xhi[rd] = q ? v >> 31 : 0;
        } else {
          c.xlo[rd] = v;
          c.xhi[rd] = 0;
        }
        return next;
      };
    }
    default:
      return undefinedOp(w);
  }
}

function writeBytes(c: A64Cpu, at: number, esize: number, lo: number, hi: number): void {
  for (let k = 0; k < esize; k++) c.vu8[at + k] = k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4));
}

function decodeInsElement(w: number, next: number): Op {
  if (((w >>> 30) & 1) === 0) return undefinedOp(w);
  const imm5 = (w >>> 16) & 31;
  const imm4 = (w >>> 11) & 15;
  const size = imm5 === 0 ? 4 : 31 - Math.clz32(imm5 & -imm5);
  if (size > 3) return undefinedOp(w);
  const esize = 1 << size;
  const dst = imm5 >>> (size + 1);
  const src = imm4 >>> size;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  return (c) => {
    c.vu8.copyWithin(d * 16 + dst * esize, n * 16 + src * esize, n * 16 + src * esize + esize);
    return next;
  };
}

/** AdvSIMDExpandImm as [lo32, hi32]. */
export function expandSimdImm(op: number, cmode: number, imm8: number): [number, number] | undefined {
  const rep32 = (v: number): [number, number] => [v >>> 0, v >>> 0];
  switch (cmode >>> 1) {
    case 0:
    case 1:
    case 2:
    case 3:
      return rep32(imm8 << (8 * (cmode >>> 1)));
    case 4:
    case 5: {
      const h = imm8 << (8 * ((cmode >>> 1) & 1));
      return rep32((h << 16) | h);
    }
    case 6:
      return rep32(cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff);
    default:
      if ((cmode & 1) === 0 && op === 0) return rep32(imm8 * 0x01010101);
      if ((cmode & 1) === 0) {
        let lo = 0;
        let hi = 0;
        for (let b = 0; b < 8; b++) {
          if ((imm8 >>> b) & 1) {
            if (b < 4) lo |= 0xff << (8 * b);
            else hi |= 0xff << (8 * (b - 4));
          }
        }
        return [lo >>> 0, hi >>> 0];
      }
      if (op === 0) {
        const f = new Float32Array([expandFpImm(imm8)]);
        return rep32(new Uint32Array(f.buffer)[0]!);
      }
      {
        const f = new Float64Array([expandFpImm(imm8)]);
        const u = new Uint32Array(f.buffer);
        return [u[0]!, u[1]!];
      }
  }
}

function decodeModImm(w: number, next: number): Op {
  const q = (w >>> 30) & 1;
  const op = (w >>> 29) & 1;
  const cmode = (w >>> 12) & 15;
  if ((w >>> 11) & 1) return undefinedOp(w); // o2: FMOV half precision
  const imm8 = (((w >>> 16) & 7) << 5) | ((w >>> 5) & 31);
  const imm = expandSimdImm(op, cmode, imm8);
  if (!imm || (cmode === 15 && op === 1 && !q)) return undefinedOp(w);
  const d = w & 31;
  const isOrrBic = cmode < 12 && (cmode & 1) === 1;
  const invert = op === 1 && cmode !== 14 && cmode !== 15;
  const lo = invert ? ~imm[0] : imm[0];
  const hi = invert ? ~imm[1] : imm[1];
  return (c) => {
    const i = d * 4;
    for (let k = 0; k < (q ? 4 : 2); k += 2) {
      if (isOrrBic) {
        // op 0: ORR; op 1: BIC (with the inverted immediate: AND)
        if (op) {
          c.vu32[i + k] &= lo;
          c.vu32[i + k + 1] &= hi;
        } else {
          c.vu32[i + k] |= lo;
          c.vu32[i + k + 1] |= hi;
        }
      } else {
        c.vu32[i + k] = lo;
        c.vu32[i + k + 1] = hi;
      }
    }
    if (!q) clearHigh(c, d);
    return next;
  };
}

function decodePermute(w: number, next: number): Op {
  const q = (w >>> 30) & 1;
  const size = (w >>> 22) & 3;
  const opc = (w >>> 12) & 7;
  if (opc === 0 || opc === 4 || (size === 3 && !q)) return undefinedOp(w);
  const m = (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const esize = 1 << size;
  const elems = (q ? 16 : 8) / esize;
  const half = elems / 2;
  const part = opc >>> 2; // 0: *1, 1: *2
  const kind = opc & 3; // 1 UZP, 2 TRN, 3 ZIP
  return (c) => {
    const a = copyReg(c, n);
    const b = copyReg(c, m);
    const out = new Uint8Array(16);
    const put = (e: number, src: Uint8Array, se: number): void => out.set(src.subarray(se * esize, se * esize + esize), e * esize);
    for (let e = 0; e < elems; e++) {
      if (kind === 1) {
        const se = 2 * (e % half) + part;
        put(e, e < half ? a : b, se);
      } else if (kind === 2) {
        const pair = e >>> 1;
        put(e, e & 1 ? b : a, 2 * pair + part);
      } else {
        const base = part * half;
        put(e, e & 1 ? b : a, base + (e >>> 1));
      }
    }
    c.vu8.set(out, d * 16);
    return next;
  };
}

function decodeExt(w: number, next: number): Op {
  const q = (w >>> 30) & 1;
  const imm4 = (w >>> 11) & 15;
  if (!q && imm4 > 7) return undefinedOp(w);
  const m = (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const bytes = q ? 16 : 8;
  return (c) => {
    const cat = new Uint8Array(2 * bytes);
    cat.set(c.vu8.subarray(n * 16, n * 16 + bytes), 0);
    cat.set(c.vu8.subarray(m * 16, m * 16 + bytes), bytes);
    c.vu8.set(cat.subarray(imm4, imm4 + bytes), d * 16);
    if (!q) clearHigh(c, d);
    return next;
  };
}

function decodeTbl(w: number, next: number): Op {
  const q = (w >>> 30) & 1;
  const m = (w >>> 16) & 31;
  const len = ((w >>> 13) & 3) + 1;
  const tbx = ((w >>> 12) & 1) === 1;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  const bytes = q ? 16 : 8;
  return (c) => {
    const table = new Uint8Array(16 * len);
    for (let k = 0; k < len; k++) table.set(c.vu8.subarray(((n + k) & 31) * 16, ((n + k) & 31) * 16 + 16), 16 * k);
    const idx = copyReg(c, m);
    for (let e = 0; e < bytes; e++) {
      const i = idx[e]!;
      if (i < table.length) c.vu8[d * 16 + e] = table[i]!;
      else if (!tbx) c.vu8[d * 16 + e] = 0;
    }
    if (!q) clearHigh(c, d);
    return next;
  };
}
