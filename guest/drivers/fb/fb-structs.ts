// Linux's fbdev user ABI (include/uapi/linux/fb.h) on a 64-bit machine: the ioctl numbers,
// struct fb_var_screeninfo (160 bytes, all __u32) and struct fb_fix_screeninfo (80 bytes:
// unsigned long smem_start/mmio_start are 8 bytes, with the padding the C layout has).
// Pure encode/decode functions.

export const FBIOGET_VSCREENINFO = 0x4600, FBIOPUT_VSCREENINFO = 0x4601, FBIOGET_FSCREENINFO = 0x4602;
export const FBIOGETCMAP = 0x4604, FBIOPUTCMAP = 0x4605, FBIOPAN_DISPLAY = 0x4606, FBIOBLANK = 0x4611;
export const FB_VAR_BYTES = 160, FB_FIX_BYTES = 80;
export const FB_TYPE_PACKED_PIXELS = 0, FB_VISUAL_TRUECOLOR = 2, FB_ACCEL_NONE = 0;
export const FB_ACTIVATE_NOW = 0, FB_ACTIVATE_TEST = 2, FB_ACTIVATE_MASK = 15;
export const FB_BLANK_UNBLANK = 0, FB_BLANK_POWERDOWN = 4;
export const FB_VMODE_NONINTERLACED = 0;

export interface Bitfield {
  offset: number;
  length: number;
  msbRight: number;
}

export interface VarScreeninfo {
  xres: number;
  yres: number;
  xresVirtual: number;
  yresVirtual: number;
  xoffset: number;
  yoffset: number;
  bitsPerPixel: number;
  grayscale: number;
  red: Bitfield;
  green: Bitfield;
  blue: Bitfield;
  transp: Bitfield;
  nonstd: number;
  activate: number;
  heightMm: number;
  widthMm: number;
  accelFlags: number;
  /** The rest (pixclock .. colorspace) as the 11 words they are; the reserved words read as 0. */
  timing: number[];
}

export interface FixScreeninfo {
  id: string;
  smemStart: number;
  smemLen: number;
  type: number;
  typeAux: number;
  visual: number;
  xpanstep: number;
  ypanstep: number;
  ywrapstep: number;
  lineLength: number;
  mmioStart: number;
  mmioLen: number;
  accel: number;
  capabilities: number;
}

const TIMING_WORDS = 11;

export function encodeVar(v: VarScreeninfo): Uint8Array {
  const b = new Uint8Array(FB_VAR_BYTES);
  const d = new DataView(b.buffer);
  const w = (at: number, x: number) => d.setUint32(at, x >>> 0, true);
  [v.xres, v.yres, v.xresVirtual, v.yresVirtual, v.xoffset, v.yoffset, v.bitsPerPixel, v.grayscale].forEach((x, i) => w(i * 4, x));
  [v.red, v.green, v.blue, v.transp].forEach((f, i) => {
    w(32 + i * 12, f.offset);
    w(36 + i * 12, f.length);
    w(40 + i * 12, f.msbRight);
  });
  [v.nonstd, v.activate, v.heightMm, v.widthMm, v.accelFlags].forEach((x, i) => w(80 + i * 4, x));
  for (let i = 0; i < TIMING_WORDS; i++) w(100 + i * 4, v.timing[i] ?? 0);
  return b;
}

/** Decodes a user's fb_var_screeninfo; undefined when the buffer is short. */
export function decodeVar(b: Uint8Array): VarScreeninfo | undefined {
  if (b.length < FB_VAR_BYTES) return undefined;
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const r = (at: number) => d.getUint32(at, true);
  const field = (at: number): Bitfield => ({ offset: r(at), length: r(at + 4), msbRight: r(at + 8) });
  return {
    xres: r(0), yres: r(4), xresVirtual: r(8), yresVirtual: r(12), xoffset: r(16), yoffset: r(20), bitsPerPixel: r(24), grayscale: r(28),
    red: field(32), green: field(44), blue: field(56), transp: field(68),
    nonstd: r(80), activate: r(84), heightMm: r(88), widthMm: r(92), accelFlags: r(96),
    timing: Array.from({ length: TIMING_WORDS }, (_, i) => r(100 + i * 4)),
  };
}

export function encodeFix(f: FixScreeninfo): Uint8Array {
  const b = new Uint8Array(FB_FIX_BYTES);
  const d = new DataView(b.buffer);
  const id = new TextEncoder().encode(f.id).subarray(0, 15);
  b.set(id, 0);
  d.setBigUint64(16, BigInt(f.smemStart), true);
  d.setUint32(24, f.smemLen, true);
  d.setUint32(28, f.type, true);
  d.setUint32(32, f.typeAux, true);
  d.setUint32(36, f.visual, true);
  d.setUint16(40, f.xpanstep, true);
  d.setUint16(42, f.ypanstep, true);
  d.setUint16(44, f.ywrapstep, true);
  d.setUint32(48, f.lineLength, true);
  d.setBigUint64(56, BigInt(f.mmioStart), true);
  d.setUint32(64, f.mmioLen, true);
  d.setUint32(68, f.accel, true);
  d.setUint16(72, f.capabilities, true);
  return b;
}

export function decodeFix(b: Uint8Array): FixScreeninfo {
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nul = b.subarray(0, 16).indexOf(0);
  return {
    id: new TextDecoder().decode(b.subarray(0, nul < 0 ? 16 : nul)),
    smemStart: Number(d.getBigUint64(16, true)), smemLen: d.getUint32(24, true), type: d.getUint32(28, true), typeAux: d.getUint32(32, true),
    visual: d.getUint32(36, true), xpanstep: d.getUint16(40, true), ypanstep: d.getUint16(42, true), ywrapstep: d.getUint16(44, true),
    lineLength: d.getUint32(48, true), mmioStart: Number(d.getBigUint64(56, true)), mmioLen: d.getUint32(64, true),
    accel: d.getUint32(68, true), capabilities: d.getUint16(72, true),
  };
}

/** The 32 bpp XRGB8888 colour layout drm's fbdev emulation reports. */
export const XRGB8888 = {
  red: { offset: 16, length: 8, msbRight: 0 },
  green: { offset: 8, length: 8, msbRight: 0 },
  blue: { offset: 0, length: 8, msbRight: 0 },
  transp: { offset: 0, length: 0, msbRight: 0 },
} as const;
