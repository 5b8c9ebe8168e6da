// Shared pieces of the wire layer: the parse result type, big-endian field access, MAC and IPv4
// address forms, and the Internet checksum (RFC 1071). Everything here is pure.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}

/** A MAC address as lower-case colon-separated hex ("52:54:00:12:34:56"). */
export type Mac = string;
/** An IPv4 address as an unsigned 32-bit number in network order (10.0.2.2 = 0x0a000202). */
export type Ipv4Addr = number;

export const BROADCAST_MAC: Mac = 'ff:ff:ff:ff:ff:ff';
export const IPV4_BROADCAST: Ipv4Addr = 0xffffffff;

export function be16(b: Uint8Array, off: number): number {
  return (b[off] << 8) | b[off + 1];
}

export function be32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

export function put16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 0xff;
  b[off + 1] = v & 0xff;
}

export function put32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 0xff;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function readMac(b: Uint8Array, off: number): Mac {
  return `${HEX[b[off]]}:${HEX[b[off + 1]]}:${HEX[b[off + 2]]}:${HEX[b[off + 3]]}:${HEX[b[off + 4]]}:${HEX[b[off + 5]]}`;
}

/** Writes a MAC; an ill-formed string is a host-side bug (addresses come from configuration). */
export function writeMac(b: Uint8Array, off: number, mac: Mac): void {
  // Hand-rolled: this runs for every emitted frame.
  if (mac.length !== 17) throw new Error(`bad MAC address "${mac}"`);
  for (let i = 0; i < 6; i++) {
    const hi = hexDigit(mac.charCodeAt(3 * i));
    const lo = hexDigit(mac.charCodeAt(3 * i + 1));
    if (hi < 0 || lo < 0 || (i < 5 && mac.charCodeAt(3 * i + 2) !== 0x3a)) throw new Error(`bad MAC address "${mac}"`);
    b[off + i] = (hi << 4) | lo;
  }
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

export function macBytes(mac: Mac): Uint8Array {
  const b = new Uint8Array(6);
  writeMac(b, 0, mac);
  return b;
}

export function isValidMac(s: string): boolean {
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(s);
}

/** Parses dotted-quad text; throws on malformed text (addresses come from configuration). */
export function ipv4(text: string): Ipv4Addr {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`bad IPv4 address "${text}"`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0) >>> 0;
}

export function formatIpv4(a: Ipv4Addr): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** Ones'-complement sum of 16-bit big-endian words over b[start, end), folded to 16 bits. */
export function onesSum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (i < end) sum += b[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The checksum field value for a ones'-complement sum (RFC 1071). */
export function finishChecksum(sum: number): number {
  return ~sum & 0xffff;
}

/** Sum of the IPv4 pseudo-header used by UDP and TCP (RFC 768, RFC 9293 §3.1). */
export function pseudoHeaderSum(src: Ipv4Addr, dst: Ipv4Addr, protocol: number, lengthBytes: number): number {
  let sum = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + lengthBytes;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}
