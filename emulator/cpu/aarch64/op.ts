// The unit of decoded code: one closure per instruction word, specialised on its fields at
// decode time. Running it returns the next PC, or STOP when it stopped the CPU (SVC, fault,
// undefined instruction); the reason is then in the CPU's stop fields.
import type { A64Cpu } from './cpu';

export type Op = (c: A64Cpu) => number;

export const STOP = -1;

/** Why the CPU stopped (plain numbers: hot paths compare them every instruction). */
export type StopReason = 0 | 1 | 2 | 3 | 4;
export const STOP_NONE = 0;
export const STOP_SVC = 1;
export const STOP_FAULT = 2;
export const STOP_UNDEFINED = 3;
/** Internal: an instruction reads virtual time and needs `instructions` brought up to date first. */
export const STOP_SYNC = 4;

/** Register-file index of the zero register when read (always 0) and written (discarded). */
export const XZR_READ = 32;
export const XZR_WRITE = 33;
export const SP = 31;

/** Index for reading register field r where 31 means XZR. */
export function rz(r: number): number {
  return r === 31 ? XZR_READ : r;
}

/** Index for writing register field r where 31 means XZR. */
export function wz(r: number): number {
  return r === 31 ? XZR_WRITE : r;
}

export function undefinedOp(word: number): Op {
  return (c) => c.raiseUndefined(word);
}

/** Sign-extend the low `bits` bits of v (bits <= 32). */
export function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}
