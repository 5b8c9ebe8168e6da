// Advanced SIMD structure loads and stores: LD1..LD4/ST1..ST4 (multiple structures, all
// arrangements, interleaved), the single-lane forms and LD1R..LD4R, with post-index by
// immediate or register. Element order follows the architecture's pseudocode.
import type { A64Cpu } from './cpu';
import type { Op } from './op';
import { STOP as STOP$, rz as rz$, undefinedOp as undefinedOp$, STOP_NONE as STOP_NONE$ } from './op';
import { addToReg as addToReg$, baseAddr as baseAddr$ } from './addr';
// Imported bindings copied to locals: module loaders may turn imports into getters, too slow per instruction.
const STOP = STOP$;
const rz = rz$;
const undefinedOp = undefinedOp$;
const STOP_NONE = STOP_NONE$;
const addToReg = addToReg$;
const baseAddr = baseAddr$;

// opcode -> [registers, structure elements] for multiple-structure forms.
const MULTI: Record<number, [number, number]> = {
  0: [4, 4],
  2: [4, 1],
  4: [3, 3],
  6: [3, 1],
  7: [1, 1],
  8: [2, 2],
  10: [2, 1],
};

function lane(c: A64Cpu, load: boolean, a: number, v: number, e: number, esize: number): boolean {
  const at = (v & 31) * 16 + e * esize;
  if (load) {
    const tmp = new Uint8Array(esize);
    for (let k = 0; k < esize; k++) {
      tmp[k] = c.ld8(a + k);
      if (c.stopReason !== STOP_NONE) return false;
    }
    c.vu8.set(tmp, at);
    return true;
  }
  for (let k = 0; k < esize; k++) c.st8(a + k, c.vu8[at + k]!);
  return c.stopReason === STOP_NONE;
}

export function decodeSimdStruct(w: number, next: number): Op {
  if ((w >>> 31) & 1) return undefinedOp(w);
  const q = (w >>> 30) & 1;
  const post = ((w >>> 23) & 1) === 1;
  const single = ((w >>> 24) & 1) === 1;
  const load = ((w >>> 22) & 1) === 1;
  const m = (w >>> 16) & 31;
  const opcode = (w >>> 12) & 15;
  const size = (w >>> 10) & 3;
  const n = (w >>> 5) & 31;
  const t = w & 31;
  if (!post && m !== 0) return undefinedOp(w);
  const body = single ? singleBody(w, q, load, (w >>> 13) & 7, size, t) : multiBody(q, load, opcode, size, t);
  if (!body) return undefinedOp(w);
  const { run, bytes } = body;
  const mr = rz(m);
  return (c) => {
    const a = baseAddr(c, n);
    if (!load && !c.probeWrite(a, bytes)) return STOP;
    if (!run(c, a)) return STOP;
    if (post) {
      if (m === 31) addToReg(c, n, bytes);
      else addToReg(c, n, c.xhi[mr]! * 4294967296 + (c.xlo[mr]! >>> 0));
    }
    return next;
  };
}

interface Body {
  run: (c: A64Cpu, a: number) => boolean;
  bytes: number;
}

function multiBody(q: number, load: boolean, opcode: number, size: number, t: number): Body | undefined {
  const shape = MULTI[opcode];
  if (!shape || (size === 3 && q === 0 && shape[1] !== 1)) return undefined;
  const [rpt0, selem] = shape;
  const rpt = selem === 1 ? rpt0 : 1;
  const esize = 1 << size;
  const elems = (q ? 16 : 8) / esize;
  const bytes = rpt * selem * elems * esize;
  const run = (c: A64Cpu, a: number): boolean => {
    // Probe first so a fault leaves the registers untouched.
    if (load && !c.probeRead(a, bytes)) return false;
    let off = 0;
    for (let r = 0; r < rpt; r++) {
      for (let e = 0; e < elems; e++) {
        for (let s = 0; s < selem; s++) {
          if (!lane(c, load, a + off, t + r + s, e, esize)) return false;
          off += esize;
        }
      }
    }
    if (load && !q) for (let r = 0; r < rpt * selem; r++) c.vu8.fill(0, ((t + r) & 31) * 16 + 8, ((t + r) & 31) * 16 + 16);
    return true;
  };
  return { run, bytes };
}

function singleBody(w: number, q: number, load: boolean, opcode: number, size: number, t: number): Body | undefined {
  const selem = (((opcode & 1) << 1) | ((w >>> 21) & 1)) + 1;
  const s = (w >>> 12) & 1;
  let scale = opcode >>> 1;
  let index = 0;
  const replicate = scale === 3;
  if (replicate) {
    if (!load || s) return undefined;
    scale = size;
  } else if (scale === 0) {
    index = (q << 3) | (s << 2) | size;
  } else if (scale === 1) {
    if (size & 1) return undefined;
    index = (q << 2) | (s << 1) | (size >>> 1);
  } else {
    if (size > 1 || (size === 1 && s)) return undefined;
    if (size === 0) index = (q << 1) | s;
    else {
      scale = 3;
      index = q;
    }
  }
  const esize = 1 << scale;
  const bytes = selem * esize;
  const run = (c: A64Cpu, a: number): boolean => {
    if (!replicate) {
      for (let k = 0; k < selem; k++) if (!lane(c, load, a + k * esize, t + k, index, esize)) return false;
      return true;
    }
    for (let k = 0; k < selem; k++) {
      if (!lane(c, true, a + k * esize, t + k, 0, esize)) return false;
      const base = ((t + k) & 31) * 16;
      const lanes = (q ? 16 : 8) / esize;
      for (let e = 1; e < lanes; e++) c.vu8.copyWithin(base + e * esize, base, base + esize);
      if (!q) c.vu8.fill(0, base + 8, base + 16);
    }
    return true;
  };
  return { run, bytes };
}
