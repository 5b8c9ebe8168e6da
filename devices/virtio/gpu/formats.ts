// virtio-gpu pixel formats (virtio 1.1 §5.7.6.8). The names follow Gallium's convention: the
// channels are listed in memory byte order, so B8G8R8A8 stores blue in byte 0 (QEMU maps it to
// pixman's a8r8g8b8 on a little-endian host). Every 2D format is 4 bytes per pixel.

export const FORMAT = {
  B8G8R8A8_UNORM: 1,
  B8G8R8X8_UNORM: 2,
  A8R8G8B8_UNORM: 3,
  X8R8G8B8_UNORM: 4,
  R8G8B8A8_UNORM: 67,
  X8B8G8R8_UNORM: 68,
  A8B8G8R8_UNORM: 121,
  R8G8B8X8_UNORM: 134,
} as const;

export const BYTES_PER_PIXEL = 4;

/** Byte offsets of red, green and blue inside one pixel, by format. */
export interface ChannelOffsets { r: number; g: number; b: number }

const OFFSETS = new Map<number, ChannelOffsets>([
  [FORMAT.B8G8R8A8_UNORM, { r: 2, g: 1, b: 0 }],
  [FORMAT.B8G8R8X8_UNORM, { r: 2, g: 1, b: 0 }],
  [FORMAT.A8R8G8B8_UNORM, { r: 1, g: 2, b: 3 }],
  [FORMAT.X8R8G8B8_UNORM, { r: 1, g: 2, b: 3 }],
  [FORMAT.R8G8B8A8_UNORM, { r: 0, g: 1, b: 2 }],
  [FORMAT.X8B8G8R8_UNORM, { r: 3, g: 2, b: 1 }],
  [FORMAT.A8B8G8R8_UNORM, { r: 3, g: 2, b: 1 }],
  [FORMAT.R8G8B8X8_UNORM, { r: 0, g: 1, b: 2 }],
]);

export function channelOffsets(format: number): ChannelOffsets | undefined {
  return OFFSETS.get(format);
}

/**
 * Copies a `width`x`height` window at (x, y) of a 4-byte-per-pixel image `strideBytes` wide into
 * packed RGB (3 bytes per pixel, row after row), the layout a PNG of colour type 2 wants.
 */
export function toRgb(src: Uint8Array, strideBytes: number, format: number, x: number, y: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const o = channelOffsets(format);
  if (!o) return out;
  let d = 0;
  for (let row = 0; row < height; row++) {
    let s = (y + row) * strideBytes + x * BYTES_PER_PIXEL;
    for (let col = 0; col < width; col++, s += BYTES_PER_PIXEL) {
      out[d++] = src[s + o.r];
      out[d++] = src[s + o.g];
      out[d++] = src[s + o.b];
    }
  }
  return out;
}
