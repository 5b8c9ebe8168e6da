// Exclusive and ordered accesses: LDXR/STXR (+ acquire/release and pair forms) with a local
// monitor, LDAR/STLR, CAS, and the LSE atomics (LDADD, LDCLR, LDEOR, LDSET, LD{S,U}{MAX,MIN},
// SWP). One CPU runs at a time, so every access here is trivially atomic; the monitor is
// cleared by CLREX, by a store-exclusive, and on each entry to run() (like an exception return).
import type { A64Cpu } from './cpu';
import { R as R$, fromBig as fromBig$, toBig as toBig$ } from './bits';
import type { Op } from './op';
import { STOP as STOP$, rz as rz$, undefinedOp as undefinedOp$, wz as wz$, STOP_NONE as STOP_NONE$ } from './op';
import { baseAddr as baseAddr$ } from './addr';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const R = R$;
const fromBig = fromBig$;
const toBig = toBig$;
const STOP = STOP$;
const rz = rz$;
const undefinedOp = undefinedOp$;
const wz = wz$;
const STOP_NONE = STOP_NONE$;
const baseAddr = baseAddr$;

function aligned(c: A64Cpu, a: number, bytes: number, access: 'r' | 'w'): boolean {
  if (a % bytes === 0) return true;
  c.raiseFault(a, 'unmapped', access, true);
  return false;
}

export function decodeExclusive(w: number, next: number): Op {
  const size = w >>> 30;
  const o2 = (w >>> 23) & 1;
  const load = ((w >>> 22) & 1) === 1;
  const o1 = (w >>> 21) & 1;
  const s = rz((w >>> 16) & 31);
  const t2 = (w >>> 10) & 31;
  const n = (w >>> 5) & 31;
  const tf = w & 31;
  if ((w >>> 24) & 1 || ((w >>> 26) & 3) !== 2) return undefinedOp(w);
  if (o2 === 1 && o1 === 1) return t2 === 31 ? casOp(size, s === 32 ? 33 : (w >>> 16) & 31, rz(tf), n, next) : undefinedOp(w);
  if (o2 === 1) {
    // LDAR/STLR and their LO variants: ordinary accesses on one in-order CPU.
    return (c) => {
      const a = baseAddr(c, n);
      if (!aligned(c, a, 1 << size, load ? 'r' : 'w')) return STOP;
      if (load) {
        c.ldSized(a, size);
        if (c.stopReason !== STOP_NONE) return STOP;
        c.xlo[wz(tf)] = c.rlo;
        c.xhi[wz(tf)] = c.rhi;
      } else {
        c.stSized(a, size, c.xlo[rz(tf)]!, c.xhi[rz(tf)]!);
      }
      return c.stopReason !== STOP_NONE ? STOP : next;
    };
  }
  if (o1 === 1 && size < 2) return undefinedOp(w); // CASP is not implemented (HWCAP_ATOMICS is not advertised)
  const pair = o1 === 1;
  const elem = 1 << size;
  const total = pair ? 2 * elem : elem;
  if (load) {
    return (c) => {
      const a = baseAddr(c, n);
      if (!aligned(c, a, total, 'r')) return STOP;
      c.ldSized(a, size);
      if (c.stopReason !== STOP_NONE) return STOP;
      const lo = c.rlo;
      const hi = c.rhi;
      if (pair) {
        c.ldSized(a + elem, size);
        if (c.stopReason !== STOP_NONE) return STOP;
        c.xlo[wz(t2)] = c.rlo;
        c.xhi[wz(t2)] = c.rhi;
      }
      c.xlo[wz(tf)] = lo;
      c.xhi[wz(tf)] = hi;
      c.monitorAddr = a;
      c.monitorSize = total;
      return next;
    };
  }
  const status = wz((w >>> 16) & 31);
  return (c) => {
    const a = baseAddr(c, n);
    if (!aligned(c, a, total, 'w')) return STOP;
    const ok = c.monitorAddr === a && c.monitorSize === total;
    c.monitorAddr = -1;
    if (ok) {
      if (!c.probeWrite(a, total)) return STOP;
      c.stSized(a, size, c.xlo[rz(tf)]!, c.xhi[rz(tf)]!);
      if (pair) c.stSized(a + elem, size, c.xlo[rz(t2)]!, c.xhi[rz(t2)]!);
    }
    c.xlo[status] = ok ? 0 : 1;
    c.xhi[status] = 0;
    return next;
  };
}

function casOp(size: number, s: number, t: number, n: number, next: number): Op {
  const bits = 8n << BigInt(size);
  const mask = (1n << bits) - 1n;
  return (c) => {
    const a = baseAddr(c, n);
    if (!aligned(c, a, 1 << size, 'w') || !c.probeWrite(a, 1 << size)) return STOP;
    c.ldSized(a, size);
    if (c.stopReason !== STOP_NONE) return STOP;
    const old = toBig(c.rlo, c.rhi);
    if (old === (toBig(c.xlo[s === 33 ? 32 : s]!, c.xhi[s === 33 ? 32 : s]!) & mask)) {
      c.stSized(a, size, c.xlo[t]!, c.xhi[t]!);
    }
    c.xlo[s] = c.rlo;
    c.xhi[s] = c.rhi;
    return next;
  };
}

type AtomicFn = (old: bigint, val: bigint, bits: bigint) => bigint;

const signedOf = (v: bigint, bits: bigint): bigint => BigInt.asIntN(Number(bits), v);

const ATOMIC_OPS: AtomicFn[] = [
  (o, v) => o + v,
  (o, v) => o & ~v,
  (o, v) => o ^ v,
  (o, v) => o | v,
  (o, v, b) => (signedOf(o, b) > signedOf(v, b) ? o : v),
  (o, v, b) => (signedOf(o, b) < signedOf(v, b) ? o : v),
  (o, v) => (o > v ? o : v),
  (o, v) => (o < v ? o : v),
];

export function decodeAtomic(w: number, next: number): Op {
  if ((w >>> 26) & 1) return undefinedOp(w);
  const size = w >>> 30;
  const o3 = (w >>> 15) & 1;
  const opc = (w >>> 12) & 7;
  const s = rz((w >>> 16) & 31);
  const n = (w >>> 5) & 31;
  const t = wz(w & 31);
  if (o3 === 1 && opc !== 0) return undefinedOp(w); // LDAPR and others not provided
  const fn: AtomicFn = o3 === 1 ? (_o, v) => v : ATOMIC_OPS[opc]!;
  const bits = 8n << BigInt(size);
  const mask = (1n << bits) - 1n;
  return (c) => {
    const a = baseAddr(c, n);
    if (!aligned(c, a, 1 << size, 'w') || !c.probeWrite(a, 1 << size)) return STOP;
    c.ldSized(a, size);
    if (c.stopReason !== STOP_NONE) return STOP;
    const oldLo = c.rlo;
    const oldHi = c.rhi;
    const val = toBig(c.xlo[s]!, c.xhi[s]!) & mask;
    fromBig(fn(toBig(oldLo, oldHi), val, bits) & mask);
    c.stSized(a, size, R[0]!, R[1]!);
    c.xlo[t] = oldLo;
    c.xhi[t] = oldHi;
    return next;
  };
}
