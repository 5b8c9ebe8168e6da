// Data processing, register: logical and add/sub (shifted and extended register), ADC/SBC,
// conditional compare and select, the 1- and 2-source group (REV/CLZ/RBIT, shifts by register,
// division) and the 3-source multiplies.
import type { A64Cpu } from './cpu';
import { R as R$, add32 as add32$, add64 as add64$, clz64 as clz64$, fromBig as fromBig$, mul64 as mul64$, rbit32 as rbit32$, rev16x2 as rev16x2$, rev32 as rev32$, shift32 as shift32$, shift64 as shift64$, toBig as toBig$, toBigSigned as toBigSigned$ } from './bits';
import { setLogicFlags as setLogicFlags$ } from './dp-imm';
import { condHolds as condHolds$, condTest as condTest$ } from './cond';
import type { Op } from './op';
import { rz as rz$, undefinedOp as undefinedOp$, wz as wz$ } from './op';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const R = R$;
const add32 = add32$;
const add64 = add64$;
const clz64 = clz64$;
const fromBig = fromBig$;
const mul64 = mul64$;
const rbit32 = rbit32$;
const rev16x2 = rev16x2$;
const rev32 = rev32$;
const shift32 = shift32$;
const shift64 = shift64$;
const toBig = toBig$;
const toBigSigned = toBigSigned$;
const setLogicFlags = setLogicFlags$;
const condHolds = condHolds$;
const condTest = condTest$;
const rz = rz$;
const undefinedOp = undefinedOp$;
const wz = wz$;

export function decodeDpReg(w: number, pc: number): Op {
  const next = pc + 4;
  if (((w >>> 28) & 1) === 0) {
    if (((w >>> 24) & 1) === 0) return decodeLogicalReg(w, next);
    return (w >>> 21) & 1 ? decodeAddSubExt(w, next) : decodeAddSubShifted(w, next);
  }
  const op2 = (w >>> 21) & 15;
  if (op2 >= 8) return decodeMul(w, next);
  switch (op2) {
    case 0:
      return ((w >>> 10) & 63) === 0 ? decodeAdcSbc(w, next) : undefinedOp(w);
    case 2:
      return decodeCondCompare(w, next);
    case 4:
      return decodeCondSelect(w, next);
    case 6:
      return (w >>> 30) & 1 ? decodeOneSource(w, next) : decodeTwoSource(w, next);
    default:
      return undefinedOp(w);
  }
}

/** Register operand with a constant shift, 64-bit, into R. */
function shiftedOperand64(c: A64Cpu, m: number, type: number, amt: number): void {
  shift64(c.xlo[m]!, c.xhi[m]!, type, amt);
}

function decodeLogicalReg(w: number, next: number): Op {
  const sf = w >>> 31;
  const opc = (w >>> 29) & 3;
  const type = (w >>> 22) & 3;
  const invert = (w >>> 21) & 1 ? -1 : 0;
  const amt = (w >>> 10) & 63;
  if (!sf && amt > 31) return undefinedOp(w);
  const m = rz((w >>> 16) & 31);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  if (sf && opc === 1 && !invert && amt === 0 && n === 32) {
    return (c) => {
      c.xlo[d] = c.xlo[m]!;
      c.xhi[d] = c.xhi[m]!;
      return next;
    };
  }
  if (sf && !invert && opc !== 3 && type <= 1 && amt > 0 && amt < 32) return logical64Shifted(opc, type, amt, n, m, d, next);
  return (c) => {
    let blo: number;
    let bhi: number;
    if (sf) {
      shiftedOperand64(c, m, type, amt);
      blo = R[0]! ^ invert;
      bhi = R[1]! ^ invert;
    } else {
      blo = shift32(c.xlo[m]!, type, amt) ^ invert;
      bhi = 0;
    }
    const alo = c.xlo[n]!;
    const ahi = sf ? c.xhi[n]! : 0;
    let lo: number;
    let hi: number;
    if (opc === 1) {
      lo = alo | blo;
      hi = ahi | bhi;
    } else if (opc === 2) {
      lo = alo ^ blo;
      hi = ahi ^ bhi;
    } else {
      lo = alo & blo;
      hi = ahi & bhi;
    }
    if (!sf) hi = 0;
    c.xlo[d] = lo;
    c.xhi[d] = hi;
    if (opc === 3) setLogicFlags(c, lo, sf ? hi : lo, sf === 1);
    return next;
  };
}

