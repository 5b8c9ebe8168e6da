import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { dequantizeQ4_0, dequantizeQ8_0, quantizeQ4_0, quantizeQ8_0 } from './quant';
import { f16ToF32, f32ToF16, roundF16 } from './f16';

// Fixed seed: the same cases on every run (failures print the seed and path to replay).
fc.configureGlobal({ seed: 1009 });

const block = fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { minLength: 32, maxLength: 32 });

// A scale below f16's normal range is rounded to a multiple of 2^-24: up to 2^-25 off, times |q|.
const F16_SCALE_FLOOR = 2 ** -25;

function maxAbs(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]!));
  return m;
}

describe('f16', () => {
  it('converts known values', () => {
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(1e6)).toBe(0x7c00);
    expect(f32ToF16(2 ** -24)).toBe(0x0001);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie rounds to even
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f16ToF32(0x3555)).toBeCloseTo(0.33325195, 8);
  });
  it('round trips every finite half value', () => {
    for (let h = 0; h < 0x7c00; h++) expect(f32ToF16(f16ToF32(h))).toBe(h);
  });
  it('rounds to the nearest half', () => {
    fc.assert(fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (x) => {
      const r = roundF16(x);
      const ulp = Math.max(2 ** -24, 2 ** (Math.floor(Math.log2(Math.max(Math.abs(x), 2 ** -14))) - 10));
      expect(Math.abs(r - x)).toBeLessThanOrEqual(ulp / 2);
    }));
  });
});

describe('Q8_0', () => {
  it('lays out a block as f16 scale + 32 int8', () => {
    const xs = new Float32Array(32).map((_, i) => i - 16);
    const q = quantizeQ8_0(xs);
    expect(q.length).toBe(34);
    expect(f16ToF32(q[0]! | (q[1]! << 8))).toBe(roundF16(16 / 127));
    expect((q[2]! << 24) >> 24).toBe(-127);
    expect(q[2 + 16]).toBe(0);
  });
  it('error is at most half a step (plus the f16 scale rounding)', () => {
    fc.assert(fc.property(block, (xs) => {
      const x = Float32Array.from(xs);
      const y = dequantizeQ8_0(quantizeQ8_0(x), 32);
      const step = maxAbs(x) / 127;
      for (let i = 0; i < 32; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual(step * 0.5 + maxAbs(x) * 2e-3 + F16_SCALE_FLOOR * 127);
    }), { seed: 81, numRuns: 500 });
  });
});

describe('Q4_0', () => {
  it('puts elements 0..15 in low nibbles and 16..31 in high nibbles', () => {
    const xs = new Float32Array(32);
    xs[0] = -8; // the extreme: d = -8 / -8 = 1, q = 0
    xs[16] = 7;
    xs[1] = 1;
    const q = quantizeQ4_0(xs);
    expect(q.length).toBe(18);
    expect(f16ToF32(q[0]! | (q[1]! << 8))).toBe(1);
    expect(q[2]).toBe(0x00 | (15 << 4));
    expect(q[3]).toBe(9 | (8 << 4));
    expect(Array.from(dequantizeQ4_0(q, 32).subarray(0, 2))).toEqual([-8, 1]);
  });
  it('error is at most half a step (plus the f16 scale rounding)', () => {
    fc.assert(fc.property(block, (xs) => {
      const x = Float32Array.from(xs);
      const y = dequantizeQ4_0(quantizeQ4_0(x), 32);
      const step = maxAbs(x) / 8;
      const extreme = x.reduce((a, v) => (Math.abs(v) > Math.abs(a) ? v : a), 0);
      for (let i = 0; i < 32; i++) {
        // Half a step, except on the side opposite the extreme: +8 does not exist, so it clips to 7.
        const bound = x[i]! * extreme < 0 ? step : step * 0.5;
        expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual(bound + maxAbs(x) * 4e-3 + F16_SCALE_FLOOR * 8);
      }
    }));
  });
});
