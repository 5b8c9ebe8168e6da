// Branches, exception generation and system instructions: B/BL, B.cond, CBZ/CBNZ, TBZ/TBNZ,
// BR/BLR/RET, SVC, hints and barriers (no-ops for one in-order CPU), CLREX, DC ZVA and the
// EL0-readable system registers.
import type { A64Cpu } from './cpu';
import { condBranch as condBranch$ } from './cond';
import type { Op } from './op';
import { STOP as STOP$, rz as rz$, sext as sext$, undefinedOp as undefinedOp$, STOP_SYNC as STOP_SYNC$ } from './op';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const condBranch = condBranch$;
const STOP = STOP$;
const STOP_SYNC = STOP_SYNC$;
const rz = rz$;
const sext = sext$;
const undefinedOp = undefinedOp$;

/** DCZID_EL0: DC ZVA zeroes 2^4 words = 64 bytes; DZP clear (allowed). */
export const DCZ_BLOCK_BYTES = 64;
const DCZID_EL0 = 4;
/** CTR_EL0 as a Cortex-A57 reports it (64-byte lines, IDC/DIC clear). */
const CTR_EL0 = 0x8444c004;

function setPair(c: A64Cpu, r: number, v: number): void {
  c.xlo[r] = v % 4294967296 | 0;
  c.xhi[r] = Math.floor(v / 4294967296) | 0;
}

export function decodeBranchSys(w: number, pc: number): Op {
  const next = pc + 4;
  const top = w >>> 29;
  if ((top & 3) === 0 && ((w >>> 26) & 7) === 5) {
    const target = pc + sext(w & 0x3ffffff, 26) * 4;
    if (top === 0) return () => target;
    return (c) => {
      setPair(c, 30, next);
      return target;
    };
  }
  if (top === 2 && ((w >>> 25) & 15) === 10) {
    if ((w >>> 24) & 1 || (w >>> 4) & 1) return undefinedOp(w);
    const target = pc + sext((w >>> 5) & 0x7ffff, 19) * 4;
    return condBranch(w & 15, target, next);
  }
  if ((top & 3) === 1) {
    const sf = w >>> 31;
    const t = rz(w & 31);
    if (((w >>> 25) & 1) === 0) {
      const target = pc + sext((w >>> 5) & 0x7ffff, 19) * 4;
      const nz = (w >>> 24) & 1;
      return (c) => {
        const zero = (c.xlo[t]! | (sf ? c.xhi[t]! : 0)) === 0;
        return zero !== (nz === 1) ? target : next;
      };
    }
    const bit = (sf << 5) | ((w >>> 19) & 31);
    const target = pc + sext((w >>> 5) & 0x3fff, 14) * 4;
    const nz = (w >>> 24) & 1;
    const half = bit >= 32;
    const sh = bit & 31;
    return (c) => {
      const b = ((half ? c.xhi[t]! : c.xlo[t]!) >>> sh) & 1;
      return b === nz ? target : next;
    };
  }
  if (top === 6) {
    if (((w >>> 24) & 3) === 0) return decodeException(w);
    if (((w >>> 22) & 15) === 4) return decodeSystem(w, next);
    if ((w >>> 25) & 1) return decodeBranchReg(w, next);
  }
  return undefinedOp(w);
}

function decodeException(w: number): Op {
  if (((w & 0xffe0001f) >>> 0) === 0xd4000001) {
    const imm = (w >>> 5) & 0xffff;
    return (c) => c.raiseSvc(imm);
  }
  return undefinedOp(w); // BRK/HLT/HVC/SMC: the kernel turns them into a signal
}

function decodeBranchReg(w: number, next: number): Op {
  const opc = (w >>> 21) & 15;
  if (((w >>> 16) & 31) !== 31 || ((w >>> 10) & 63) !== 0 || (w & 31) !== 0 || opc > 2) return undefinedOp(w);
  const n = rz((w >>> 5) & 31);
  if (opc === 1) {
    return (c) => {
      const target = (c.xhi[n]! >>> 0) * 4294967296 + (c.xlo[n]! >>> 0);
      setPair(c, 30, next);
      return target;
    };
  }
  return (c) => (c.xhi[n]! >>> 0) * 4294967296 + (c.xlo[n]! >>> 0);
}

