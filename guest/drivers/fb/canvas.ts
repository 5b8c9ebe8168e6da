// Drawing into an XRGB8888 pixel buffer (Linux fbdev's 32 bpp truecolor layout on a
// little-endian machine: blue in byte 0, green 1, red 2, byte 3 unused): rectangles and text
// in the 8x16 console font. Pure functions over a Canvas; the caller decides where the bytes
// go (a framebuffer mapping, a write(2) to /dev/fb0, a test's expectation).

import { FONT_HEIGHT_PX, FONT_WIDTH_PX, glyphRows } from './font8x16';

export interface Canvas {
  widthPx: number;
  heightPx: number;
  strideBytes: number;
  bytes: Uint8Array;
}

/** 0xRRGGBB */
export type Rgb = number;

export function newCanvas(widthPx: number, heightPx: number, strideBytes = widthPx * 4): Canvas {
  return { widthPx, heightPx, strideBytes, bytes: new Uint8Array(strideBytes * heightPx) };
}

export function putPixel(c: Canvas, x: number, y: number, rgb: Rgb): void {
  if (x < 0 || y < 0 || x >= c.widthPx || y >= c.heightPx) return;
  const at = y * c.strideBytes + x * 4;
  c.bytes[at] = rgb & 0xff;
  c.bytes[at + 1] = (rgb >> 8) & 0xff;
  c.bytes[at + 2] = (rgb >> 16) & 0xff;
  c.bytes[at + 3] = 0;
}

export function getPixel(c: Canvas, x: number, y: number): Rgb {
  const at = y * c.strideBytes + x * 4;
  return (c.bytes[at + 2] << 16) | (c.bytes[at + 1] << 8) | c.bytes[at];
}

/** Fills the rectangle, clipped to the canvas. */
export function fillRect(c: Canvas, x: number, y: number, w: number, h: number, rgb: Rgb): void {
  const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(c.widthPx, Math.floor(x + w)), y1 = Math.min(c.heightPx, Math.floor(y + h));
  if (x1 <= x0 || y1 <= y0) return;
  const row = new Uint8Array((x1 - x0) * 4);
  for (let i = 0; i < row.length; i += 4) {
    row[i] = rgb & 0xff;
    row[i + 1] = (rgb >> 8) & 0xff;
    row[i + 2] = (rgb >> 16) & 0xff;
  }
  for (let yy = y0; yy < y1; yy++) c.bytes.set(row, yy * c.strideBytes + x0 * 4);
}

/** Draws `text` with its top-left at (x, y): lit dots in `fg`, the rest of each cell in `bg`. */
export function drawText(c: Canvas, x: number, y: number, text: string, fg: Rgb, bg: Rgb): void {
  let cx = x;
  for (const ch of text) {
    const rows = glyphRows(ch);
    for (let r = 0; r < FONT_HEIGHT_PX; r++) {
      for (let b = 0; b < FONT_WIDTH_PX; b++) putPixel(c, cx + b, y + r, rows[r] & (0x80 >> b) ? fg : bg);
    }
    cx += FONT_WIDTH_PX;
  }
}

/** Text drawn on a 80x25-style character grid: column and row in cells. */
export function drawTextCell(c: Canvas, col: number, row: number, text: string, fg: Rgb, bg: Rgb): void {
  drawText(c, col * FONT_WIDTH_PX, row * FONT_HEIGHT_PX, text, fg, bg);
}

/** Width of `text` in pixels (one 8-pixel cell per character). */
export function textWidthPx(text: string): number {
  return [...text].length * FONT_WIDTH_PX;
}
