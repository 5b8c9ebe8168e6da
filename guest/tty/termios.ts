// struct termios (asm-generic and x86_64 share this kernel layout: four u32 flags, c_line,
// c_cc[19]; 36 bytes) and struct winsize, as pure encode/decode, plus Linux's defaults
// (drivers/tty/tty_io.c tty_std_termios).

export const NCCS = 19;
export const TERMIOS_SIZE = 36;
export const VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7;
export const VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;

export const IGNBRK = 0x1, BRKINT = 0x2, IGNPAR = 0x4, INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400, IUTF8 = 0x4000;
export const OPOST = 0x1, ONLCR = 0x4, OCRNL = 0x8;
export const ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHOE = 0x10, ECHOK = 0x20, ECHONL = 0x40, NOFLSH = 0x80;
export const TOSTOP = 0x100, ECHOCTL = 0x200, ECHOKE = 0x800, IEXTEN = 0x8000;
export const B38400 = 0o17, CS8 = 0o60, CREAD = 0o200, HUPCL = 0o2000;

export interface Termios {
  iflag: number;
  oflag: number;
  cflag: number;
  lflag: number;
  line: number;
  cc: number[];
}

export interface Winsize {
  rows: number;
  cols: number;
  xpixel: number;
  ypixel: number;
}

export function defaultTermios(): Termios {
  const cc = new Array<number>(NCCS).fill(0);
  cc[VINTR] = 0x03; cc[VQUIT] = 0x1c; cc[VERASE] = 0x7f; cc[VKILL] = 0x15; cc[VEOF] = 0x04;
  cc[VTIME] = 0; cc[VMIN] = 1; cc[VSTART] = 0x11; cc[VSTOP] = 0x13; cc[VSUSP] = 0x1a;
  cc[VREPRINT] = 0x12; cc[VDISCARD] = 0x0f; cc[VWERASE] = 0x17; cc[VLNEXT] = 0x16;
  return {
    iflag: ICRNL | IXON,
    oflag: OPOST | ONLCR,
    cflag: B38400 | CS8 | CREAD | HUPCL,
    lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    line: 0,
    cc,
  };
}

export function encodeTermios(t: Termios): Uint8Array {
  const b = new Uint8Array(TERMIOS_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, t.iflag >>> 0, true);
  dv.setUint32(4, t.oflag >>> 0, true);
  dv.setUint32(8, t.cflag >>> 0, true);
  dv.setUint32(12, t.lflag >>> 0, true);
  b[16] = t.line;
  for (let i = 0; i < NCCS; i++) b[17 + i] = t.cc[i] ?? 0;
  return b;
}

export function decodeTermios(b: Uint8Array): Termios {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const cc: number[] = [];
  for (let i = 0; i < NCCS; i++) cc.push(b[17 + i]);
  return { iflag: dv.getUint32(0, true), oflag: dv.getUint32(4, true), cflag: dv.getUint32(8, true), lflag: dv.getUint32(12, true), line: b[16], cc };
}

export const WINSIZE_SIZE = 8;

export function encodeWinsize(w: Winsize): Uint8Array {
  const b = new Uint8Array(WINSIZE_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, w.rows, true);
  dv.setUint16(2, w.cols, true);
  dv.setUint16(4, w.xpixel, true);
  dv.setUint16(6, w.ypixel, true);
  return b;
}

export function decodeWinsize(b: Uint8Array): Winsize {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { rows: dv.getUint16(0, true), cols: dv.getUint16(2, true), xpixel: dv.getUint16(4, true), ypixel: dv.getUint16(6, true) };
}