/** AND/ORR/EOR Xd, Xn, Xm, LSL|LSR #1..31 with the shift inlined. */
function logical64Shifted(opc: number, type: number, amt: number, n: number, m: number, d: number, next: number): Op {
  const back = 32 - amt;
  return (c) => {
    const mlo = c.xlo[m]!;
    const mhi = c.xhi[m]!;
    const blo = type === 0 ? mlo << amt : (mlo >>> amt) | (mhi << back);
    const bhi = type === 0 ? (mhi << amt) | (mlo >>> back) : mhi >>> amt;
    if (opc === 2) {
      c.xlo[d] = c.xlo[n]! ^ blo;
      c.xhi[d] = c.xhi[n]! ^ bhi;
    } else if (opc === 1) {
      c.xlo[d] = c.xlo[n]! | blo;
      c.xhi[d] = c.xhi[n]! | bhi;
    } else {
      c.xlo[d] = c.xlo[n]! & blo;
      c.xhi[d] = c.xhi[n]! & bhi;
    }
    return next;
  };
}

function decodeAddSubShifted(w: number, next: number): Op {
  const sf = w >>> 31;
  const sub = (w >>> 30) & 1;
  const flags = ((w >>> 29) & 1) === 1;
  const type = (w >>> 22) & 3;
  const amt = (w >>> 10) & 63;
  if (type === 3 || (!sf && amt > 31)) return undefinedOp(w);
  const m = rz((w >>> 16) & 31);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  if (sf && amt === 0 && !flags && !sub) {
    return (c) => {
      const lo = (c.xlo[n]! >>> 0) + (c.xlo[m]! >>> 0);
      c.xhi[d] = c.xhi[n]! + c.xhi[m]! + (lo >= 4294967296 ? 1 : 0);
      c.xlo[d] = lo;
      return next;
    };
  }
  if (sf && amt === 0 && sub && flags) return subs64(n, m, d, next);
  if (sf) {
    return (c) => {
      shiftedOperand64(c, m, type, amt);
      const blo = sub ? ~R[0]! : R[0]!;
      const bhi = sub ? ~R[1]! : R[1]!;
      add64(c, c.xlo[n]!, c.xhi[n]!, blo, bhi, sub, flags);
      c.xlo[d] = R[0]!;
      c.xhi[d] = R[1]!;
      return next;
    };
  }
  return (c) => {
    const b = shift32(c.xlo[m]!, type, amt);
    c.xlo[d] = add32(c, c.xlo[n]!, sub ? ~b : b, sub, flags);
    c.xhi[d] = 0;
    return next;
  };
}

/** SUBS/CMP Xd, Xn, Xm: the compare of most loops, with the flags computed inline. */
function subs64(n: number, m: number, d: number, next: number): Op {
  return (c) => {
    const ahi = c.xhi[n]!;
    const bhi = c.xhi[m]!;
    const lo = (c.xlo[n]! >>> 0) - (c.xlo[m]! >>> 0);
    const hi = (ahi >>> 0) - (bhi >>> 0) - (lo < 0 ? 1 : 0);
    const rhi = hi | 0;
    const rlo = lo | 0;
    c.nf = rhi >>> 31;
    c.zf = (rlo | rhi) === 0 ? 1 : 0;
    c.cf = hi >= 0 ? 1 : 0;
    c.vf = ((ahi ^ bhi) & (ahi ^ rhi)) >>> 31;
    c.xlo[d] = rlo;
    c.xhi[d] = rhi;
    return next;
  };
}

