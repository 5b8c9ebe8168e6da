// A minimal PNG encoder (PNG 1.2 / ISO 15948): 8-bit truecolour (colour type 2), no
// interlace, filter type 0 on every row, one IDAT compressed with zlib. Deterministic: the
// same pixels always give the same bytes, so screenshots can be compared byte for byte.

import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** CRC-32 over several byte runs, as PNG computes it over a chunk's type and data. */
export function crc32(parts: readonly Uint8Array[]): number {
  let c = 0;
  for (const p of parts) c = zlibCrc32(p, c);
  return c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  const typeBytes = Uint8Array.from([...type].map((c) => c.charCodeAt(0)));
  out.set(typeBytes, 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32([typeBytes, data]));
  return out;
}

/** Encodes packed RGB pixels (3 bytes each, rows top to bottom) as a PNG file. */
export function encodePngRgb(widthPx: number, heightPx: number, rgb: Uint8Array): Uint8Array {
  if (!Number.isInteger(widthPx) || !Number.isInteger(heightPx) || widthPx < 1 || heightPx < 1) throw new RangeError(`PNG size ${widthPx}x${heightPx}`);
  if (rgb.length !== widthPx * heightPx * 3) throw new RangeError(`PNG: ${rgb.length} bytes for ${widthPx}x${heightPx} RGB`);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, widthPx);
  v.setUint32(4, heightPx);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rowBytes = widthPx * 3;
  const raw = new Uint8Array((rowBytes + 1) * heightPx);
  for (let y = 0; y < heightPx; y++) raw.set(rgb.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  const idat = new Uint8Array(deflateSync(raw, { level: 6 }));
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
