// Loads and stores of general and FP/SIMD registers: single register (unsigned offset,
// unscaled, pre/post-index, register offset with extend/shift), literal, and pairs (incl.
// LDPSW and LDNP/STNP). Exclusives, atomics and SIMD structures are in ldst-excl.ts and
// ldst-simd.ts. Addresses are JS numbers: user addresses are < 2^48, so they are exact.
import type { A64Cpu } from './cpu';
import { R as R$ } from './bits';
import { extendReg as extendReg$ } from './dp-reg';
import type { Op } from './op';
import { STOP as STOP$, rz as rz$, sext as sext$, undefinedOp as undefinedOp$, wz as wz$, STOP_NONE as STOP_NONE$ } from './op';
import { addToReg as addToReg$, baseAddr as baseAddr$ } from './addr';
import { decodeExclusive as decodeExclusive$, decodeAtomic as decodeAtomic$ } from './ldst-excl';
import { decodeSimdStruct as decodeSimdStruct$ } from './ldst-simd';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const R = R$;
const extendReg = extendReg$;
const STOP = STOP$;
const rz = rz$;
const sext = sext$;
const undefinedOp = undefinedOp$;
const wz = wz$;
const STOP_NONE = STOP_NONE$;
const addToReg = addToReg$;
const baseAddr = baseAddr$;
const decodeExclusive = decodeExclusive$;
const decodeAtomic = decodeAtomic$;
const decodeSimdStruct = decodeSimdStruct$;

const TWO32 = 4294967296;

/** Kind of transfer: integer size 0..3 with extension, or an FP/SIMD register of 1..16 bytes. */
interface Xfer {
  load: boolean;
  vector: boolean;
  sizeLog: number; // log2 bytes
  signed: boolean; // sign-extend the loaded value
  to64: boolean; // sign-extend into 64 bits (else 32, upper zeroed)
  prefetch: boolean;
}

function xferOf(w: number): Xfer | undefined {
  const size = w >>> 30;
  const vector = ((w >>> 26) & 1) === 1;
  const opc = (w >>> 22) & 3;
  if (vector) {
    const sizeLog = ((opc & 2) << 1) | size;
    if (sizeLog > 4) return undefined;
    return { load: (opc & 1) === 1, vector, sizeLog, signed: false, to64: false, prefetch: false };
  }
  if (opc < 2) return { load: opc === 1, vector, sizeLog: size, signed: false, to64: size === 3, prefetch: false };
  if (size === 3) return opc === 2 ? { load: true, vector, sizeLog: 3, signed: false, to64: true, prefetch: true } : undefined;
  if (size === 2 && opc === 3) return undefined;
  return { load: true, vector, sizeLog: size, signed: true, to64: opc === 2, prefetch: false };
}

/** Perform the transfer at address a for register t. Returns false if it faulted. */
function transfer(c: A64Cpu, x: Xfer, t: number, a: number): boolean {
  if (x.prefetch) return true;
  if (x.vector) {
    const bytes = 1 << x.sizeLog;
    if (x.load) {
      c.ldV(a, bytes, t, 0);
      if (c.stopReason !== STOP_NONE) return false;
      c.vu8.fill(0, t * 16 + bytes, t * 16 + 16);
    } else {
      c.stV(a, bytes, t, 0);
    }
    return c.stopReason === STOP_NONE;
  }
  if (!x.load) {
    c.stSized(a, x.sizeLog, c.xlo[t]!, c.xhi[t]!);
    return c.stopReason === STOP_NONE;
  }
  c.ldSized(a, x.sizeLog);
  if (c.stopReason !== STOP_NONE) return false;
  let lo = c.rlo;
  let hi = c.rhi;
  if (x.signed) {
    const sh = 32 - (8 << x.sizeLog);
    if (sh > 0) lo = (lo << sh) >> sh;
    hi = x.to64 ? lo >> 31 : 0;
  }
  c.xlo[t] = lo;
  c.xhi[t] = hi;
  return true;
}