/** Extend register m by option (UXTB..SXTX) then shift left by `amt` (0..4), into R. */
export function extendReg(c: A64Cpu, m: number, option: number, amt: number): void {
  const lo = c.xlo[m]!;
  let hi = c.xhi[m]!;
  let l = lo;
  switch (option) {
    case 0:
      l = lo & 0xff;
      hi = 0;
      break;
    case 1:
      l = lo & 0xffff;
      hi = 0;
      break;
    case 2:
      hi = 0;
      break;
    case 4:
      l = (lo << 24) >> 24;
      hi = l >> 31;
      break;
    case 5:
      l = (lo << 16) >> 16;
      hi = l >> 31;
      break;
    case 6:
      hi = lo >> 31;
      break;
    default:
      break;
  }
  shift64(l, hi, 0, amt);
}

function decodeAddSubExt(w: number, next: number): Op {
  const sf = w >>> 31;
  const sub = (w >>> 30) & 1;
  const flags = ((w >>> 29) & 1) === 1;
  const option = (w >>> 13) & 7;
  const amt = (w >>> 10) & 7;
  if (amt > 4 || ((w >>> 22) & 3) !== 0) return undefinedOp(w);
  const m = rz((w >>> 16) & 31);
  const n = (w >>> 5) & 31;
  const d = flags ? wz(w & 31) : w & 31;
  return (c) => {
    extendReg(c, m, option, amt);
    const blo = sub ? ~R[0]! : R[0]!;
    const bhi = sub ? ~R[1]! : R[1]!;
    if (sf) {
      add64(c, c.xlo[n]!, c.xhi[n]!, blo, bhi, sub, flags);
      c.xlo[d] = R[0]!;
      c.xhi[d] = R[1]!;
    } else {
      c.xlo[d] = add32(c, c.xlo[n]!, blo, sub, flags);
      c.xhi[d] = 0;
    }
    return next;
  };
}

function decodeAdcSbc(w: number, next: number): Op {
  const sf = w >>> 31;
  const sub = (w >>> 30) & 1;
  const flags = ((w >>> 29) & 1) === 1;
  const m = rz((w >>> 16) & 31);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  return (c) => {
    const blo = sub ? ~c.xlo[m]! : c.xlo[m]!;
    if (sf) {
      const bhi = sub ? ~c.xhi[m]! : c.xhi[m]!;
      add64(c, c.xlo[n]!, c.xhi[n]!, blo, bhi, c.cf, flags);
      c.xlo[d] = R[0]!;
      c.xhi[d] = R[1]!;
    } else {
      c.xlo[d] = add32(c, c.xlo[n]!, blo, c.cf, flags);
      c.xhi[d] = 0;
    }
    return next;
  };
}

function decodeCondCompare(w: number, next: number): Op {
  if ((w >>> 29) & 1 ? false : true) return undefinedOp(w);
  if ((w >>> 10) & 1 || (w >>> 4) & 1) return undefinedOp(w);
  const sf = w >>> 31;
  const sub = (w >>> 30) & 1;
  const isImm = (w >>> 11) & 1;
  const mField = (w >>> 16) & 31;
  const m = rz(mField);
  const cond = (w >>> 12) & 15;
  const n = rz((w >>> 5) & 31);
  const nzcv = w & 15;
  return (c) => {
    if (!condHolds(c, cond)) {
      c.nf = (nzcv >>> 3) & 1;
      c.zf = (nzcv >>> 2) & 1;
      c.cf = (nzcv >>> 1) & 1;
      c.vf = nzcv & 1;
      return next;
    }
    const blo0 = isImm ? mField : c.xlo[m]!;
    const bhi0 = isImm ? 0 : c.xhi[m]!;
    if (sf) add64(c, c.xlo[n]!, c.xhi[n]!, sub ? ~blo0 : blo0, sub ? ~bhi0 : bhi0, sub, true);
    else add32(c, c.xlo[n]!, sub ? ~blo0 : blo0, sub, true);
    return next;
  };
}

