// IEEE 754 half precision <-> single precision. ggml stores F16 tensors and quantization block
// scales in this format; the conversions round to nearest-even as the F16C instructions do, so a
// value rounded here is the value llama.cpp would hold.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> half bits, round to nearest even, overflow to infinity, NaN kept quiet. */
export function f32ToF16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let h = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

const F16_TABLE = buildTable();

function buildTable(): Float32Array {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = f16BitsToNumber(h);
  return t;
}

function f16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** half bits -> float32 value (table lookup: this sits in the F16 matmul inner loop). */
export function f16ToF32(h: number): number {
  return F16_TABLE[h & 0xffff]!;
}

/** The value `x` takes after a round trip through half precision. */
export function roundF16(x: number): number {
  return F16_TABLE[f32ToF16(x)]!;
}

/** Rounds every element in place through half precision. */
export function roundF16Array(xs: Float32Array): void {
  for (let i = 0; i < xs.length; i++) xs[i] = F16_TABLE[f32ToF16(xs[i]!)]!;
}