export function decodeLoadStore(w: number, pc: number): Op {
  const next = pc + 4;
  const b2928 = (w >>> 28) & 3;
  if (b2928 === 0) {
    if ((w >>> 26) & 1) return decodeSimdStruct(w, next);
    return decodeExclusive(w, next);
  }
  if (b2928 === 1) return decodeLiteral(w, pc);
  if (b2928 === 2) return decodePair(w, next);
  if ((w >>> 24) & 1) return decodeSingle(w, next, 'uimm');
  if (((w >>> 21) & 1) === 0) {
    const mode = (w >>> 10) & 3;
    if (mode === 2) return undefinedOp(w); // LDTR/STTR: unprivileged forms are not used at EL0 by libc
    return decodeSingle(w, next, mode === 0 ? 'unscaled' : mode === 1 ? 'post' : 'pre');
  }
  const op4 = (w >>> 10) & 3;
  if (op4 === 2) return decodeSingle(w, next, 'reg');
  if (op4 === 0) return decodeAtomic(w, next);
  return undefinedOp(w);
}

type Mode = 'uimm' | 'unscaled' | 'post' | 'pre' | 'reg';

function decodeSingle(w: number, next: number, mode: Mode): Op {
  const x = xferOf(w);
  if (!x) return undefinedOp(w);
  const n = (w >>> 5) & 31;
  const t = x.vector ? w & 31 : x.load ? wz(w & 31) : rz(w & 31);
  if (mode === 'uimm') {
    const off = ((w >>> 10) & 0xfff) << x.sizeLog;
    return singleUimm(x, n, t, off, next);
  }
  if (mode === 'reg') {
    const option = (w >>> 13) & 7;
    if ((option & 2) === 0) return undefinedOp(w);
    const m = rz((w >>> 16) & 31);
    const amt = (w >>> 12) & 1 ? x.sizeLog : 0;
    return (c) => {
      extendReg(c, m, option, amt);
      const a = baseAddr(c, n) + R[1]! * TWO32 + (R[0]! >>> 0);
      return transfer(c, x, t, a) ? next : STOP;
    };
  }
  const imm = sext((w >>> 12) & 0x1ff, 9);
  if (mode === 'unscaled') return (c) => (transfer(c, x, t, baseAddr(c, n) + imm) ? next : STOP);
  const post = mode === 'post';
  return (c) => {
    const base = baseAddr(c, n);
    if (!transfer(c, x, t, post ? base : base + imm)) return STOP;
    addToReg(c, n, imm);
    return next;
  };
}

function singleUimm(x: Xfer, n: number, t: number, off: number, next: number): Op {
  if (!x.vector && !x.signed && !x.prefetch) {
    if (x.sizeLog === 3 && x.load) {
      return (c) => {
        c.ld64(c.xhi[n]! * TWO32 + (c.xlo[n]! >>> 0) + off);
        if (c.stopReason !== STOP_NONE) return STOP;
        c.xlo[t] = c.rlo;
        c.xhi[t] = c.rhi;
        return next;
      };
    }
    if (x.sizeLog === 3) {
      return (c) => {
        c.st64(c.xhi[n]! * TWO32 + (c.xlo[n]! >>> 0) + off, c.xlo[t]!, c.xhi[t]!);
        return c.stopReason !== STOP_NONE ? STOP : next;
      };
    }
    if (x.sizeLog === 0 && x.load) {
      return (c) => {
        const v = c.ld8(c.xhi[n]! * TWO32 + (c.xlo[n]! >>> 0) + off);
        if (c.stopReason !== STOP_NONE) return STOP;
        c.xlo[t] = v;
        c.xhi[t] = 0;
        return next;
      };
    }
  }
  return (c) => (transfer(c, x, t, baseAddr(c, n) + off) ? next : STOP);
}

function decodeLiteral(w: number, pc: number): Op {
  const next = pc + 4;
  const opc = w >>> 30;
  const vector = ((w >>> 26) & 1) === 1;
  const a = pc + sext((w >>> 5) & 0x7ffff, 19) * 4;
  const t = vector ? w & 31 : wz(w & 31);
  let x: Xfer;
  if (vector) {
    if (opc === 3) return undefinedOp(w);
    x = { load: true, vector, sizeLog: opc + 2, signed: false, to64: false, prefetch: false };
  } else if (opc === 3) {
    return () => next; // PRFM (literal)
  } else {
    x = { load: true, vector, sizeLog: opc === 1 ? 3 : 2, signed: opc === 2, to64: opc === 2, prefetch: false };
  }
  return (c) => (transfer(c, x, t, a) ? next : STOP);
}

