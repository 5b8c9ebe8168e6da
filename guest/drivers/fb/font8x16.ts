// The 8x16 console font: font-5x7.ts's glyphs in VGA text cells (8 dots wide, 16 rows), one
// byte per row with the leftmost dot in bit 7, as Linux's font_desc data is laid out. Each
// 5x7 dot becomes one column by two rows, starting at column 1 and row 1, so glyphs sit
// with a one-dot gap to the next cell and room under the baseline. Characters outside
// printable ASCII show as a hollow box.

import { GLYPHS_5X7 } from './font-5x7';

export const FONT_WIDTH_PX = 8;
export const FONT_HEIGHT_PX = 16;

function cellFromDots(dots: string): Uint8Array {
  const rows = dots.split(' ');
  const cell = new Uint8Array(FONT_HEIGHT_PX);
  rows.forEach((row, r) => {
    let bits = 0;
    for (let c = 0; c < 5; c++) if (row[c] === '#') bits |= 0x40 >> c;
    cell[1 + r * 2] = bits;
    cell[2 + r * 2] = bits;
  });
  return cell;
}

function boxCell(): Uint8Array {
  const cell = new Uint8Array(FONT_HEIGHT_PX);
  for (let r = 1; r <= 14; r++) cell[r] = r === 1 || r === 14 ? 0x7c : 0x44;
  return cell;
}

/** 256 glyphs of 16 bytes (code points 0..255; only printable ASCII has real shapes). */
export const FONT_8X16: Uint8Array = (() => {
  const font = new Uint8Array(256 * FONT_HEIGHT_PX);
  const box = boxCell();
  for (let code = 0; code < 256; code++) {
    const dots = GLYPHS_5X7[String.fromCharCode(code)];
    font.set(dots ? cellFromDots(dots) : box, code * FONT_HEIGHT_PX);
  }
  return font;
})();

/** The 16 row bytes of `ch`'s glyph (the box for anything not in the font). */
export function glyphRows(ch: string): Uint8Array {
  const code = ch.charCodeAt(0);
  const at = (code >= 0 && code < 256 ? code : 0) * FONT_HEIGHT_PX;
  return FONT_8X16.subarray(at, at + FONT_HEIGHT_PX);
}
