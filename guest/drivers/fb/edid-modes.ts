// The modes a monitor's EDID base block offers (VESA E-EDID 1.4): the detailed timing
// descriptors (the first is the preferred mode, with the physical size in mm) and the
// standard timings. fbdev accepts a mode change only to one of these.

export interface EdidMode {
  widthPx: number;
  heightPx: number;
  widthMm: number;
  heightMm: number;
}

const DTD_OFFSETS = [54, 72, 90, 108];
/** Standard timing aspect ratios by the two top bits (EDID 1.3+: 00 is 16:10). */
const ASPECTS: ReadonlyArray<[number, number]> = [[16, 10], [4, 3], [5, 4], [16, 9]];

function validHeader(b: Uint8Array): boolean {
  const magic = [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
  return b.length >= 128 && magic.every((x, i) => b[i] === x) && b.subarray(0, 128).reduce((s, x) => s + x, 0) % 256 === 0;
}

/** Preferred mode first; none when the block is not a valid EDID. */
export function edidModes(b: Uint8Array): EdidMode[] {
  if (!validHeader(b)) return [];
  const out: EdidMode[] = [];
  for (const at of DTD_OFFSETS) {
    if ((b[at] | b[at + 1]) === 0) continue; // a display descriptor, not a timing
    out.push({
      widthPx: b[at + 2] | ((b[at + 4] >> 4) << 8),
      heightPx: b[at + 5] | ((b[at + 7] >> 4) << 8),
      widthMm: b[at + 12] | ((b[at + 14] >> 4) << 8),
      heightMm: b[at + 13] | ((b[at + 14] & 0xf) << 8),
    });
  }
  for (let at = 38; at < 54; at += 2) {
    if (b[at] === 0x01 && b[at + 1] === 0x01) continue;
    if (b[at] === 0) continue;
    const w = (b[at] + 31) * 8;
    const [aw, ah] = ASPECTS[b[at + 1] >> 6];
    const mode = { widthPx: w, heightPx: Math.round((w * ah) / aw), widthMm: 0, heightMm: 0 };
    if (!out.some((m) => m.widthPx === mode.widthPx && m.heightPx === mode.heightPx)) out.push(mode);
  }
  return out;
}
