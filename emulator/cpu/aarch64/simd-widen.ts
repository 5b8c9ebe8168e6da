// Advanced SIMD "three different" group: widening and narrowing arithmetic — [SU]ADDL(2),
// [SU]ADDW(2), [SU]SUBL(2), [SU]SUBW(2), ADDHN/SUBHN(2) and rounding forms, [SU]ABAL/[SU]ABDL,
// [SU]MLAL/[SU]MLSL, [SU]MULL(2). Lanes go through BigInt (results may be 64 bits wide).
import type { A64Cpu } from './cpu';
import type { Op } from './op';
import { undefinedOp as undefinedOp$ } from './op';
import { getLane as getLane$, getLane64 as getLane64$, setLane as setLane$, setLane64 as setLane64$ } from './vlane';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const undefinedOp = undefinedOp$;
const getLane = getLane$;
const getLane64 = getLane64$;
const setLane = setLane$;
const setLane64 = setLane64$;

function read(c: A64Cpu, r: number, size: number, e: number, signed: boolean): bigint {
  const bits = 8 << size;
  const raw = size === 3 ? getLane64(c, r, e) : BigInt(getLane(c, r, size, e));
  return signed ? BigInt.asIntN(bits, raw) : raw;
}

function write(c: A64Cpu, r: number, size: number, e: number, v: bigint): void {
  if (size === 3) setLane64(c, r, e, BigInt.asUintN(64, v));
  else setLane(c, r, size, e, Number(BigInt.asUintN(8 << size, v)));
}

export function decodeThreeDiff(w: number, next: number, mOverride?: number): Op {
  const q = (w >>> 30) & 1;
  const u = (w >>> 29) & 1;
  const size = (w >>> 22) & 3;
  const opcode = (w >>> 12) & 15;
  const m = mOverride ?? (w >>> 16) & 31;
  const n = (w >>> 5) & 31;
  const d = w & 31;
  if (size === 3) return undefinedOp(w);
  const lanes = 8 >>> size; // wide results per instruction
  const half = q ? lanes : 0; // "2" forms take the upper half of narrow sources
  const signed = u === 0;
  const wide = size + 1;
  const narrowHalf = opcode === 4 || opcode === 6;
  let f: ((a: bigint, b: bigint, acc: bigint) => bigint) | undefined;
  let wideN = false; // Vn is already wide (W forms, HN forms)
  let wideM = false;
  switch (opcode) {
    case 0: f = (a, b) => a + b; break;
    case 1: f = (a, b) => a + b; wideN = true; break;
    case 2: f = (a, b) => a - b; break;
    case 3: f = (a, b) => a - b; wideN = true; break;
    case 4:
    case 6: {
      const sub = opcode === 6;
      const round = u === 1 ? 1n << BigInt((8 << size) - 1) : 0n;
      f = (a, b) => ((sub ? a - b : a + b) + round) >> BigInt(8 << size);
      wideN = true;
      wideM = true;
      break;
    }
    case 5: f = (a, b, acc) => acc + (a > b ? a - b : b - a); break;
    case 7: f = (a, b) => (a > b ? a - b : b - a); break;
    case 8: f = (a, b, acc) => acc + a * b; break;
    case 10: f = (a, b, acc) => acc - a * b; break;
    case 12: f = (a, b) => a * b; break;
  }
  if (!f) return undefinedOp(w);
  const fn = f;
  const accumulate = opcode === 5 || opcode === 8 || opcode === 10;
  return (c) => {
    const out: bigint[] = [];
    for (let e = 0; e < lanes; e++) {
      const a = wideN ? read(c, n, wide, e, !narrowHalf && signed) : read(c, n, size, e + half, signed);
      const b = wideM ? read(c, m, wide, e, false) : read(c, m, size, e + half, signed);
      const acc = accumulate ? read(c, d, wide, e, false) : 0n;
      out.push(fn(narrowHalf ? BigInt.asUintN(16 << size, a) : a, b, acc));
    }
    if (narrowHalf) {
      out.forEach((v, e) => write(c, d, size, e + half, v));
      if (!q) {
        c.vu32[d * 4 + 2] = 0;
        c.vu32[d * 4 + 3] = 0;
      }
    } else out.forEach((v, e) => write(c, d, wide, e, v));
    return next;
  };
}
