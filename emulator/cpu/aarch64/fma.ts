// Fused multiply-add with a single rounding (round to nearest, ties to even), as FMADD and
// friends compute it: the exact value a*b + c is formed as a BigInt multiple of 2^-2148 (every
// product of two doubles is one), then rounded once to double or single precision.

const f64 = new Float64Array(1);
/** Whether the last fusedMulAdd had to round (FPSR.IXC). */
export const fmaStatus = { inexact: false };
const u32 = new Uint32Array(f64.buffer);

/** A finite double as an exact BigInt multiple of 2^-1074. */
function toScaled(x: number): bigint {
  f64[0] = x;
  const hi = u32[1]!;
  const lo = u32[0]!;
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp !== 0) mant |= 1n << 52n;
  const shifted = mant << BigInt(exp === 0 ? 0 : exp - 1);
  return hi >>> 31 ? -shifted : shifted;
}

/** Round the exact value v × 2^-scaleBits to the nearest float of `mantBits` bits and minimum exponent `minExp`. */
function roundScaled(v: bigint, scaleBits: number, mantBits: number, minExp: number, maxValue: number): number {
  if (v === 0n) return 0;
  const neg = v < 0n;
  const mag = neg ? -v : v;
  const len = mag.toString(2).length;
  // Exponent of the leading bit, then how many low bits must go for mantBits of precision
  // (fewer for subnormals, whose lowest bit is 2^(minExp - mantBits + 1)).
  const lead = len - 1 - scaleBits;
  const lsbExp = Math.max(lead - mantBits + 1, minExp - mantBits + 1);
  const drop = lsbExp + scaleBits;
  let kept: bigint;
  if (drop <= 0) kept = mag << BigInt(-drop);
  else {
    kept = mag >> BigInt(drop);
    const rem = mag & ((1n << BigInt(drop)) - 1n);
    const half = 1n << BigInt(drop - 1);
    if (rem !== 0n) fmaStatus.inexact = true;
    if (rem > half || (rem === half && (kept & 1n) === 1n)) kept += 1n;
  }
  const r = Number(kept) * 2 ** lsbExp;
  const out = r > maxValue ? Infinity : r;
  return neg ? -out : out;
}

/** a*b + c rounded once; the caller has handled NaNs. Size 3 = double, 2 = single. */
export function fusedMulAdd(a: number, b: number, c: number, sz: 2 | 3): number {
  fmaStatus.inexact = false;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  const exact = toScaled(a) * toScaled(b) + (toScaled(c) << 1074n);
  if (exact === 0n) {
    // An exact zero sum is +0 under round-to-nearest, unless both addends are -0.
    return Object.is(a * b, -0) && Object.is(c, -0) ? -0 : 0;
  }
  return sz === 3
    ? roundScaled(exact, 2148, 53, -1022, Number.MAX_VALUE)
    : roundScaled(exact, 2148, 24, -126, 3.4028234663852886e38);
}
