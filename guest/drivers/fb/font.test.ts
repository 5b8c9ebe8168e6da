import { describe, expect, it } from 'vitest';
import { drawText, fillRect, getPixel, newCanvas, putPixel } from './canvas';
import { GLYPHS_5X7 } from './font-5x7';
import { FONT_8X16, FONT_HEIGHT_PX, glyphRows } from './font8x16';

describe('8x16 console font', () => {
  it('covers printable ASCII with 7 rows of 5 dots each, no two glyphs alike', () => {
    const chars = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    for (const c of chars) {
      const rows = GLYPHS_5X7[c]?.split(' ');
      expect(rows, c).toHaveLength(7);
      for (const r of rows!) expect(r).toMatch(/^[.#]{5}$/);
    }
    const shapes = new Set(chars.map((c) => GLYPHS_5X7[c]));
    expect(shapes.size).toBe(95);
    expect(FONT_8X16.length).toBe(256 * FONT_HEIGHT_PX);
  });

  it("places dots in columns 1..5 and doubles rows: 'A' and 'H'", () => {
    expect([...glyphRows('A')]).toEqual([0, 0x38, 0x38, 0x44, 0x44, 0x44, 0x44, 0x7c, 0x7c, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0]);
    expect(glyphRows('H')[7]).toBe(0x7c);
    // Anything outside printable ASCII is the hollow box.
    expect([...glyphRows('\u0001')]).toEqual([...glyphRows('\u00e9')]);
    expect(glyphRows('\u0001')[1]).toBe(0x7c);
  });
});

describe('canvas', () => {
  it('stores XRGB8888 little-endian and clips', () => {
    const c = newCanvas(4, 2);
    putPixel(c, 1, 1, 0x123456);
    expect([...c.bytes.subarray(20, 24)]).toEqual([0x56, 0x34, 0x12, 0]);
    putPixel(c, 9, 9, 0xffffff);
    fillRect(c, -2, -2, 3, 3, 0xff0000);
    expect([getPixel(c, 0, 0), getPixel(c, 1, 0), getPixel(c, 1, 1)]).toEqual([0xff0000, 0, 0x123456]);
  });

  it('draws text with lit dots in fg and the rest of the cell in bg', () => {
    const c = newCanvas(16, 16);
    drawText(c, 0, 0, 'I!', 0xffffff, 0x000080);
    // 'I' row 1 is .###. → columns 2..4 lit.
    expect([1, 2, 3, 4, 5].map((x) => getPixel(c, x, 1))).toEqual([0x80, 0xffffff, 0xffffff, 0xffffff, 0x80]);
    expect(getPixel(c, 8 + 3, 1)).toBe(0xffffff);
    expect(getPixel(c, 8 + 3, 11)).toBe(0x80);
  });
});
