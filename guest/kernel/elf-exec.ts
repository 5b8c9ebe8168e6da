// ELF tasks: execve of a static AArch64 ELF image (the loader and initial stack are the
// ELF helper's, guest/elf/), and running such a task on the CPU interpreter: instructions
// retire in batches charged at a fixed virtual cost, SVC enters the same syscall table as
// native programs (x8 = number, x0..x5 = arguments, result in x0), faults become signals.

import { A64Cpu } from '../../emulator/cpu/aarch64/cpu';
import type { CpuTimeSource } from '../../emulator/cpu/aarch64/memory';
import { A64_HWCAP, A64_HWCAP2 } from '../elf/auxv';
import { loadElf, type LoadTarget } from '../elf/load';
import { EM_AARCH64, ET_DYN, interpreterPath, parseElf64, type Elf64 } from '../elf/parse';
import { buildInitialStack } from '../elf/stack';
import { E2BIG, ELIBBAD, ENOEXEC } from './errno';
import { fileRead } from '../fs/tmpfs';
import { replaceImage } from './exec';
import type { Kernel } from './kernel';
import { MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_TOP } from './mm/address-space';
import type { AddressSpace } from './mm/address-space';
import { KERN_WARNING } from './klog';
import { doExit } from './process';
import type { Task } from './task';
import type { SyscallTrap } from '../abi/native';
import { forceSignal } from './signal';
import { mapSigTrampoline } from './elf-signal';

/** Virtual time per retired instruction (a 1 GHz in-order core). */
export const INSTRUCTION_COST_NS = 1;
/** The virtual counter's frequency, as QEMU's virt machine reports it. */
export const CNTFRQ_HZ = 62_500_000;
/** Instructions run between checks for interrupts and the time limit. */
export const MAX_BATCH_INSTRUCTIONS = 100_000;
/** Invalidating more pages than this one by one costs more than flushing the whole TLB. */
const INVALIDATE_ONE_BY_ONE = 64;

export function cpuTimeSource(k: Kernel): CpuTimeSource {
  return { cntvct: () => Math.floor((k.now * CNTFRQ_HZ) / 1e9), cntfrqHz: CNTFRQ_HZ };
}

/** The CPUs (one per thread) running in each address space. */
const cpusOf = new WeakMap<AddressSpace, A64Cpu[]>();

/** Keeps every CPU's TLB and decoded-code cache coherent with the address space (threads share one). */
export function attachCpu(mm: AddressSpace, cpu: A64Cpu): void {
  let cpus = cpusOf.get(mm);
  if (!cpus) {
    const list: A64Cpu[] = [];
    cpus = list;
    cpusOf.set(mm, list);
    mm.onInvalidate = (first, end) => {
      for (const c of list) {
        if (end - first > INVALIDATE_ONE_BY_ONE) c.invalidateAll();
        else for (let vpn = first; vpn < end; vpn++) c.invalidatePage(vpn);
      }
    };
    mm.onWriteProtect = () => {
      for (const c of list) c.invalidateWrites();
    };
  }
  cpus.push(cpu);
}

/** A thread left: its CPU no longer needs invalidations. */
export function detachCpu(mm: AddressSpace, cpu: A64Cpu): void {
  const cpus = cpusOf.get(mm);
  const i = cpus ? cpus.indexOf(cpu) : -1;
  if (cpus && i >= 0) cpus.splice(i, 1);
}

function loadTarget(mm: AddressSpace, path: string): LoadTarget {
  return {
    mapAnonymous: (vaddr, size, prot) => {
      const bits = (prot.read ? PROT_READ : 0) | (prot.write ? PROT_WRITE : 0) | (prot.exec ? PROT_EXEC : 0);
      return mm.mmap(vaddr, size, bits, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, path) === vaddr;
    },
    write: (vaddr, data) => mm.poke(vaddr, data),
  };
}

/** Where the dynamic loader (PT_INTERP) goes: below the stack, clear of PIE executables and mmap. */
export const INTERP_BASE = 0xffff_b000_0000;

/** The PT_INTERP program, looked up in the guest filesystem as Linux's binfmt_elf does. */
function readInterpreter(k: Kernel, t: Task, path: string, interp: string): { elf: Elf64; bytes: Uint8Array } | number {
  const r = k.vfs.resolve(t.cwd, interp, { followLast: true, cred: t.cred });
  if (typeof r === 'number' || r.node.kind !== 'file') {
    k.klog.printk(`${path}: dynamic loader ${interp} not found in the guest filesystem`, KERN_WARNING);
    return typeof r === 'number' ? r : -ENOEXEC;
  }
  const bytes = fileRead(r.node, 0, r.node.size);
  const parsed = parseElf64(bytes);
  if (!parsed.ok || parsed.elf.machine !== EM_AARCH64 || parsed.elf.type !== ET_DYN || interpreterPath(parsed.elf, bytes) !== undefined) {
    k.klog.printk(`${path}: ${interp} is not a usable aarch64 dynamic loader`, KERN_WARNING);
    return -ELIBBAD;
  }
  return { elf: parsed.elf, bytes };
}

