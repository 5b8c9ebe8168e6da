// Weight matrices prepared for fast, llama.cpp-faithful matrix products.
//
// ggml's CPU backend never multiplies quantized weights by float activations: it first converts
// each activation row to the weight type's "vec_dot_type" — Q8_0 for Q8_0 and Q4_0 weights, F16 for
// F16 weights — and takes integer (or half) dot products. We do the same so our logits sit within
// float-summation-order noise of llama.cpp's. At load time quantized blocks are unpacked into an
// Int8Array of signed values plus a scale per 32-element block (the numerics are unchanged: Q4_0's
// (q - 8) is exactly representable), which keeps the inner loop a plain integer multiply-add.

import { f16ToF32, f32ToF16, roundF16 } from './gguf/f16';
import { QK, Q4_0_BLOCK_BYTES, Q8_0_BLOCK_BYTES, dequantizeQ4_0, dequantizeQ8_0 } from './gguf/quant';
import { GGML_TYPE } from './gguf/types';
import type { GgmlType } from './gguf/types';

export type Matrix =
  | { kind: 'float'; rows: number; cols: number; w: Float32Array; halfInput: boolean }
  | { kind: 'int8'; rows: number; cols: number; q: Int8Array; d: Float32Array };

/** Prepares a ggml tensor of dims [cols, rows] for matmul. */
export function prepareMatrix(type: GgmlType, data: Uint8Array, cols: number, rows: number): Matrix {
  const n = rows * cols;
  switch (type) {
    case GGML_TYPE.F32: {
      const w = new Float32Array(n);
      new Uint8Array(w.buffer).set(data.subarray(0, n * 4));
      return { kind: 'float', rows, cols, w, halfInput: false };
    }
    case GGML_TYPE.F16: {
      const w = new Float32Array(n);
      for (let i = 0; i < n; i++) w[i] = f16ToF32(data[2 * i]! | (data[2 * i + 1]! << 8));
      return { kind: 'float', rows, cols, w, halfInput: true };
    }
    case GGML_TYPE.Q8_0:
    case GGML_TYPE.Q4_0: {
      const q = new Int8Array(n);
      const d = new Float32Array(n / QK);
      const blockBytes = type === GGML_TYPE.Q8_0 ? Q8_0_BLOCK_BYTES : Q4_0_BLOCK_BYTES;
      for (let b = 0, o = 0; b < n / QK; b++, o += blockBytes) {
        d[b] = f16ToF32(data[o]! | (data[o + 1]! << 8));
        unpackBlock(type, data, o, q, b * QK);
      }
      return { kind: 'int8', rows, cols, q, d };
    }
  }
}

function unpackBlock(type: GgmlType, data: Uint8Array, o: number, q: Int8Array, at: number): void {
  if (type === GGML_TYPE.Q8_0) {
    for (let j = 0; j < QK; j++) q[at + j] = (data[o + 2 + j]! << 24) >> 24;
    return;
  }
  for (let j = 0; j < QK / 2; j++) {
    const byte = data[o + 2 + j]!;
    q[at + j] = (byte & 0x0f) - 8;
    q[at + j + 16] = (byte >>> 4) - 8;
  }
}

/** Row `r` as floats (token embedding lookup, ggml's get_rows). */
export function matrixRow(m: Matrix, r: number, out: Float32Array): void {
  const base = r * m.cols;
  if (m.kind === 'float') {
    out.set(m.w.subarray(base, base + m.cols));
    return;
  }
  for (let j = 0; j < m.cols; j++) out[j] = m.q[base + j]! * m.d[(base + j) / QK | 0]!;
}

/** Dequantizes a whole Q8_0/Q4_0 tensor (used by tests and tools). */
export function dequantize(type: GgmlType, data: Uint8Array, n: number): Float32Array {
  if (type === GGML_TYPE.Q8_0) return dequantizeQ8_0(data, n);
  if (type === GGML_TYPE.Q4_0) return dequantizeQ4_0(data, n);
  const m = prepareMatrix(type, data, n, 1);
  return m.kind === 'float' ? m.w : new Float32Array(0);
}

/** Activations quantized to Q8_0 as ggml's quantize_row_q8_0 does: scale d = amax/127 stored as f16. */
interface QuantizedRows {
  q: Int8Array;
  d: Float32Array;
}

function quantizeRows(x: Float32Array, count: number, cols: number): QuantizedRows {
  const n = count * cols;
  const q = new Int8Array(n);
  const d = new Float32Array(n / QK);
  for (let b = 0; b < n / QK; b++) {
    const at = b * QK;
    let amax = 0;
    for (let j = 0; j < QK; j++) {
      const a = Math.abs(x[at + j]!);
      if (a > amax) amax = a;
    }
    // 1/d as ggml's reference path has it. Its x86 SIMD path multiplies by 127/amax instead; the two
    // differ only in rare last-bit cases and gave identical oracle figures (docs/inference.md).
    const scale = Math.fround(amax / 127);
    const id = scale !== 0 ? Math.fround(1 / scale) : 0;
    d[b] = f16ToF32(f32ToF16(scale));
    for (let j = 0; j < QK; j++) q[at + j] = roundEven(Math.fround(x[at + j]! * id));
  }
  return { q, d };
}

