// Fused multiply-add with a single rounding (round to nearest, ties to even), as FMADD and
// friends compute it: the exact value a*b + c is formed as a BigInt multiple of 2^-2148 (every
// product of two doubles is one), then rounded once to double or single precision.

const f64 = new Float64Array(1);
/** Whether the last fusedMulAdd had to round (FPSR.IXC). */
export const fmaStatus = { inexact: false, overflow: false };

/** FPCR.RMode values. */
export const RN = 0;
export const RP = 1;
export const RM = 2;
export const RZ = 3;
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
function roundScaled(v: bigint, scaleBits: number, mantBits: number, minExp: number, maxValue: number, mode = RN): number {
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
    const up =
      mode === RN ? rem > half || (rem === half && (kept & 1n) === 1n) : mode === RZ ? false : rem !== 0n && (mode === RP) !== neg;
    if (up) kept += 1n;
  }
  const r = Number(kept) * 2 ** lsbExp;
  let out = r;
  if (r > maxValue) {
    fmaStatus.overflow = true;
    fmaStatus.inexact = true;
    // Overflow gives infinity only when rounding away from zero is allowed in that direction.
    const toInf = mode === RN || (mode === RP && !neg) || (mode === RM && neg);
    out = toInf ? Infinity : maxValue;
  }
  return neg ? -out : out;
}

/** a*b + c rounded once; the caller has handled NaNs. Size 3 = double, 2 = single. */
export function fusedMulAdd(a: number, b: number, c: number, sz: 2 | 3, mode = RN): number {
  fmaStatus.inexact = false;
  fmaStatus.overflow = false;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  const exact = toScaled(a) * toScaled(b) + (toScaled(c) << 1074n);
  if (exact === 0n) {
    // An exact zero sum is +0 (−0 when rounding down), unless both addends are −0.
    if (Object.is(a * b, -0) && Object.is(c, -0)) return -0;
    return mode === RM && (a * b !== 0 || c !== 0 || Object.is(a * b, -0) || Object.is(c, -0)) ? -0 : 0;
  }
  return roundExact(exact, 2148, sz, mode);
}

/** Round v × 2^-scaleBits to double (sz 3) or single (sz 2) in `mode`. */
export function roundExact(v: bigint, scaleBits: number, sz: 2 | 3, mode: number): number {
  return sz === 3
    ? roundScaled(v, scaleBits, 53, -1022, Number.MAX_VALUE, mode)
    : roundScaled(v, scaleBits, 24, -126, 3.4028234663852886e38, mode);
}

/** a / b for finite a and finite non-zero b, rounded once in `mode`. */
export function exactDivide(a: number, b: number, sz: 2 | 3, mode: number): number {
  fmaStatus.inexact = false;
  fmaStatus.overflow = false;
  const A = toScaled(a);
  const B = toScaled(b);
  if (A === 0n) return (a < 0 || Object.is(a, -0)) !== (b < 0) ? -0 : 0;
  const extra = 1200 + Math.max(0, B.toString(2).length - A.toString(2).length);
  const num = (A < 0n ? -A : A) << BigInt(extra);
  const den = B < 0n ? -B : B;
  let q = num / den;
  if (q * den !== num) q |= 1n; // sticky bit: more than enough guard bits sit below it
  return roundExact((A < 0n) !== (B < 0n) ? -q : q, extra, sz, mode);
}

/** An exact integer (divided by 2^fbits) as a float of size sz, rounded in `mode`. */
export function intToFloat(v: bigint, sz: 2 | 3, mode: number, fbits = 0): number {
  fmaStatus.inexact = false;
  fmaStatus.overflow = false;
  return v === 0n ? 0 : roundExact(v, fbits, sz, mode);
}
