// Binary PPM (netpbm P6), the format QEMU's screendump writes by default: a text header
// ("P6", width, height, maxval, separated by whitespace, '#' comments allowed) then the
// pixels as RGB triples, one byte each when maxval < 256. Pure parse; errors as values.

export interface PpmImage {
  widthPx: number;
  heightPx: number;
  rgb: Uint8Array;
}

export function parsePpm(b: Uint8Array): PpmImage | string {
  let at = 0;
  const token = (): string | undefined => {
    for (;;) {
      while (at < b.length && /\s/.test(String.fromCharCode(b[at]))) at++;
      if (b[at] !== 0x23) break;
      while (at < b.length && b[at] !== 0x0a) at++;
    }
    const start = at;
    while (at < b.length && !/\s/.test(String.fromCharCode(b[at]))) at++;
    return at > start ? Buffer.from(b.subarray(start, at)).toString('latin1') : undefined;
  };
  if (token() !== 'P6') return 'not a binary PPM (P6)';
  const [w, h, max] = [token(), token(), token()].map((t) => (t !== undefined && /^\d+$/.test(t) ? Number(t) : NaN));
  if (!(w > 0) || !(h > 0) || !(max > 0 && max < 256)) return 'bad PPM header (width, height, maxval 1..255)';
  at++; // the single whitespace byte after maxval
  const len = w * h * 3;
  if (b.length - at < len) return `PPM data short: ${b.length - at} of ${len} bytes`;
  const rgb = b.slice(at, at + len);
  if (max !== 255) for (let i = 0; i < rgb.length; i++) rgb[i] = Math.round((rgb[i] * 255) / max);
  return { widthPx: w, heightPx: h, rgb };
}
