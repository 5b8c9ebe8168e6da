// 64-bit integer arithmetic on (lo, hi) int32 pairs: JS has no fast 64-bit integers (BigInt
// allocates), so registers are two int32 halves and these helpers leave results in R.
import type { A64Cpu } from './cpu';

/** Result of the last pair helper: R[0] = low 32 bits, R[1] = high 32 bits. */
export const R = new Int32Array(2);

const TWO32 = 4294967296;

/** a + b + cin (64-bit), setting NZCV when `flags`. */
export function add64(c: A64Cpu, alo: number, ahi: number, blo: number, bhi: number, cin: number, flags: boolean): void {
  const lo = (alo >>> 0) + (blo >>> 0) + cin;
  const c0 = lo >= TWO32 ? 1 : 0;
  const hi = (ahi >>> 0) + (bhi >>> 0) + c0;
  const rhi = hi | 0;
  R[0] = lo | 0;
  R[1] = rhi;
  if (flags) {
    c.nf = rhi >>> 31;
    c.zf = ((lo | 0) | rhi) === 0 ? 1 : 0;
    c.cf = hi >= TWO32 ? 1 : 0;
    c.vf = ((ahi ^ rhi) & (bhi ^ rhi)) >>> 31;
  }
}

/** a + b + cin (32-bit) as int32, setting NZCV when `flags`. */
export function add32(c: A64Cpu, a: number, b: number, cin: number, flags: boolean): number {
  const u = (a >>> 0) + (b >>> 0) + cin;
  const r = u | 0;
  if (flags) {
    c.nf = r >>> 31;
    c.zf = r === 0 ? 1 : 0;
    c.cf = u >= TWO32 ? 1 : 0;
    c.vf = ((a ^ r) & (b ^ r)) >>> 31;
  }
  return r;
}

/** Shift a 64-bit pair: type 0 LSL, 1 LSR, 2 ASR, 3 ROR; amount 0..63. */
export function shift64(lo: number, hi: number, type: number, amt: number): void {
  if (amt === 0) {
    R[0] = lo;
    R[1] = hi;
    return;
  }
  switch (type) {
    case 0:
      if (amt < 32) {
        R[1] = (hi << amt) | (lo >>> (32 - amt));
        R[0] = lo << amt;
      } else {
        R[1] = lo << (amt - 32);
        R[0] = 0;
      }
      return;
    case 1:
      if (amt < 32) {
        R[0] = (lo >>> amt) | (hi << (32 - amt));
        R[1] = hi >>> amt;
      } else {
        R[0] = hi >>> (amt - 32);
        R[1] = 0;
      }
      return;
    case 2:
      if (amt < 32) {
        R[0] = (lo >>> amt) | (hi << (32 - amt));
        R[1] = hi >> amt;
      } else {
        R[0] = hi >> (amt - 32);
        R[1] = hi >> 31;
      }
      return;
    default:
      if (amt === 32) {
        R[0] = hi;
        R[1] = lo;
      } else if (amt < 32) {
        R[0] = (lo >>> amt) | (hi << (32 - amt));
        R[1] = (hi >>> amt) | (lo << (32 - amt));
      } else {
        const s = amt - 32;
        R[0] = (hi >>> s) | (lo << (32 - s));
        R[1] = (lo >>> s) | (hi << (32 - s));
      }
  }
}

/** Shift a 32-bit value: type 0 LSL, 1 LSR, 2 ASR, 3 ROR; amount 0..31. */
export function shift32(v: number, type: number, amt: number): number {
  if (amt === 0) return v | 0;
  switch (type) {
    case 0:
      return v << amt;
    case 1:
      return (v >>> amt) | 0;
    case 2:
      return v >> amt;
    default:
      return (v >>> amt) | (v << (32 - amt));
  }
}

/** Low 64 bits of a * b. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  const a0 = alo & 0xffff;
  const a1 = alo >>> 16;
  const b0 = blo & 0xffff;
  const b1 = blo >>> 16;
  const p00 = a0 * b0;
  const mid = a1 * b0 + a0 * b1; // < 2^33
  const lowFull = p00 + (mid % 65536) * 65536; // < 2^49
  const lo = lowFull % TWO32;
  const carry = Math.floor(lowFull / TWO32) + Math.floor(mid / 65536) + a1 * b1;
  const hi = (carry + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  R[0] = lo | 0;
  R[1] = hi;
}

export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function toBigSigned(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

export function fromBig(v: bigint): void {
  R[0] = Number(v & 0xffffffffn) | 0;
  R[1] = Number((v >> 32n) & 0xffffffffn) | 0;
}

export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

export function rbit32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}

export function rev32(v: number): number {
  return ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
}

export function rev16x2(v: number): number {
  return (((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8)) | 0;
}

/** Mask of the low `width` bits (0..64) as a pair in R. */
export function mask64(width: number): void {
  if (width >= 64) {
    R[0] = -1;
    R[1] = -1;
  } else if (width >= 32) {
    R[0] = -1;
    R[1] = width === 32 ? 0 : -1 >>> (64 - width);
  } else {
    R[0] = width === 0 ? 0 : -1 >>> (32 - width);
    R[1] = 0;
  }
}

/** DecodeBitMasks for logical immediates: returns [wmask, tmask] as bigint, or undefined if reserved. */
export function decodeBitMasks(n: number, imms: number, immr: number, immediate: boolean, dataSize: number): [bigint, bigint] | undefined {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1 && immediate) return undefined;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return undefined;
  const s = imms & levels;
  const r = immr & levels;
  const diff = (s - r) & levels;
  const esize = 1 << len;
  if (esize > dataSize) return undefined;
  const ones = (k: number): bigint => (1n << BigInt(k)) - 1n;
  const emask = ones(esize);
  const welem = ones(s + 1);
  const telem = ones(diff + 1);
  const rorE = (x: bigint, sh: number): bigint => (sh === 0 ? x : ((x >> BigInt(sh)) | (x << BigInt(esize - sh))) & emask);
  const replicate = (x: bigint): bigint => {
    let out = 0n;
    for (let i = 0; i < dataSize; i += esize) out |= x << BigInt(i);
    return out;
  };
  return [replicate(rorE(welem, r)), replicate(telem)];
}
