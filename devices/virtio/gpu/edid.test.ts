import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EDID_BLOCK_BYTES, edidBlock, edidPreferredMode, MAX_EDID_HEIGHT, MAX_EDID_WIDTH } from './edid';

describe('EDID base block', () => {
  it('has the header, version 1.4, vendor RHT, a zero checksum sum and the mode as preferred timing', () => {
    fc.assert(fc.property(fc.integer({ min: 16, max: MAX_EDID_WIDTH }), fc.integer({ min: 16, max: MAX_EDID_HEIGHT }), (w, h) => {
      const b = edidBlock({ widthPx: w, heightPx: h });
      expect(b.length).toBe(EDID_BLOCK_BYTES);
      expect([...b.subarray(0, 8)]).toEqual([0, 255, 255, 255, 255, 255, 255, 0]);
      expect([b[8], b[9], b[18], b[19]]).toEqual([0x49, 0x14, 1, 4]);
      expect(b.reduce((s, x) => s + x, 0) % 256).toBe(0);
      expect(edidPreferredMode(b)).toEqual({ widthPx: w, heightPx: h });
      const clock10kHz = b[54] | (b[55] << 8);
      expect(clock10kHz).toBeGreaterThanOrEqual(1000); // at least 10 MHz, as edid-decode requires
      expect(b[72 + 9] * 10).toBeGreaterThanOrEqual(clock10kHz / 100); // range limit covers the clock
    }), { numRuns: 200 });
  });

  it('names the monitor', () => {
    const b = edidBlock({ widthPx: 1024, heightPx: 768 });
    expect(String.fromCharCode(...b.subarray(95, 102))).toBe('twinbox');
    expect(b[93]).toBe(0xfc);
  });
});