/** execve of an ELF image. Checks everything it can before the point of no return. */
export function execElf(k: Kernel, t: Task, image: Uint8Array, path: string, argv: string[], envp: string[], commPath = path): number {
  const parsed = parseElf64(image);
  if (!parsed.ok) return -ENOEXEC;
  const elf = parsed.elf;
  if (k.arch !== 'aarch64' || elf.machine !== EM_AARCH64) return -ENOEXEC;
  const interpPath = interpreterPath(elf, image);
  const interp = interpPath === undefined ? undefined : readInterpreter(k, t, path, interpPath);
  if (typeof interp === 'number') return interp;
  replaceImage(k, t, path, commPath);
  mapSigTrampoline(t.mm);
  const loaded = loadElf(elf, image, loadTarget(t.mm, path));
  if ('error' in loaded) return fatal(k, t, `${path}: ${loaded.error}`);
  t.mm.brkStart = t.mm.brkEnd = loaded.brkStart;
  // A dynamic program starts in its loader, which finds the program through AT_PHDR/AT_ENTRY and AT_BASE.
  let start = loaded.entry;
  let interpBase = 0;
  if (interp) {
    const ld = loadElf(interp.elf, interp.bytes, loadTarget(t.mm, interpPath!), INTERP_BASE);
    if ('error' in ld) return fatal(k, t, `${interpPath}: ${ld.error}`);
    start = ld.entry;
    interpBase = ld.loadBias;
  }
  const stack = buildInitialStack({
    stackTop: STACK_TOP, argv, envp, execfn: path, phdrAddr: loaded.phdrAddr, phent: loaded.phent, phnum: loaded.phnum,
    entry: loaded.entry, interpBase, uid: t.cred.uid, euid: t.cred.euid, gid: t.cred.gid, egid: t.cred.egid,
    secure: false, hwcap: A64_HWCAP, hwcap2: A64_HWCAP2, pageSizeBytes: 4096, prng: k.random,
  });
  if ('error' in stack) return fatal(k, t, `${path}: arguments too long`, -E2BIG);
  if (!t.mm.poke(stack.sp, stack.image)) return fatal(k, t, `${path}: cannot build the stack`);
  const cpu = new A64Cpu(t.mm, cpuTimeSource(k));
  cpu.pc = start;
  cpu.setXNum(31, stack.sp);
  attachCpu(t.mm, cpu);
  t.cpu = cpu;
  t.program = undefined;
  t.argv = argv;
  t.envp = envp;
  t.pendingTrap = undefined;
  t.restart = {};
  return 0;
}

/** A failure after the old image is gone: the task cannot continue (Linux sends SIGKILL/SIGSEGV). */
function fatal(k: Kernel, t: Task, msg: string, errno = -ENOEXEC): number {
  k.klog.printk(msg, KERN_WARNING);
  doExit(k, t, 9);
  return errno;
}

/** The signed 64-bit value of register `r`, as a number (exact within ±2^53). */
export function regArg(cpu: A64Cpu, r: number): number {
  return cpu.xhi[r]! * 4294967296 + (cpu.xlo[r]! >>> 0);
}

/** A fork child's CPU: the parent's registers, with x0 = 0 and optionally a new stack. */
export function cloneCpu(k: Kernel, parent: A64Cpu, mm: AddressSpace, newSp: number): A64Cpu {
  const c = new A64Cpu(mm, cpuTimeSource(k));
  c.xlo.set(parent.xlo);
  c.xhi.set(parent.xhi);
  new Uint8Array(c.vbuf).set(new Uint8Array(parent.vbuf));
  c.nf = parent.nf; c.zf = parent.zf; c.cf = parent.cf; c.vf = parent.vf;
  c.pc = parent.pc;
  c.fpcr = parent.fpcr;
  c.fpsr = parent.fpsr;
  c.tpidrLo = parent.tpidrLo;
  c.tpidrHi = parent.tpidrHi;
  c.setXNum(0, 0);
  if (newSp !== 0) c.setXNum(31, newSp);
  attachCpu(mm, c);
  return c;
}

const SIGILL = 4, SIGBUS = 7, SIGSEGV = 11;

/** Runs an ELF task's CPU until its next system call (returned as a trap), a fault, or the budget. */
export function runCpu(k: Kernel, t: Task, limitNs: number): SyscallTrap | undefined {
  const cpu = t.cpu!;
  const room = Math.min(limitNs - k.now, t.sliceLeftNs);
  const budget = Math.max(1, Math.min(MAX_BATCH_INSTRUCTIONS, Math.floor(room / INSTRUCTION_COST_NS)));
  const before = cpu.instructions;
  const r = cpu.run(budget);
  const spentNs = (cpu.instructions - before) * INSTRUCTION_COST_NS;
  k.charge(spentNs, limitNs);
  t.usage.utimeNs += spentNs;
  switch (r.reason) {
    case 'svc':
      return { nr: regArg(cpu, 8), args: [0, 1, 2, 3, 4, 5].map((i) => regArg(cpu, i)) };
    case 'fault': {
      const f = r.fault;
      // As arm64's show_unhandled_signals report does.
      k.klog.printk(`${t.comm}[${t.pid}]: unhandled ${f.alignment ? 'alignment' : f.kind === 'unmapped' ? 'translation' : 'permission'} fault (${f.alignment ? SIGBUS : SIGSEGV}) at 0x${f.addr.toString(16).padStart(16, '0')}, access ${f.access}, pc 0x${cpu.pc.toString(16)}`, KERN_WARNING);
      // si_code: BUS_ADRALN, or SEGV_MAPERR / SEGV_ACCERR.
      t.faultInfo = { sig: f.alignment ? SIGBUS : SIGSEGV, code: f.alignment ? 1 : f.kind === 'unmapped' ? 1 : 2, addr: f.addr };
      forceSignal(k, t, f.alignment ? SIGBUS : SIGSEGV);
      return undefined;
    }
    case 'undefined':
      k.klog.printk(`${t.comm}[${t.pid}]: undefined instruction 0x${(r.word >>> 0).toString(16).padStart(8, '0')} at pc 0x${r.pc.toString(16)}`, KERN_WARNING);
      t.faultInfo = { sig: SIGILL, code: 1, addr: r.pc }; // ILL_ILLOPC
      forceSignal(k, t, SIGILL);
      return undefined;
    default:
      return undefined;
  }
}