function decodeSystem(w: number, next: number): Op {
  const l = (w >>> 21) & 1;
  const op0 = (w >>> 19) & 3;
  const t = w & 31;
  if (op0 === 0) {
    const crn = (w >>> 12) & 15;
    const op2 = (w >>> 5) & 7;
    if (l === 0 && ((w >>> 16) & 7) === 3 && t === 31) {
      if (crn === 2) return () => next; // hints: NOP, YIELD, WFE, WFI, SEV, PACIASP, BTI...
      if (crn === 3) {
        if (op2 === 2) {
          return (c) => {
            c.monitorAddr = -1;
            return next;
          };
        }
        return () => next; // DSB, DMB, ISB, SB
      }
    }
    return undefinedOp(w);
  }
  if (op0 === 1) {
    // SYS: DC ZVA zeroes a block; cache maintenance (DC CVAU/CIVAC, IC IVAU) is a no-op here.
    const key = (w >>> 5) & 0x3fff;
    if (l === 0 && key === ((3 << 11) | (7 << 7) | (4 << 3) | 1)) return dcZva(rz(t), next);
    if (l === 0 && ((w >>> 12) & 15) === 7 && ((w >>> 16) & 7) === 3) return () => next;
    return undefinedOp(w);
  }
  const key = (w >>> 5) & 0xffff;
  return l ? decodeMrs(w, key, rz(t) === 32 ? 33 : t, next) : decodeMsr(w, key, rz(t), next);
}

function dcZva(t: number, next: number): Op {
  return (c) => {
    const a = (c.xhi[t]! >>> 0) * 4294967296 + (c.xlo[t]! >>> 0);
    const base = a - (a % DCZ_BLOCK_BYTES);
    if (!c.probeWrite(base, DCZ_BLOCK_BYTES)) return STOP;
    for (let k = 0; k < DCZ_BLOCK_BYTES; k += 8) c.st64(base + k, 0, 0);
    return next;
  };
}

const sysreg = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

const NZCV = sysreg(3, 3, 4, 2, 0);
const FPCR = sysreg(3, 3, 4, 4, 0);
const FPSR = sysreg(3, 3, 4, 4, 1);
const TPIDR_EL0 = sysreg(3, 3, 13, 0, 2);
const TPIDRRO_EL0 = sysreg(3, 3, 13, 0, 3);
const CNTVCT = sysreg(3, 3, 14, 0, 2);
const CNTFRQ = sysreg(3, 3, 14, 0, 0);
const DCZID = sysreg(3, 0 + 3, 0, 0, 7);
const CTR = sysreg(3, 3, 0, 0, 1);

function decodeMrs(w: number, key: number, t: number, next: number): Op {
  let read: ((c: A64Cpu) => void) | undefined;
  const lo32 = (c: A64Cpu, v: number): void => {
    c.xlo[t] = v;
    c.xhi[t] = 0;
  };
  switch (key) {
    case NZCV:
      read = (c) => lo32(c, c.nzcv);
      break;
    case FPCR:
      read = (c) => lo32(c, c.fpcr);
      break;
    case FPSR:
      read = (c) => lo32(c, c.fpsr);
      break;
    case TPIDR_EL0:
      read = (c) => {
        c.xlo[t] = c.tpidrLo;
        c.xhi[t] = c.tpidrHi;
      };
      break;
    case TPIDRRO_EL0:
      read = (c) => lo32(c, 0);
      break;
    case CNTVCT:
      return (c) => {
        if (!c.timeSynced) {
          c.stopReason = STOP_SYNC;
          return STOP;
        }
        c.timeSynced = false;
        setPair(c, t, c.time.cntvct());
        return next;
      };
    case CNTFRQ:
      read = (c) => lo32(c, c.time.cntfrqHz);
      break;
    case DCZID:
      read = (c) => lo32(c, DCZID_EL0);
      break;
    case CTR:
      read = (c) => lo32(c, CTR_EL0);
      break;
  }
  if (!read) return undefinedOp(w); // e.g. MIDR_EL1: HWCAP_CPUID is not advertised
  const f = read;
  return (c) => {
    f(c);
    return next;
  };
}

function decodeMsr(w: number, key: number, t: number, next: number): Op {
  switch (key) {
    case NZCV:
      return (c) => {
        c.nzcv = c.xlo[t]!;
        return next;
      };
    case FPCR:
      return (c) => {
        c.fpcr = c.xlo[t]! & 0x07ff9f00;
        return next;
      };
    case FPSR:
      return (c) => {
        c.fpsr = c.xlo[t]! & 0xf800009f;
        return next;
      };
    case TPIDR_EL0:
      return (c) => {
        c.tpidrLo = c.xlo[t]!;
        c.tpidrHi = c.xhi[t]!;
        return next;
      };
    default:
      return undefinedOp(w);
  }
}
