// Effective addresses: register pairs as JS numbers (exact for user addresses below 2^48).
import type { A64Cpu } from './cpu';

const TWO32 = 4294967296;

export function baseAddr(c: A64Cpu, n: number): number {
  return c.xhi[n]! * TWO32 + (c.xlo[n]! >>> 0);
}

export function addToReg(c: A64Cpu, n: number, imm: number): void {
  const lo = (c.xlo[n]! >>> 0) + imm;
  c.xhi[n] = c.xhi[n]! + (lo >= TWO32 ? 1 : lo < 0 ? -1 : 0);
  c.xlo[n] = lo;
}

