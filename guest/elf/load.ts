// Mapping a parsed ELF64 image into a process: each PT_LOAD becomes a page-aligned mapping
// with its permissions, filled from the file, with the rest (bss and page tails) zero.
// ET_DYN images (static PIE) are placed at a load bias. PT_INTERP is reported, not followed:
// the kernel decides whether the interpreter exists. PT_TLS and PT_GNU_STACK are noted.
import type { Elf64, ProgramHeader } from './parse';
import { ET_DYN, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_LOAD, PT_PHDR, PT_TLS, interpreterPath } from './parse';

export interface Prot {
  read: boolean;
  write: boolean;
  exec: boolean;
}

/** What the kernel's address space offers the loader. */
export interface LoadTarget {
  /** Map zeroed anonymous memory at a page-aligned range; false if it cannot. */
  mapAnonymous(vaddr: number, sizeBytes: number, prot: Prot): boolean;
  /** Copy bytes in regardless of protection (the kernel writing on the process's behalf). */
  write(vaddr: number, data: Uint8Array): boolean;
}

export interface LoadedImage {
  entry: number;
  loadBias: number;
  phdrAddr: number;
  phent: number;
  phnum: number;
  /** First byte after the highest segment, page aligned: where brk starts. */
  brkStart: number;
  interp: string | undefined;
  tls: ProgramHeader | undefined;
  /** PT_GNU_STACK has PF_X (without PT_GNU_STACK, arm64 Linux still maps a non-executable stack). */
  stackExecutable: boolean;
}

/** Default bias for ET_DYN images: ELF_ET_DYN_BASE for a 48-bit arm64 task, 64 KiB aligned. */
export const DEFAULT_DYN_BASE = 0xaaaaaaaa0000;
const PAGE = 4096;

export function loadElf(elf: Elf64, bytes: Uint8Array, target: LoadTarget, dynBase = DEFAULT_DYN_BASE): LoadedImage | { error: string } {
  const loads = elf.phdrs.filter((p) => p.type === PT_LOAD);
  const minVaddr = Math.min(...loads.map((p) => p.vaddr - (p.vaddr % PAGE)));
  const bias = elf.type === ET_DYN ? dynBase - minVaddr : 0;
  let brk = 0;
  for (const ph of loads) {
    const start = ph.vaddr + bias - ((ph.vaddr + bias) % PAGE);
    const end = Math.ceil((ph.vaddr + bias + ph.memsz) / PAGE) * PAGE;
    const prot: Prot = { read: (ph.flags & PF_R) !== 0, write: (ph.flags & PF_W) !== 0, exec: (ph.flags & PF_X) !== 0 };
    if (end > start && !target.mapAnonymous(start, end - start, prot)) return { error: `cannot map segment at 0x${start.toString(16)}` };
    if (ph.filesz > 0 && !target.write(ph.vaddr + bias, bytes.subarray(ph.offset, ph.offset + ph.filesz))) {
      return { error: `cannot fill segment at 0x${(ph.vaddr + bias).toString(16)}` };
    }
    brk = Math.max(brk, end);
  }
  const phdrSeg = elf.phdrs.find((p) => p.type === PT_PHDR);
  const phdrAddr = phdrSeg ? phdrSeg.vaddr + bias : phdrFromLoads(loads, elf.phoff) + bias;
  const stack = elf.phdrs.find((p) => p.type === PT_GNU_STACK);
  return {
    entry: elf.entry + bias,
    loadBias: bias,
    phdrAddr,
    phent: elf.phentsize,
    phnum: elf.phnum,
    brkStart: brk,
    interp: interpreterPath(elf, bytes),
    tls: elf.phdrs.find((p) => p.type === PT_TLS),
    stackExecutable: stack ? (stack.flags & PF_X) !== 0 : false,
  };
}

/** Without PT_PHDR, the table's address is where the segment holding file offset e_phoff lands. */
function phdrFromLoads(loads: ProgramHeader[], phoff: number): number {
  const seg = loads.find((p) => phoff >= p.offset && phoff < p.offset + p.filesz) ?? loads[0]!;
  return seg.vaddr + (phoff - seg.offset);
}
