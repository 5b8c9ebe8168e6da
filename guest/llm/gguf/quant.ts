// ggml's block formats, bit for bit (ggml-quants.c reference paths):
//   Q8_0: 32 elements per 34-byte block = f16 scale d, then 32 int8 q; x = q * d, d = amax / 127.
//   Q4_0: 32 elements per 18-byte block = f16 scale d, then 16 bytes; element j (0..15) is the low
//         nibble of byte j, element j+16 the high nibble; x = (q - 8) * d, d = max / -8 where max is
//         the element of largest magnitude, with its sign.

import { f16ToF32, f32ToF16 } from './f16';

export const QK = 32;
export const Q8_0_BLOCK_BYTES = 34;
export const Q4_0_BLOCK_BYTES = 18;

/** C's roundf: halves go away from zero (Math.round sends -2.5 to -2). */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function checkLength(n: number): void {
  if (n % QK !== 0) throw new Error(`quant: ${n} elements is not a multiple of ${QK}`);
}

export function quantizeQ8_0(xs: Float32Array): Uint8Array {
  checkLength(xs.length);
  const out = new Uint8Array((xs.length / QK) * Q8_0_BLOCK_BYTES);
  quantizeQ8_0Into(xs, 0, xs.length, out, 0);
  return out;
}

/** Quantizes xs[start, start+n) into `out` at byte `outOffset` (n a multiple of 32). */
export function quantizeQ8_0Into(xs: Float32Array, start: number, n: number, out: Uint8Array, outOffset: number): void {
  let o = outOffset;
  for (let b = start; b < start + n; b += QK) {
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(xs[b + j]!));
    const d = amax / 127;
    const id = d !== 0 ? 1 / d : 0;
    const h = f32ToF16(d);
    out[o] = h & 0xff;
    out[o + 1] = h >>> 8;
    for (let j = 0; j < QK; j++) out[o + 2 + j] = roundHalfAway(Math.fround(xs[b + j]! * id)) & 0xff;
    o += Q8_0_BLOCK_BYTES;
  }
}

export function dequantizeQ8_0(data: Uint8Array, n: number): Float32Array {
  checkLength(n);
  const out = new Float32Array(n);
  for (let b = 0, o = 0; b < n; b += QK, o += Q8_0_BLOCK_BYTES) {
    const d = f16ToF32(data[o]! | (data[o + 1]! << 8));
    for (let j = 0; j < QK; j++) out[b + j] = ((data[o + 2 + j]! << 24) >> 24) * d;
  }
  return out;
}

export function quantizeQ4_0(xs: Float32Array): Uint8Array {
  checkLength(xs.length);
  const out = new Uint8Array((xs.length / QK) * Q4_0_BLOCK_BYTES);
  for (let b = 0, o = 0; b < xs.length; b += QK, o += Q4_0_BLOCK_BYTES) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = xs[b + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = max / -8;
    const id = d !== 0 ? 1 / d : 0;
    const h = f32ToF16(d);
    out[o] = h & 0xff;
    out[o + 1] = h >>> 8;
    for (let j = 0; j < QK / 2; j++) {
      const lo = Math.min(15, Math.trunc(Math.fround(Math.fround(xs[b + j]! * id) + 8.5)));
      const hi = Math.min(15, Math.trunc(Math.fround(Math.fround(xs[b + j + 16]! * id) + 8.5)));
      out[o + 2 + j] = lo | (hi << 4);
    }
  }
  return out;
}

export function dequantizeQ4_0(data: Uint8Array, n: number): Float32Array {
  checkLength(n);
  const out = new Float32Array(n);
  for (let b = 0, o = 0; b < n; b += QK, o += Q4_0_BLOCK_BYTES) {
    const d = f16ToF32(data[o]! | (data[o + 1]! << 8));
    for (let j = 0; j < QK / 2; j++) {
      const byte = data[o + 2 + j]!;
      out[b + j] = ((byte & 0x0f) - 8) * d;
      out[b + j + 16] = ((byte >>> 4) - 8) * d;
    }
  }
  return out;
}
