// Advanced SIMD floating point on .2s/.4s/.2d lanes: the three-same arithmetic and compares
// (FADD, FSUB, FMUL, FDIV, FMAX/FMIN(NM), FABD, FADDP, FMLA/FMLS, FCMEQ/FCMGE/FCMGT,
// FACGE/FACGT) and the two-register misc group (FABS, FNEG, FSQRT, FRINT*, FCVT*S/U, SCVTF/
// UCVTF, compares with zero). Same NaN rules and FPSR flags as the scalar unit (fp.ts).
import type { A64Cpu } from './cpu';
import { R as R$ } from './bits';
import { fmaStatus as fmaStatus$, fusedMulAdd as fusedMulAdd$ } from './fma';
import { FPSR_DZC as FPSR_DZC$, FPSR_IOC as FPSR_IOC$, roundInt as roundInt$, roundWithFlags as roundWithFlags$ } from './fp-value';
import { fpToInt as fpToInt$ } from './fp-convert';
import type { Op } from './op';
import { undefinedOp as undefinedOp$ } from './op';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const R = R$;
const fmaStatus = fmaStatus$;
const fusedMulAdd = fusedMulAdd$;
const FPSR_IOC = FPSR_IOC$;
const FPSR_DZC = FPSR_DZC$;
const roundInt = roundInt$;
const roundWithFlags = roundWithFlags$;
const fpToInt = fpToInt$;
const undefinedOp = undefinedOp$;

const f64 = new Float64Array(1);
const f64u = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const f32u = new Uint32Array(f32.buffer);

/** Lane as a number (single lanes widen exactly to double). */
function lane(c: A64Cpu, r: number, dbl: boolean, e: number): number {
  return dbl ? c.vf64[r * 2 + e]! : c.vf32[r * 4 + e]!;
}

/** Raw bits of a lane: [hi, lo] for doubles, [bits, 0] for singles. */
function laneBits(c: A64Cpu, r: number, dbl: boolean, e: number): [number, number] {
  return dbl ? [c.vu32[r * 4 + e * 2 + 1]!, c.vu32[r * 4 + e * 2]!] : [c.vu32[r * 4 + e]!, 0];
}

type Lane = { v: number; hi: number; lo: number };

/** NaN result for lane operands in priority order, or undefined when none is a NaN. */
function nanResult(c: A64Cpu, dbl: boolean, ops: Lane[]): [number, number] | undefined {
  const quiet = dbl ? 0x00080000 : 0x00400000;
  let q: Lane | undefined;
  for (const o of ops) {
    if (!Number.isNaN(o.v)) continue;
    if ((o.hi & quiet) === 0) {
      c.fpsr |= FPSR_IOC;
      return (c.fpcr >>> 25) & 1 ? defaultNaN(dbl) : [(o.hi | quiet) >>> 0, o.lo];
    }
    q ??= o;
  }
  if (!q) return undefined;
  return (c.fpcr >>> 25) & 1 ? defaultNaN(dbl) : [q.hi >>> 0, q.lo];
}

function defaultNaN(dbl: boolean): [number, number] {
  return dbl ? [0x7ff80000, 0] : [0x7fc00000, 0];
}

function valueBits(v: number, dbl: boolean): [number, number] {
  if (Number.isNaN(v)) return defaultNaN(dbl);
  if (dbl) {
    f64[0] = v;
    return [f64u[1]!, f64u[0]!];
  }
  f32[0] = v;
  return [f32u[0]!, 0];
}

function getLaneObj(c: A64Cpu, r: number, dbl: boolean, e: number): Lane {
  const [hi, lo] = laneBits(c, r, dbl, e);
  return { v: lane(c, r, dbl, e), hi, lo };
}

function store(c: A64Cpu, out: [number, number][], d: number, dbl: boolean, q: number): void {
  out.forEach(([hi, lo], e) => {
    if (dbl) {
      c.vu32[d * 4 + e * 2] = lo;
      c.vu32[d * 4 + e * 2 + 1] = hi;
    } else c.vu32[d * 4 + e] = hi;
  });
  if (!q) {
    c.vu32[d * 4 + 2] = 0;
    c.vu32[d * 4 + 3] = 0;
  }
}

type Arith = (a: number, b: number) => number;
const sz = (dbl: boolean): 2 | 3 => (dbl ? 3 : 2);

