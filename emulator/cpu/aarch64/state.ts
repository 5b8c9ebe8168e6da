// CPU state as plain data for snapshots (msgpackr-friendly: named fields, typed arrays).
// Decoded code, the TLB and the exclusive monitor are caches, not state: they are rebuilt.
import type { A64Cpu } from './cpu';

export interface A64CpuState {
  xlo: Int32Array; // X0..X30 and SP (32 entries)
  xhi: Int32Array;
  pc: number;
  nzcv: number;
  v: Uint8Array; // V0..V31, 512 bytes little-endian
  fpcr: number;
  fpsr: number;
  tpidrLo: number;
  tpidrHi: number;
  instructions: number;
}

export function saveCpuState(c: A64Cpu): A64CpuState {
  return {
    xlo: c.xlo.slice(0, 32),
    xhi: c.xhi.slice(0, 32),
    pc: c.pc,
    nzcv: c.nzcv >>> 0,
    v: c.vu8.slice(0, 512),
    fpcr: c.fpcr,
    fpsr: c.fpsr,
    tpidrLo: c.tpidrLo,
    tpidrHi: c.tpidrHi,
    instructions: c.instructions,
  };
}

/** Restore into a CPU built on the same address space; returns an error message for malformed state. */
export function restoreCpuState(c: A64Cpu, s: A64CpuState): string | undefined {
  if (s.xlo.length !== 32 || s.xhi.length !== 32 || s.v.length !== 512) return 'CPU state: wrong register file sizes';
  if (!Number.isSafeInteger(s.pc) || s.pc < 0 || !Number.isSafeInteger(s.instructions)) return 'CPU state: bad pc or instruction count';
  c.xlo.set(s.xlo);
  c.xhi.set(s.xhi);
  c.xlo[32] = 0;
  c.xhi[32] = 0;
  c.pc = s.pc;
  c.nzcv = s.nzcv;
  c.vu8.set(s.v, 0);
  c.fpcr = s.fpcr;
  c.fpsr = s.fpsr;
  c.tpidrLo = s.tpidrLo;
  c.tpidrHi = s.tpidrHi;
  c.instructions = s.instructions;
  c.monitorAddr = -1;
  c.invalidateAll();
  return undefined;
}
