import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32, encodePngRgb } from './png';
import { decodePng } from './png-read';

describe('PNG encoder', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32([new TextEncoder().encode('123456789')])).toBe(0xcbf43926);
  });

  it('round-trips arbitrary RGB images through an independent reader', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer(), (w, h, seed) => {
      const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 131 + seed) & 0xff);
      const png = encodePngRgb(w, h, rgb);
      expect(decodePng(png)).toEqual({ widthPx: w, heightPx: h, rgb });
    }));
  });

  it('is deterministic and refuses inconsistent sizes', () => {
    const rgb = new Uint8Array(12).fill(9);
    expect(encodePngRgb(2, 2, rgb)).toEqual(encodePngRgb(2, 2, rgb));
    expect(() => encodePngRgb(3, 2, rgb)).toThrow(RangeError);
    expect(() => encodePngRgb(0, 0, new Uint8Array(0))).toThrow(RangeError);
  });
});