function arith(c: A64Cpu, dbl: boolean, x: Lane, y: Lane, f: Arith, exactCheck: boolean): [number, number] {
  const nan = nanResult(c, dbl, [x, y]);
  if (nan) return nan;
  const r = f(x.v, y.v);
  if (f === DIV && y.v === 0 && x.v !== 0 && Number.isFinite(x.v)) {
    c.fpsr |= FPSR_DZC;
    return valueBits(r, dbl);
  }
  if (Number.isNaN(r)) {
    c.fpsr |= FPSR_IOC;
    return defaultNaN(dbl);
  }
  // Singles: the double result of one add/sub/mul/div of singles rounds correctly to single.
  const rounded = roundWithFlags(c, r, !exactCheck || Number.isFinite(r) === false || exactDouble(x.v, y.v, r, f), Number.isFinite(x.v) && Number.isFinite(y.v), sz(dbl));
  return valueBits(rounded, dbl);
}

/** Whether r is exactly f(a, b): recompute with fusedMulAdd-style exact arithmetic where it matters. */
function exactDouble(a: number, b: number, r: number, f: Arith): boolean {
  if (f === ADD) return fusedMulAdd(a, 1, b, 3) === r && !fmaStatus.inexact;
  if (f === SUB) return fusedMulAdd(a, 1, -b, 3) === r && !fmaStatus.inexact;
  if (f === MUL) return fusedMulAdd(a, b, 0, 3) === r && !fmaStatus.inexact;
  if (f === DIV) return !Number.isFinite(b) || a === 0 || (b !== 0 && fusedMulAdd(r, b, -a, 3) === 0 && !fmaStatus.inexact);
  return true;
}

const ADD: Arith = (a, b) => a + b;
const SUB: Arith = (a, b) => a - b;
const MUL: Arith = (a, b) => a * b;
const DIV: Arith = (a, b) => a / b;
const MAX: Arith = (a, b) => (a === 0 && b === 0 ? (Object.is(a, -0) && Object.is(b, -0) ? -0 : 0) : a > b ? a : b);
const MIN: Arith = (a, b) => (a === 0 && b === 0 ? (Object.is(a, -0) || Object.is(b, -0) ? -0 : 0) : a < b ? a : b);

type LaneOp3 = (c: A64Cpu, x: Lane, y: Lane, acc: Lane) => [number, number];

/** The per-lane operation of a vector FP three-same instruction, and whether it is pairwise. */
function threeSameLane(u: number, a: number, dbl: boolean, opcode: number): { per: LaneOp3; pairwise: boolean } | undefined {
  const key = (u << 6) | (a << 5) | opcode;
  let per: LaneOp3 | undefined;
  let pairwise = false;
  const cmp = (t: (x: number, y: number) => boolean) => (c: A64Cpu, x: Lane, y: Lane): [number, number] => {
    if (Number.isNaN(x.v) || Number.isNaN(y.v)) {
      const snan = (o: Lane): boolean => Number.isNaN(o.v) && (o.hi & (dbl ? 0x00080000 : 0x00400000)) === 0;
      if (opcode !== 0x1c || u || snan(x) || snan(y)) c.fpsr |= FPSR_IOC; // FCMEQ is quiet
      return [0, 0];
    }
    return t(x.v, y.v) ? [0xffffffff, 0xffffffff] : [0, 0];
  };
  const nm = (f: Arith) => (c: A64Cpu, x: Lane, y: Lane): [number, number] => {
    const qbit = dbl ? 0x00080000 : 0x00400000;
    if (Number.isNaN(x.v) !== Number.isNaN(y.v)) {
      const nanL = Number.isNaN(x.v) ? x : y;
      if (nanL.hi & qbit) return valueBits(Number.isNaN(x.v) ? y.v : x.v, dbl);
    }
    return arith(c, dbl, x, y, f, false);
  };
  switch (key) {
    case 0x1a: per = (c, x, y) => arith(c, dbl, x, y, ADD, true); break;
    case 0x3a: per = (c, x, y) => arith(c, dbl, x, y, SUB, true); break;
    case 0x5b: per = (c, x, y) => arith(c, dbl, x, y, MUL, true); break;
    case 0x5f: per = (c, x, y) => arith(c, dbl, x, y, DIV, true); break;
    case 0x1e: per = (c, x, y) => arith(c, dbl, x, y, MAX, false); break;
    case 0x3e: per = (c, x, y) => arith(c, dbl, x, y, MIN, false); break;
    case 0x18: per = nm(MAX); break;
    case 0x38: per = nm(MIN); break;
    case 0x7a: per = (c, x, y) => { const r = arith(c, dbl, x, y, SUB, true); r[0] &= dbl ? 0x7fffffff : 0x7fffffff; return r; }; break;
    case 0x5a: per = (c, x, y) => arith(c, dbl, x, y, ADD, true); pairwise = true; break;
    case 0x1c: per = cmp((x, y) => x === y); break;
    case 0x5c: per = cmp((x, y) => x >= y); break;
    case 0x7c: per = cmp((x, y) => x > y); break;
    case 0x5d: per = cmp((x, y) => Math.abs(x) >= Math.abs(y)); break;
    case 0x7d: per = cmp((x, y) => Math.abs(x) > Math.abs(y)); break;
    case 0x19:
    case 0x39: {
      const neg = key === 0x39;
      per = (c, x, y, acc) => {
        const xn: Lane = neg ? { v: -x.v, hi: (x.hi ^ 0x80000000) >>> 0, lo: x.lo } : x;
        if (Number.isNaN(acc.v) && ((x.v === 0 && Math.abs(y.v) === Infinity) || (y.v === 0 && Math.abs(x.v) === Infinity))) {
          c.fpsr |= FPSR_IOC;
          return defaultNaN(dbl);
        }
        const nan = nanResult(c, dbl, [acc, xn, y]);
        if (nan) return nan;
        const r = fusedMulAdd(xn.v, y.v, acc.v, sz(dbl));
        if (Number.isNaN(r)) {
          c.fpsr |= FPSR_IOC;
          return defaultNaN(dbl);
        }
        return valueBits(roundWithFlags(c, r, !fmaStatus.inexact, Number.isFinite(xn.v) && Number.isFinite(y.v) && Number.isFinite(acc.v), sz(dbl)), dbl);
      };
      break;
    }
  }
  return per ? { per, pairwise } : undefined;
}