/** The AVX2 path rounds to nearest even (_mm256_round_ps); that is what runs on x86 CPUs. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * out[t * rows + r] = dot(row r of m, x[t * cols ...]) for t < count. Weight rows stay in the outer
 * loop and four tokens share each weight load, so a batch of prompt tokens reuses every row while
 * it is in cache (the reason prompt processing is faster per token than generation).
 */
export function matmul(m: Matrix, x: Float32Array, count: number, out: Float32Array): void {
  if (x.length < count * m.cols || out.length < count * m.rows) throw new Error('matmul: buffers too small');
  if (m.kind === 'float') {
    const xs = m.halfInput ? halfRounded(x, count * m.cols) : x;
    for (let r = 0; r < m.rows; r++) {
      let t = 0;
      for (; t + 4 <= count; t += 4) dotFloat4(m.w, r * m.cols, xs, t * m.cols, m.cols, out, t * m.rows + r, m.rows);
      for (; t < count; t++) out[t * m.rows + r] = dotFloat(m.w, r * m.cols, xs, t * m.cols, m.cols);
    }
    return;
  }
  const qx = quantizeRows(x, count, m.cols);
  const nb = m.cols / QK;
  for (let r = 0; r < m.rows; r++) {
    let t = 0;
    for (; t + 4 <= count; t += 4) dotInt8x4(m, r, qx, t, nb, out);
    for (; t < count; t++) out[t * m.rows + r] = dotInt8(m, r, qx, t, nb);
  }
}

function halfRounded(x: Float32Array, n: number): Float32Array {
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = roundF16(x[i]!);
  return xs;
}

function dotFloat(w: Float32Array, wo: number, x: Float32Array, xo: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    a0 += w[wo + j]! * x[xo + j]!;
    a1 += w[wo + j + 1]! * x[xo + j + 1]!;
  }
  if (j < n) a0 += w[wo + j]! * x[xo + j]!;
  return a0 + a1;
}

function dotFloat4(w: Float32Array, wo: number, x: Float32Array, xo: number, n: number, out: Float32Array, oo: number, stride: number): void {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let j = 0; j < n; j++) {
    const v = w[wo + j]!;
    a0 += v * x[xo + j]!;
    a1 += v * x[xo + n + j]!;
    a2 += v * x[xo + 2 * n + j]!;
    a3 += v * x[xo + 3 * n + j]!;
  }
  out[oo] = a0;
  out[oo + stride] = a1;
  out[oo + 2 * stride] = a2;
  out[oo + 3 * stride] = a3;
}

function dotInt8(m: Extract<Matrix, { kind: 'int8' }>, r: number, qx: QuantizedRows, t: number, nb: number): number {
  const q = m.q;
  const xq = qx.q;
  let acc = 0;
  for (let b = 0; b < nb; b++) {
    const wo = (r * nb + b) * QK;
    const xo = (t * nb + b) * QK;
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < QK; j += 4) {
      s0 += q[wo + j]! * xq[xo + j]! + q[wo + j + 1]! * xq[xo + j + 1]!;
      s1 += q[wo + j + 2]! * xq[xo + j + 2]! + q[wo + j + 3]! * xq[xo + j + 3]!;
    }
    acc += (s0 + s1) * Math.fround(m.d[r * nb + b]! * qx.d[t * nb + b]!);
  }
  return acc;
}

/** Four tokens against one weight row: each weight block is loaded once. */
function dotInt8x4(m: Extract<Matrix, { kind: 'int8' }>, r: number, qx: QuantizedRows, t: number, nb: number, out: Float32Array): void {
  const q = m.q;
  const xq = qx.q;
  const stride = nb * QK;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  for (let b = 0; b < nb; b++) {
    const wo = (r * nb + b) * QK;
    const x0 = (t * nb + b) * QK;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < QK; j++) {
      const w = q[wo + j]!;
      s0 += w * xq[x0 + j]!;
      s1 += w * xq[x0 + stride + j]!;
      s2 += w * xq[x0 + 2 * stride + j]!;
      s3 += w * xq[x0 + 3 * stride + j]!;
    }
    const dw = m.d[r * nb + b]!;
    a0 += s0 * Math.fround(dw * qx.d[t * nb + b]!);
    a1 += s1 * Math.fround(dw * qx.d[(t + 1) * nb + b]!);
    a2 += s2 * Math.fround(dw * qx.d[(t + 2) * nb + b]!);
    a3 += s3 * Math.fround(dw * qx.d[(t + 3) * nb + b]!);
  }
  out[t * m.rows + r] = a0;
  out[(t + 1) * m.rows + r] = a1;
  out[(t + 2) * m.rows + r] = a2;
  out[(t + 3) * m.rows + r] = a3;
}
