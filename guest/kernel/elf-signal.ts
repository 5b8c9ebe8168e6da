// Signal frames for ELF tasks on arm64 (arch/arm64/kernel/signal.c): the handler runs on the
// user stack below a struct rt_sigframe { siginfo; ucontext { flags, link, stack, sigmask,
// pad, sigcontext { fault_address, regs[31], sp, pc, pstate, __reserved: fpsimd_context,
// terminator } } } and a frame record; x30 points at the restorer (SA_RESTORER) or the
// sigreturn trampoline page the kernel maps (our stand-in for the vDSO's). rt_sigreturn
// reads the frame back.

import type { A64Cpu } from '../../emulator/cpu/aarch64/cpu';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_EXEC, PROT_READ, type AddressSpace } from './mm/address-space';
import { SA_RESTORER, UNBLOCKABLE } from './signal-defs';
import type { SigAction, Task } from './task';
import { EINTR } from './errno';

const SIGINFO_BYTES = 128;
const UC_SIGMASK = 40, UC_MCONTEXT = 176;
const SC_REGS = 8, SC_SP = 8 + 31 * 8, SC_PC = SC_SP + 8, SC_PSTATE = SC_PC + 8, SC_RESERVED = 288;
const FPSIMD_MAGIC = 0x46508001, FPSIMD_SIZE = 528;
const SIGCONTEXT_BYTES = SC_RESERVED + 4096;
export const RT_SIGFRAME_BYTES = SIGINFO_BYTES + UC_MCONTEXT + SIGCONTEXT_BYTES;
/** Where the sigreturn trampoline page lives (just below the stack guard area). */
export const SIGTRAMP_ADDR = 0x0000_ffff_f7ff_0000;
/** mov x8, #139 (rt_sigreturn); svc #0 */
const TRAMPOLINE = [0xd2801168, 0xd4000001];

export function mapSigTrampoline(mm: AddressSpace): void {
  if (mm.mmap(SIGTRAMP_ADDR, 4096, PROT_READ | PROT_EXEC, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, '[vdso]') !== SIGTRAMP_ADDR) return;
  const code = new Uint8Array(8);
  const d = new DataView(code.buffer);
  TRAMPOLINE.forEach((w, i) => d.setUint32(4 * i, w, true));
  mm.poke(SIGTRAMP_ADDR, code);
}

function u64(d: DataView, off: number, lo: number, hi: number): void {
  d.setUint32(off, lo >>> 0, true);
  d.setUint32(off + 4, hi >>> 0, true);
}

function regNum(cpu: A64Cpu, r: number): number {
  return (cpu.xhi[r]! >>> 0) * 4294967296 + (cpu.xlo[r]! >>> 0);
}

/** Builds the frame and points the CPU at the handler. False when the stack cannot take it. */
export function setupElfFrame(t: Task, sig: number, act: SigAction, savedMask: bigint): boolean {
  const cpu = t.cpu!;
  const sp = regNum(cpu, 31);
  const record = Math.floor((sp - 16) / 16) * 16;
  const frame = Math.floor((record - RT_SIGFRAME_BYTES) / 16) * 16;
  const b = new Uint8Array(record + 16 - frame);
  const d = new DataView(b.buffer);
  d.setInt32(0, sig, true);
  if (t.faultInfo?.sig === sig) {
    d.setInt32(8, t.faultInfo.code, true);
    d.setBigUint64(16, BigInt(t.faultInfo.addr), true);
    t.faultInfo = undefined;
  }
  const uc = SIGINFO_BYTES, sc = uc + UC_MCONTEXT;
  d.setBigUint64(uc + UC_SIGMASK, BigInt.asUintN(64, savedMask), true);
  for (let r = 0; r < 31; r++) u64(d, sc + SC_REGS + 8 * r, cpu.xlo[r]!, cpu.xhi[r]!);
  u64(d, sc + SC_SP, cpu.xlo[31]!, cpu.xhi[31]!);
  d.setBigUint64(sc + SC_PC, BigInt(cpu.pc), true);
  d.setBigUint64(sc + SC_PSTATE, BigInt(cpu.nzcv >>> 0), true);
  const fp = sc + SC_RESERVED;
  d.setUint32(fp, FPSIMD_MAGIC, true);
  d.setUint32(fp + 4, FPSIMD_SIZE, true);
  d.setUint32(fp + 8, cpu.fpsr >>> 0, true);
  d.setUint32(fp + 12, cpu.fpcr >>> 0, true);
  b.set(new Uint8Array(cpu.vbuf), fp + 16);
  // The frame record {x29, x30} links the handler's frame to the interrupted code.
  u64(d, record - frame, cpu.xlo[29]!, cpu.xhi[29]!);
  u64(d, record - frame + 8, cpu.xlo[30]!, cpu.xhi[30]!);
  if (!t.mm.write(frame, b)) return false;
  cpu.setXNum(0, sig);
  cpu.setXNum(1, frame);
  cpu.setXNum(2, frame + uc);
  cpu.setXNum(29, record);
  cpu.setXNum(30, act.flags & SA_RESTORER && act.restorer !== 0 ? act.restorer : SIGTRAMP_ADDR);
  cpu.setXNum(31, frame);
  cpu.pc = act.handler;
  return true;
}

/** rt_sigreturn: restores registers, flags, FP/SIMD state and the mask from the frame at sp. */
export function elfSigreturn(t: Task): boolean {
  const cpu = t.cpu!;
  const frame = regNum(cpu, 31);
  const b = t.mm.read(frame, SIGINFO_BYTES + UC_MCONTEXT + SC_RESERVED + 16 + 512);
  if (!b || frame % 16 !== 0) return false;
  const d = new DataView(b.buffer);
  const uc = SIGINFO_BYTES, sc = uc + UC_MCONTEXT;
  for (let r = 0; r < 31; r++) {
    cpu.xlo[r] = d.getInt32(sc + SC_REGS + 8 * r, true);
    cpu.xhi[r] = d.getInt32(sc + SC_REGS + 8 * r + 4, true);
  }
  cpu.xlo[31] = d.getInt32(sc + SC_SP, true);
  cpu.xhi[31] = d.getInt32(sc + SC_SP + 4, true);
  cpu.pc = Number(d.getBigUint64(sc + SC_PC, true));
  cpu.nzcv = Number(d.getBigUint64(sc + SC_PSTATE, true) & 0xf0000000n);
  const fp = sc + SC_RESERVED;
  if (d.getUint32(fp, true) === FPSIMD_MAGIC) {
    cpu.fpsr = d.getUint32(fp + 8, true);
    cpu.fpcr = d.getUint32(fp + 12, true);
    new Uint8Array(cpu.vbuf).set(b.subarray(fp + 16, fp + 16 + 512));
  }
  t.sigBlocked = d.getBigUint64(uc + UC_SIGMASK, true) & ~UNBLOCKABLE;
  return true;
}

/** Before a frame is built over a blocked call: rewind to re-issue it (restart) or fail it with EINTR. */
export function settleInterruptedSvc(t: Task, restart: boolean): void {
  const cpu = t.cpu!;
  if (restart) cpu.pc -= 4;
  else cpu.setXNum(0, -EINTR);
}