export function decodeSimdFpThreeSame(w: number, next: number, mOverride?: number): Op {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const a = (w >>> 23) & 1;
  const dbl = ((w >>> 22) & 1) === 1;
  const opcode = (w >>> 11) & 31;
  const m = mOverride ?? (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (dbl && !q) return undefinedOp(w);
  const lanes = dbl ? 2 : q ? 4 : 2;
  const op = threeSameLane(u, a, dbl, opcode);
  if (!op) return undefinedOp(w);
  const { per: f, pairwise } = op;
  return (c) => {
    const out: [number, number][] = [];
    for (let e = 0; e < lanes; e++) {
      let x: Lane;
      let y: Lane;
      if (pairwise) {
        const src = e < lanes / 2 ? n : m;
        const k = (e % (lanes / 2)) * 2;
        x = getLaneObj(c, src, dbl, k);
        y = getLaneObj(c, src, dbl, k + 1);
      } else {
        x = getLaneObj(c, n, dbl, e);
        y = getLaneObj(c, m, dbl, e);
      }
      out.push(f(c, x, y, getLaneObj(c, d, dbl, e)));
    }
    store(c, out, d, dbl, q);
    return next;
  };
}

type LaneOp1 = (c: A64Cpu, x: Lane) => [number, number];

/** The per-lane operation of a vector FP two-register misc instruction. */
function twoMiscLane(u: number, a: number, dbl: boolean, opcode: number): LaneOp1 | undefined {
  const bits = dbl ? 64 : 32;
  const key = (u << 6) | (a << 5) | opcode;
  let per: LaneOp1 | undefined;
  const cmpZero = (t: (x: number) => boolean) => (c: A64Cpu, x: Lane): [number, number] => {
    if (Number.isNaN(x.v)) {
      // FCMEQ is a quiet compare: only a signalling NaN raises IOC.
      const signalling = (x.hi & (dbl ? 0x00080000 : 0x00400000)) === 0;
      if ((opcode & 3) !== 1 || u || signalling) c.fpsr |= FPSR_IOC;
      return [0, 0];
    }
    return t(x.v) ? [0xffffffff, 0xffffffff] : [0, 0];
  };
  const rint = (mode: number, exact: boolean) => (c: A64Cpu, x: Lane): [number, number] => {
    const nan = nanResult(c, dbl, [x]);
    if (nan) return nan;
    const md = mode < 0 ? (c.fpcr >>> 22) & 3 : mode;
    const r = roundInt(x.v, md);
    if (exact && r !== x.v) c.fpsr |= 16;
    return valueBits(r, dbl);
  };
  const toInt = (mode: number, signed: boolean) => (c: A64Cpu, x: Lane): [number, number] => {
    fpToInt(c, x.v, mode, signed, bits);
    return dbl ? [R[1]! >>> 0, R[0]! >>> 0] : [R[0]! >>> 0, 0];
  };
  const fromInt = (signed: boolean) => (c: A64Cpu, x: Lane): [number, number] => {
    const v = dbl ? (signed ? (x.hi | 0) : x.hi >>> 0) * 4294967296 + (x.lo >>> 0) : signed ? x.hi | 0 : x.hi >>> 0;
    const big = dbl ? (BigInt(signed ? x.hi | 0 : x.hi >>> 0) << 32n) | BigInt(x.lo >>> 0) : BigInt(v);
    const exact = Math.abs(v) < 2 ** 53 || BigInt(v) === big;
    return valueBits(roundWithFlags(c, v, exact, true, sz(dbl)), dbl);
  };
  switch (key) {
    case 0x2c: per = cmpZero((x) => x > 0); break;
    case 0x2d: per = cmpZero((x) => x === 0); break;
    case 0x2e: per = cmpZero((x) => x < 0); break;
    case 0x6c: per = cmpZero((x) => x >= 0); break;
    case 0x6d: per = cmpZero((x) => x <= 0); break;
    case 0x2f: per = (_c, x) => [(x.hi & 0x7fffffff) >>> 0, x.lo]; break;
    case 0x6f: per = (_c, x) => [(x.hi ^ 0x80000000) >>> 0, x.lo]; break;
    case 0x7f:
      per = (c, x) => {
        const nan = nanResult(c, dbl, [x]);
        if (nan) return nan;
        const r = Math.sqrt(x.v);
        if (Number.isNaN(r)) {
          c.fpsr |= FPSR_IOC;
          return defaultNaN(dbl);
        }
        const exact = fusedMulAdd(r, r, -x.v, 3) === 0 && !fmaStatus.inexact;
        return valueBits(roundWithFlags(c, r, exact || !Number.isFinite(r), Number.isFinite(x.v), sz(dbl)), dbl);
      };
      break;
    case 0x18: per = rint(0, false); break;
    case 0x19: per = rint(2, false); break;
    case 0x38: per = rint(1, false); break;
    case 0x39: per = rint(3, false); break;
    case 0x58: per = rint(4, false); break;
    case 0x59: per = rint(-1, true); break;
    case 0x79: per = rint(-1, false); break;
    case 0x1a: per = toInt(0, true); break;
    case 0x1b: per = toInt(2, true); break;
    case 0x1c: per = toInt(4, true); break;
    case 0x3a: per = toInt(1, true); break;
    case 0x3b: per = toInt(3, true); break;
    case 0x5a: per = toInt(0, false); break;
    case 0x5b: per = toInt(2, false); break;
    case 0x5c: per = toInt(4, false); break;
    case 0x7a: per = toInt(1, false); break;
    case 0x7b: per = toInt(3, false); break;
    case 0x1d: per = fromInt(true); break;
    case 0x5d: per = fromInt(false); break;
  }
  return per;
}

export function decodeSimdFpTwoMisc(w: number, next: number): Op | undefined {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const a = (w >>> 23) & 1;
  const dbl = ((w >>> 22) & 1) === 1;
  const opcode = (w >>> 12) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (opcode < 0x0c || (opcode > 0x0f && opcode < 0x18)) return undefined;
  if (dbl && !q) return undefinedOp(w);
  const lanes = dbl ? 2 : q ? 4 : 2;
  const f = twoMiscLane(u, a, dbl, opcode);
  if (!f) return undefinedOp(w);
  return (c) => {
    const out: [number, number][] = [];
    for (let e = 0; e < lanes; e++) out.push(f(c, getLaneObj(c, n, dbl, e)));
    store(c, out, d, dbl, q);
    return next;
  };
}

/** Keys (u, a, opcode) of the FP conversions and compares-with-zero that also have a scalar form. */
const SCALAR_TWO_MISC = new Set([0x1a, 0x1b, 0x1c, 0x3a, 0x3b, 0x5a, 0x5b, 0x5c, 0x7a, 0x7b, 0x1d, 0x5d, 0x2c, 0x2d, 0x2e, 0x6c, 0x6d]);

/** The scalar forms (FCVTZS Dd, Dn; SCVTF Sd, Sn; FCMEQ Dd, Dn, #0 ...): one lane, the rest of Vd zeroed. */
export function decodeSimdFpScalarTwoMisc(w: number, next: number): Op | undefined {
  const u = (w >>> 29) & 1;
  const a = (w >>> 23) & 1;
  const dbl = ((w >>> 22) & 1) === 1;
  const opcode = (w >>> 12) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (!SCALAR_TWO_MISC.has((u << 6) | (a << 5) | opcode)) return undefined;
  const f = twoMiscLane(u, a, dbl, opcode);
  if (!f) return undefined;
  return (c) => {
    const r = f(c, getLaneObj(c, n, dbl, 0));
    c.vu32.fill(0, d * 4, d * 4 + 4);
    store(c, [r], d, dbl, 0);
    return next;
  };
}