function decodeCondSelect(w: number, next: number): Op {
  if ((w >>> 29) & 1 || (w >>> 11) & 1) return undefinedOp(w);
  const sf = w >>> 31;
  const op = (w >>> 30) & 1;
  const op2 = (w >>> 10) & 1;
  const m = rz((w >>> 16) & 31);
  const cond = (w >>> 12) & 15;
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  const holds = condTest(cond);
  if (sf && !op && op2) {
    // CSINC (and its CSET/CINC aliases): the most common select in compiled code.
    return (c) => {
      if (holds(c)) {
        c.xlo[d] = c.xlo[n]!;
        c.xhi[d] = c.xhi[n]!;
      } else {
        const lo = (c.xlo[m]! >>> 0) + 1;
        c.xhi[d] = c.xhi[m]! + (lo >= 4294967296 ? 1 : 0);
        c.xlo[d] = lo;
      }
      return next;
    };
  }
  return (c) => {
    if (holds(c)) {
      c.xlo[d] = c.xlo[n]!;
      c.xhi[d] = sf ? c.xhi[n]! : 0;
      return next;
    }
    let lo = c.xlo[m]!;
    let hi = sf ? c.xhi[m]! : 0;
    if (op) {
      lo = ~lo;
      hi = sf ? ~hi : 0;
    }
    if (op2) {
      // CSINC adds 1 to Rm; CSNEG adds 1 to ~Rm.
      const u = (lo >>> 0) + 1;
      lo = u | 0;
      if (sf && u >= 4294967296) hi = (hi + 1) | 0;
    }
    c.xlo[d] = lo;
    c.xhi[d] = hi;
    return next;
  };
}

function decodeOneSource(w: number, next: number): Op {
  const sf = w >>> 31;
  const opcode = (w >>> 10) & 63;
  if ((w >>> 16) & 31 || (w >>> 29) & 1) return undefinedOp(w);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  type F = (lo: number, hi: number) => void;
  let f: F | undefined;
  switch (opcode) {
    case 0: // RBIT
      f = sf ? (lo, hi) => ((R[0] = rbit32(hi)), (R[1] = rbit32(lo))) : (lo) => ((R[0] = rbit32(lo)), (R[1] = 0));
      break;
    case 1: // REV16
      f = (lo, hi) => ((R[0] = rev16x2(lo)), (R[1] = sf ? rev16x2(hi) : 0));
      break;
    case 2: // REV32 (64) / REV (32)
      f = (lo, hi) => ((R[0] = rev32(lo)), (R[1] = sf ? rev32(hi) : 0));
      break;
    case 3: // REV (64)
      if (sf) f = (lo, hi) => ((R[0] = rev32(hi)), (R[1] = rev32(lo)));
      break;
    case 4: // CLZ
      f = sf ? (lo, hi) => ((R[0] = clz64(lo, hi)), (R[1] = 0)) : (lo) => ((R[0] = Math.clz32(lo)), (R[1] = 0));
      break;
    case 5: // CLS
      f = sf
        ? (lo, hi) => {
            const s = hi >> 31;
            R[0] = clz64(lo ^ s, hi ^ s) - 1;
            R[1] = 0;
          }
        : (lo) => {
            R[0] = Math.clz32(lo ^ (lo >> 31)) - 1;
            R[1] = 0;
          };
      break;
  }
  if (!f) return undefinedOp(w);
  const fn = f;
  return (c) => {
    fn(c.xlo[n]!, c.xhi[n]!);
    c.xlo[d] = R[0]!;
    c.xhi[d] = R[1]!;
    return next;
  };
}

function decodeTwoSource(w: number, next: number): Op {
  const sf = w >>> 31;
  const opcode = (w >>> 10) & 63;
  const m = rz((w >>> 16) & 31);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  if ((w >>> 29) & 1) return undefinedOp(w);
  if (opcode === 2 || opcode === 3) return divOp(sf, opcode === 3, n, m, d, next);
  if (opcode >= 8 && opcode <= 11) {
    const type = opcode - 8;
    return (c) => {
      if (sf) {
        shift64(c.xlo[n]!, c.xhi[n]!, type, c.xlo[m]! & 63);
        c.xlo[d] = R[0]!;
        c.xhi[d] = R[1]!;
      } else {
        c.xlo[d] = shift32(c.xlo[n]!, type, c.xlo[m]! & 31);
        c.xhi[d] = 0;
      }
      return next;
    };
  }
  return undefinedOp(w);
}

