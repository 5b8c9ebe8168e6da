// Advanced SIMD "by element" forms: MUL/MLA/MLS, FMUL/FMLA/FMLS and the widening
// [SU]MULL/[SU]MLAL/[SU]MLSL with one operand a single lane of Vm. The lane is broadcast
// into the CPU's hidden scratch register (V32) and the matching vector instruction runs
// with that register as its second operand.
import type { Op } from './op';
import { undefinedOp as undefinedOp$ } from './op';
import { decodeThreeSame as decodeThreeSame$ } from './simd-arith';
import { decodeSimdFpThreeSame as decodeSimdFpThreeSame$ } from './simd-fp';
import { decodeThreeDiff as decodeThreeDiff$ } from './simd-widen';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const undefinedOp = undefinedOp$;
const decodeThreeSame = decodeThreeSame$;
const decodeSimdFpThreeSame = decodeSimdFpThreeSame$;
const decodeThreeDiff = decodeThreeDiff$;

const SCRATCH = 32;

export function decodeByElement(w: number, next: number): Op {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const size = (w >>> 22) & 3;
  const l = (w >>> 21) & 1;
  const mBit = (w >>> 20) & 1;
  const opcode = (w >>> 12) & 15;
  const h = (w >>> 11) & 1;
  const rm4 = (w >>> 16) & 15;
  const fp = opcode === 1 || opcode === 5 || (opcode === 9 && u === 0);
  let index: number;
  let m: number;
  let esize: number;
  if (fp) {
    if (size === 2) [index, esize] = [(h << 1) | l, 4];
    else if (size === 3 && l === 0) [index, esize] = [h, 8];
    else return undefinedOp(w);
    m = (mBit << 4) | rm4;
  } else if (size === 1) {
    [index, esize, m] = [(h << 2) | (l << 1) | mBit, 2, rm4];
  } else if (size === 2) {
    [index, esize, m] = [(h << 1) | l, 4, (mBit << 4) | rm4];
  } else return undefinedOp(w);
  // The equivalent vector instruction (Rm replaced by the scratch register):
  // three-same 0 Q U 01110 size 1 Rm opcode 1 Rn Rd; three-different 0 Q U 01110 size 1 Rm opcode 00 Rn Rd.
  const rnd = w & 0x3ff;
  const vec = (uBit: number, sizeField: number, low: number): number => ((q << 30) | (uBit << 29) | 0x0e200000 | (sizeField << 22) | low | rnd) >>> 0;
  let inner: Op | undefined;
  if (fp) {
    const sz = size & 1;
    if (opcode === 9) inner = decodeSimdFpThreeSame(vec(1, sz, (0x1b << 11) | 0x400), next, SCRATCH); // FMUL
    else inner = decodeSimdFpThreeSame(vec(0, ((opcode === 5 ? 1 : 0) << 1) | sz, (0x19 << 11) | 0x400), next, SCRATCH); // FMLA/FMLS
  } else if (opcode === 8 && !u) inner = decodeThreeSame(vec(0, size, (0x13 << 11) | 0x400), next, false, SCRATCH); // MUL
  else if ((opcode === 0 || opcode === 4) && u) inner = decodeThreeSame(vec(opcode === 4 ? 1 : 0, size, (0x12 << 11) | 0x400), next, false, SCRATCH); // MLA/MLS
  else if (opcode === 2 || opcode === 6 || opcode === 10) {
    const diffOp = opcode === 2 ? 8 : opcode === 6 ? 10 : 12; // [SU]MLAL, [SU]MLSL, [SU]MULL
    inner = decodeThreeDiff(vec(u, size, diffOp << 12), next, SCRATCH);
  }
  if (!inner) return undefinedOp(w);
  const run = inner;
  const src = m * 16 + index * esize;
  return (c) => {
    for (let o = 0; o < 16; o += esize) c.vu8.copyWithin(SCRATCH * 16 + o, src, src + esize);
    return run(c);
  };
}
