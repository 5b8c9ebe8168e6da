// ELF64 file parsing (little-endian AArch64): the file header and program headers, with the
// checks Linux's binfmt_elf makes before it maps anything. Pure: bytes in, a value or an
// error message out; a malformed file never throws.

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_AARCH64 = 183;

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;

export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

const EHDR_SIZE_BYTES = 64;
const PHDR_SIZE_BYTES = 56;
/** binfmt_elf refuses program header tables larger than this. */
const MAX_PHDR_TABLE_BYTES = 65536;
const PAGE_SIZE_BYTES = 4096;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface Elf64 {
  type: number;
  machine: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
}

export type ElfParseResult = { ok: true; elf: Elf64 } | { ok: false; error: string };

function u64(view: DataView, at: number): number | undefined {
  const lo = view.getUint32(at, true);
  const hi = view.getUint32(at + 4, true);
  if (hi >= 0x200000) return undefined; // beyond 2^53: no valid user address or size
  return hi * 4294967296 + lo;
}

export function parseElf64(bytes: Uint8Array): ElfParseResult {
  const fail = (error: string): ElfParseResult => ({ ok: false, error });
  if (bytes.length < EHDR_SIZE_BYTES) return fail(`file too short for an ELF header (${bytes.length} bytes)`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return fail('not an ELF file (bad magic)');
  if (bytes[4] !== 2) return fail('not a 64-bit ELF file (EI_CLASS)');
  if (bytes[5] !== 1) return fail('not a little-endian ELF file (EI_DATA)');
  if (bytes[6] !== 1) return fail('unsupported ELF version (EI_VERSION)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (type !== ET_EXEC && type !== ET_DYN) return fail(`not an executable (e_type ${type})`);
  if (machine !== EM_AARCH64) return fail(`wrong architecture (e_machine ${machine}, want ${EM_AARCH64} AArch64)`);
  const entry = u64(view, 24);
  const phoff = u64(view, 32);
  if (entry === undefined || phoff === undefined) return fail('e_entry or e_phoff out of range');
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phentsize !== PHDR_SIZE_BYTES) return fail(`bad e_phentsize ${phentsize}`);
  if (phnum < 1 || phnum * PHDR_SIZE_BYTES > MAX_PHDR_TABLE_BYTES) return fail(`bad e_phnum ${phnum}`);
  if (phoff + phnum * PHDR_SIZE_BYTES > bytes.length) return fail('program header table extends past the end of the file');
  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE_BYTES;
    const offset = u64(view, at + 8);
    const vaddr = u64(view, at + 16);
    const filesz = u64(view, at + 32);
    const memsz = u64(view, at + 40);
    const align = u64(view, at + 48);
    if (offset === undefined || vaddr === undefined || filesz === undefined || memsz === undefined || align === undefined) {
      return fail(`program header ${i}: field out of range`);
    }
    const ph: ProgramHeader = { type: view.getUint32(at, true), flags: view.getUint32(at + 4, true), offset, vaddr, filesz, memsz, align };
    const problem = checkPhdr(ph, bytes.length);
    if (problem) return fail(`program header ${i}: ${problem}`);
    phdrs.push(ph);
  }
  if (!phdrs.some((p) => p.type === PT_LOAD)) return fail('no PT_LOAD segment');
  return { ok: true, elf: { type, machine, entry, phoff, phentsize, phnum, phdrs } };
}

function checkPhdr(ph: ProgramHeader, fileBytes: number): string | undefined {
  if (ph.type !== PT_LOAD && ph.type !== PT_INTERP) return undefined;
  if (ph.offset + ph.filesz > fileBytes) return 'segment extends past the end of the file';
  if (ph.type === PT_INTERP) return ph.filesz < 2 || ph.filesz > 4096 ? 'bad PT_INTERP size' : undefined;
  if (ph.filesz > ph.memsz) return 'p_filesz larger than p_memsz';
  if ((ph.vaddr - ph.offset) % PAGE_SIZE_BYTES !== 0) return 'p_vaddr and p_offset not congruent modulo the page size';
  if (ph.vaddr + ph.memsz > 2 ** 48) return 'segment beyond the 48-bit user address space';
  return undefined;
}

/** The NUL-terminated interpreter path of PT_INTERP, if any. */
export function interpreterPath(elf: Elf64, bytes: Uint8Array): string | undefined {
  const ph = elf.phdrs.find((p) => p.type === PT_INTERP);
  if (!ph) return undefined;
  const raw = bytes.subarray(ph.offset, ph.offset + ph.filesz);
  const nul = raw.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? raw.subarray(0, nul) : raw);
}