function divOp(sf: number, signed: boolean, n: number, m: number, d: number, next: number): Op {
  return (c) => {
    if (!sf) {
      const b = c.xlo[m]!;
      let q = 0;
      if (b !== 0) q = signed ? (c.xlo[n]! === -2147483648 && b === -1 ? -2147483648 : Math.trunc(c.xlo[n]! / b)) : Math.floor((c.xlo[n]! >>> 0) / (b >>> 0));
      c.xlo[d] = q;
      c.xhi[d] = 0;
      return next;
    }
    const a = signed ? toBigSigned(c.xlo[n]!, c.xhi[n]!) : toBig(c.xlo[n]!, c.xhi[n]!);
    const b = signed ? toBigSigned(c.xlo[m]!, c.xhi[m]!) : toBig(c.xlo[m]!, c.xhi[m]!);
    fromBig(b === 0n ? 0n : a / b); // BigInt division truncates; INT64_MIN / -1 wraps back to INT64_MIN
    c.xlo[d] = R[0]!;
    c.xhi[d] = R[1]!;
    return next;
  };
}

function decodeMul(w: number, next: number): Op {
  const sf = w >>> 31;
  const op54 = (w >>> 29) & 3;
  const op31 = (w >>> 21) & 7;
  const o0 = (w >>> 15) & 1;
  const m = rz((w >>> 16) & 31);
  const a = rz((w >>> 10) & 31);
  const n = rz((w >>> 5) & 31);
  const d = wz(w & 31);
  if (op54 !== 0) return undefinedOp(w);
  if (op31 === 0) {
    if (!sf) {
      return (c) => {
        const p = Math.imul(c.xlo[n]!, c.xlo[m]!);
        c.xlo[d] = o0 ? c.xlo[a]! - p : c.xlo[a]! + p;
        c.xhi[d] = 0;
        return next;
      };
    }
    return (c) => {
      mul64(c.xlo[n]!, c.xhi[n]!, c.xlo[m]!, c.xhi[m]!);
      const plo = o0 ? ~R[0]! : R[0]!;
      const phi = o0 ? ~R[1]! : R[1]!;
      add64(c, c.xlo[a]!, c.xhi[a]!, plo, phi, o0, false);
      c.xlo[d] = R[0]!;
      c.xhi[d] = R[1]!;
      return next;
    };
  }
  if (!sf) return undefinedOp(w);
  if (op31 === 1 || op31 === 5) {
    const signed = op31 === 1;
    return (c) => {
      const x = c.xlo[n]!;
      const y = c.xlo[m]!;
      mul64(x, signed ? x >> 31 : 0, y, signed ? y >> 31 : 0);
      const plo = o0 ? ~R[0]! : R[0]!;
      const phi = o0 ? ~R[1]! : R[1]!;
      add64(c, c.xlo[a]!, c.xhi[a]!, plo, phi, o0, false);
      c.xlo[d] = R[0]!;
      c.xhi[d] = R[1]!;
      return next;
    };
  }
  if ((op31 === 2 || op31 === 6) && !o0) {
    const signed = op31 === 2;
    return (c) => {
      const x = signed ? toBigSigned(c.xlo[n]!, c.xhi[n]!) : toBig(c.xlo[n]!, c.xhi[n]!);
      const y = signed ? toBigSigned(c.xlo[m]!, c.xhi[m]!) : toBig(c.xlo[m]!, c.xhi[m]!);
      fromBig((x * y) >> 64n);
      c.xlo[d] = R[0]!;
      c.xhi[d] = R[1]!;
      return next;
    };
  }
  return undefinedOp(w);
}