function decodePair(w: number, next: number): Op {
  const opc = w >>> 30;
  const vector = ((w >>> 26) & 1) === 1;
  const load = ((w >>> 22) & 1) === 1;
  const mode = (w >>> 23) & 3; // 0 no-allocate offset, 1 post, 2 offset, 3 pre
  if (opc === 3) return undefinedOp(w);
  let x: Xfer;
  if (vector) {
    x = { load, vector, sizeLog: opc + 2, signed: false, to64: false, prefetch: false };
  } else {
    if (opc === 1 && (!load || mode === 0)) return undefinedOp(w); // STGP / LDNP with opc 01
    x = { load, vector, sizeLog: opc === 2 ? 3 : 2, signed: opc === 1, to64: opc === 1, prefetch: false };
  }
  const bytes = 1 << x.sizeLog;
  const imm = sext((w >>> 15) & 0x7f, 7) * bytes;
  const n = (w >>> 5) & 31;
  const t1 = vector ? w & 31 : load ? wz(w & 31) : rz(w & 31);
  const t2f = (w >>> 10) & 31;
  const t2 = vector ? t2f : load ? wz(t2f) : rz(t2f);
  const wb = mode === 1 || mode === 3;
  const post = mode === 1;
  if (!vector && x.sizeLog === 3 && !wb) {
    return load ? ldp64(n, t1, t2, imm, next) : stp64(n, t1, t2, imm, next);
  }
  return (c) => {
    const base = baseAddr(c, n);
    const a = post ? base : base + imm;
    if (load) {
      // Load both into scratch first so a fault on the second leaves the registers untouched.
      if (!pairLoad(c, x, t1, t2, a)) return STOP;
    } else {
      if (!c.probeWrite(a, 2 * bytes)) return STOP;
      transfer(c, x, t1, a);
      transfer(c, x, t2, a + bytes);
    }
    if (wb) addToReg(c, n, imm);
    return next;
  };
}

function pairLoad(c: A64Cpu, x: Xfer, t1: number, t2: number, a: number): boolean {
  if (x.vector) {
    const bytes = 1 << x.sizeLog;
    const tmp = new Uint8Array(2 * bytes);
    for (let k = 0; k < 2 * bytes; k += 4) {
      const v = c.ld32(a + k);
      if (c.stopReason !== STOP_NONE) return false;
      tmp[k] = v;
      tmp[k + 1] = v >>> 8;
      tmp[k + 2] = v >>> 16;
      tmp[k + 3] = v >>> 24;
    }
    c.vu8.fill(0, t1 * 16, t1 * 16 + 16);
    c.vu8.set(tmp.subarray(0, bytes), t1 * 16);
    c.vu8.fill(0, t2 * 16, t2 * 16 + 16);
    c.vu8.set(tmp.subarray(bytes), t2 * 16);
    return true;
  }
  c.ldSized(a + (1 << x.sizeLog), x.sizeLog);
  if (c.stopReason !== STOP_NONE) return false;
  const lo2 = c.rlo;
  const hi2 = c.rhi;
  if (!transfer(c, x, t1, a)) return false;
  c.xlo[t2] = x.signed ? lo2 : lo2;
  c.xhi[t2] = x.signed ? lo2 >> 31 : hi2;
  return true;
}

function ldp64(n: number, t1: number, t2: number, imm: number, next: number): Op {
  return (c) => {
    const a = c.xhi[n]! * TWO32 + (c.xlo[n]! >>> 0) + imm;
    c.ld64(a + 8);
    if (c.stopReason !== STOP_NONE) return STOP;
    const lo2 = c.rlo;
    const hi2 = c.rhi;
    c.ld64(a);
    if (c.stopReason !== STOP_NONE) return STOP;
    c.xlo[t1] = c.rlo;
    c.xhi[t1] = c.rhi;
    c.xlo[t2] = lo2;
    c.xhi[t2] = hi2;
    return next;
  };
}

function stp64(n: number, t1: number, t2: number, imm: number, next: number): Op {
  return (c) => {
    const a = c.xhi[n]! * TWO32 + (c.xlo[n]! >>> 0) + imm;
    if ((a & 4095) > 4080 && !c.probeWrite(a, 16)) return STOP;
    c.st64(a, c.xlo[t1]!, c.xhi[t1]!);
    c.st64(a + 8, c.xlo[t2]!, c.xhi[t2]!);
    return c.stopReason !== STOP_NONE ? STOP : next;
  };
}
