// Top-level A64 decode: the op0 field (bits 28:25) picks the instruction class.
import { decodeBranchSys as decodeBranchSys$ } from './branch';
import { decodeDpImm as decodeDpImm$ } from './dp-imm';
import { decodeDpReg as decodeDpReg$ } from './dp-reg';
import { decodeLoadStore as decodeLoadStore$ } from './ldst';
import type { Op } from './op';
import { undefinedOp as undefinedOp$ } from './op';
import { decodeSimdDp as decodeSimdDp$ } from './simd';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const decodeBranchSys = decodeBranchSys$;
const decodeDpImm = decodeDpImm$;
const decodeDpReg = decodeDpReg$;
const decodeLoadStore = decodeLoadStore$;
const undefinedOp = undefinedOp$;
const decodeSimdDp = decodeSimdDp$;

export function decode(word: number, pc: number): Op {
  const w = word >>> 0;
  const op0 = (w >>> 25) & 15;
  if ((op0 & 14) === 8) return decodeDpImm(w, pc);
  if ((op0 & 14) === 10) return decodeBranchSys(w, pc);
  if ((op0 & 5) === 4) return decodeLoadStore(w, pc);
  if ((op0 & 7) === 5) return decodeDpReg(w, pc);
  if ((op0 & 7) === 7) return decodeSimdDp(w, pc + 4);
  return undefinedOp(w);
}
