// A 128-byte EDID 1.4 base block (VESA E-EDID) describing one virtual monitor whose preferred
// mode is the scanout size. Vendor "RHT" as QEMU's generator uses; timings are
// reduced blanking at 60 Hz, so the pixel clock fits the 16-bit 10 kHz field for any mode the
// device accepts (up to MAX_EDID_WIDTH x MAX_EDID_HEIGHT). Checked with edid-decode -c.

export const EDID_BLOCK_BYTES = 128;
export const MAX_EDID_WIDTH = 3840;
export const MAX_EDID_HEIGHT = 2400;

const H_FRONT = 48;
const H_SYNC = 32;
const V_FRONT = 3;
const V_SYNC = 5;
/** Reduced blanking, widened for small modes so totals reach VGA's 800x525 (a clock of 25.2 MHz at least). */
const MIN_H_BLANK = 160;
const MIN_V_BLANK = 30;
const MIN_H_TOTAL = 800;
const MIN_V_TOTAL = 525;
const REFRESH_HZ = 60;
const DPI = 96;
/** sRGB primaries and white point in EDID's packed 10-bit chromaticity encoding. */
const SRGB_CHROMA = [0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99, 0x26, 0x0f, 0x50, 0x54];

export interface EdidOptions {
  widthPx: number;
  heightPx: number;
  name?: string;
  serial?: number;
}

function pnpId(code: string): number {
  return [...code].reduce((v, ch) => (v << 5) | (ch.charCodeAt(0) - 64), 0);
}

function mm(px: number): number {
  return Math.round((px * 25.4) / DPI);
}

/** Detailed timing descriptor (18 bytes) for the preferred mode. */
function detailedTiming(w: number, h: number): Uint8Array {
  const hBlank = Math.max(MIN_H_BLANK, MIN_H_TOTAL - w);
  const vBlank = Math.max(MIN_V_BLANK, MIN_V_TOTAL - h);
  const clock10kHz = Math.round(((w + hBlank) * (h + vBlank) * REFRESH_HZ) / 10_000);
  const wMm = mm(w);
  const hMm = mm(h);
  return Uint8Array.from([
    clock10kHz & 0xff, clock10kHz >> 8,
    w & 0xff, hBlank & 0xff, ((w >> 8) << 4) | (hBlank >> 8),
    h & 0xff, vBlank & 0xff, ((h >> 8) << 4) | (vBlank >> 8),
    H_FRONT & 0xff, H_SYNC & 0xff, ((V_FRONT & 0xf) << 4) | (V_SYNC & 0xf),
    ((H_FRONT >> 8) << 6) | ((H_SYNC >> 8) << 4) | ((V_FRONT >> 4) << 2) | (V_SYNC >> 4),
    wMm & 0xff, hMm & 0xff, ((wMm >> 8) << 4) | (hMm >> 8),
    0, 0,
    0x1e, // digital separate sync, both polarities positive
  ]);
}

function textDescriptor(tag: number, text: string): Uint8Array {
  const d = new Uint8Array(18);
  d[3] = tag;
  const chars = [...text.slice(0, 13)].map((c) => c.charCodeAt(0) & 0x7f);
  d.fill(0x20, 5);
  d.set(chars, 5);
  if (chars.length < 13) d[5 + chars.length] = 0x0a;
  return d;
}

function rangeLimits(maxClockMhz: number): Uint8Array {
  const d = new Uint8Array(18);
  d.set([0, 0, 0, 0xfd, 0, 50, 75, 30, 160, Math.ceil(maxClockMhz / 10), 0x01, 0x0a]);
  d.fill(0x20, 12);
  return d;
}

export function edidBlock(o: EdidOptions): Uint8Array {
  const w = Math.min(Math.max(o.widthPx, 1), MAX_EDID_WIDTH);
  const h = Math.min(Math.max(o.heightPx, 1), MAX_EDID_HEIGHT);
  const b = new Uint8Array(EDID_BLOCK_BYTES);
  b.set([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
  const id = pnpId('RHT');
  b[8] = id >> 8;
  b[9] = id & 0xff;
  b[10] = 0x34; // product code 0x1234, little-endian
  b[11] = 0x12;
  new DataView(b.buffer).setUint32(12, (o.serial ?? 0) >>> 0, true);
  b[16] = 0; // week unspecified
  b[17] = 2024 - 1990;
  b[18] = 1; // EDID 1.4
  b[19] = 4;
  b[20] = 0xa5; // digital, 8 bits per colour, DisplayPort
  b[21] = Math.max(1, Math.round(mm(w) / 10));
  b[22] = Math.max(1, Math.round(mm(h) / 10));
  b[23] = 120; // gamma 2.2
  b[24] = 0x06; // RGB 4:4:4, sRGB default, preferred timing is native
  b.set(SRGB_CHROMA, 25);
  // 35..37 established timings: none; 38..53 standard timings: all unused (0x01 0x01).
  b.fill(0x01, 38, 54);
  const dtd = detailedTiming(w, h);
  b.set(dtd, 54);
  const clockMhz = (dtd[0] | (dtd[1] << 8)) / 100;
  b.set(rangeLimits(clockMhz), 72);
  b.set(textDescriptor(0xfc, o.name ?? 'twinbox'), 90);
  b.set(textDescriptor(0xff, String(o.serial ?? 0)), 108);
  b[126] = 0; // no extension blocks
  b[127] = (256 - (b.subarray(0, 127).reduce((s, x) => s + x, 0) & 0xff)) & 0xff;
  return b;
}

/** The preferred mode read back from a base block's first detailed timing descriptor. */
export function edidPreferredMode(b: Uint8Array): { widthPx: number; heightPx: number } {
  return { widthPx: b[56] | ((b[58] >> 4) << 8), heightPx: b[59] | ((b[61] >> 4) << 8) };
}
