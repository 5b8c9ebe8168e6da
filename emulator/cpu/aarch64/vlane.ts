// Lane access to the V register file for the Advanced SIMD decoders. Lanes of 8..32 bits are
// unsigned numbers; 64-bit lanes are bigints (rarely on a hot path).
import type { A64Cpu } from './cpu';

export function getLane(c: A64Cpu, r: number, size: number, e: number): number {
  switch (size) {
    case 0:
      return c.vu8[r * 16 + e]!;
    case 1:
      return c.vu16[r * 8 + e]!;
    default:
      return c.vu32[r * 4 + e]!;
  }
}

export function setLane(c: A64Cpu, r: number, size: number, e: number, v: number): void {
  switch (size) {
    case 0:
      c.vu8[r * 16 + e] = v;
      break;
    case 1:
      c.vu16[r * 8 + e] = v;
      break;
    default:
      c.vu32[r * 4 + e] = v;
  }
}

export function getLane64(c: A64Cpu, r: number, e: number): bigint {
  const i = r * 4 + e * 2;
  return (BigInt(c.vu32[i + 1]!) << 32n) | BigInt(c.vu32[i]!);
}

export function setLane64(c: A64Cpu, r: number, e: number, v: bigint): void {
  const i = r * 4 + e * 2;
  c.vu32[i] = Number(v & 0xffffffffn);
  c.vu32[i + 1] = Number((v >> 32n) & 0xffffffffn);
}

/** Lane value as signed. */
export function signed(v: number, size: number): number {
  const s = 32 - (8 << size);
  return s === 0 ? v | 0 : (v << s) >> s;
}

export function laneMask(size: number): number {
  return size === 2 ? 0xffffffff : (1 << (8 << size)) - 1;
}

/** Zero bytes 8..15 of a V register (the result of any 64-bit vector operation). */
export function clearHigh(c: A64Cpu, r: number): void {
  c.vu32[r * 4 + 2] = 0;
  c.vu32[r * 4 + 3] = 0;
}

/** A snapshot of a V register's 16 bytes (so Vd may alias a source). */
export function copyReg(c: A64Cpu, r: number): Uint8Array {
  return c.vu8.slice(r * 16, r * 16 + 16);
}
