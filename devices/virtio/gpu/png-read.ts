// A small PNG reader for tests: 8-bit truecolour (colour type 2) or truecolour+alpha (6),
// non-interlaced, all five filter types, CRCs checked. Independent of the encoder's choices
// so a screenshot test checks the file format, not just a round trip of one implementation.

import { inflateSync } from 'node:zlib';
import { crc32 } from './png';

export interface DecodedPng { widthPx: number; heightPx: number; rgb: Uint8Array }

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function unfilter(raw: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[y * stride + i - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = i >= bpp && y > 0 ? out[(y - 1) * stride + i - bpp] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f];
      if (pred === undefined) throw new Error(`PNG: filter type ${f}`);
      out[y * stride + i] = (line[i] + pred) & 0xff;
    }
  }
  return out;
}

export function decodePng(file: Uint8Array): DecodedPng {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => file[i] === b)) throw new Error('PNG: bad signature');
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Uint8Array[] = [];
  for (;;) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    const data = file.subarray(at + 8, at + 8 + len);
    if (crc32([file.subarray(at + 4, at + 8), data]) !== v.getUint32(at + 8 + len)) throw new Error(`PNG: bad CRC in ${type}`);
    at += 12 + len;
    if (type === 'IHDR') {
      width = v.getUint32(16);
      height = v.getUint32(20);
      colourType = data[9];
      if (data[8] !== 8 || (colourType !== 2 && colourType !== 6) || data[12] !== 0) throw new Error('PNG: unsupported IHDR');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
  }
  const bpp = colourType === 6 ? 4 : 3;
  const pixels = unfilter(new Uint8Array(inflateSync(Buffer.concat(idat))), width, height, bpp);
  if (bpp === 3) return { widthPx: width, heightPx: height, rgb: pixels };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < pixels.length; i += 4, j += 3) rgb.set(pixels.subarray(i, i + 3), j);
  return { widthPx: width, heightPx: height, rgb };
}
