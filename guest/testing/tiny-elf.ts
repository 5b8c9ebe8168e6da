// Builds tiny static AArch64 ELF executables in memory for tests: an ELF header, one
// PT_LOAD program header (r-x, file offset 0 at 0x400000) and the given code and data.
// A handful of instruction encoders (Arm ARM C6) keep the test programs readable.

export const TINY_ELF_BASE = 0x400000;
const HEADER_BYTES = 64 + 56;

export const A64 = {
  movz: (rd: number, imm16: number) => (0xd2800000 | ((imm16 & 0xffff) << 5) | rd) >>> 0,
  /** movn rd, #0: rd = -1 */
  movnZero: (rd: number) => (0x92800000 | rd) >>> 0,
  svc: () => 0xd4000001,
  ret: () => 0xd65f03c0,
  /** adr rd, pc + offset */
  adr: (rd: number, offset: number) => (0x10000000 | ((offset & 3) << 29) | (((offset >> 2) & 0x7ffff) << 5) | rd) >>> 0,
  /** cbz xt, pc + offset */
  cbz: (rt: number, offset: number) => (0xb4000000 | (((offset >> 2) & 0x7ffff) << 5) | rt) >>> 0,
};

/** An executable whose entry is the first instruction; `data` follows the code. Returns the image and data's address. */
export function tinyElf(code: (dataAddr: number) => number[], data: Uint8Array, segmentFlags = 5): Uint8Array {
  const words = code(0).length;
  const dataAddr = TINY_ELF_BASE + HEADER_BYTES + 4 * words;
  const insns = code(dataAddr);
  const total = HEADER_BYTES + 4 * insns.length + data.length;
  const b = new Uint8Array(total);
  const d = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  d.setUint16(16, 2, true); // ET_EXEC
  d.setUint16(18, 183, true); // EM_AARCH64
  d.setUint32(20, 1, true);
  d.setBigUint64(24, BigInt(TINY_ELF_BASE + HEADER_BYTES), true);
  d.setBigUint64(32, 64n, true);
  d.setUint16(52, 64, true);
  d.setUint16(54, 56, true);
  d.setUint16(56, 1, true);
  d.setUint32(64, 1, true); // PT_LOAD
  d.setUint32(68, segmentFlags, true); // PF_R | PF_X by default
  d.setBigUint64(80, BigInt(TINY_ELF_BASE), true);
  d.setBigUint64(88, BigInt(TINY_ELF_BASE), true);
  d.setBigUint64(96, BigInt(total), true);
  d.setBigUint64(104, BigInt(total), true);
  d.setBigUint64(112, 4096n, true);
  insns.forEach((w, i) => d.setUint32(HEADER_BYTES + 4 * i, w, true));
  b.set(data, HEADER_BYTES + 4 * insns.length);
  return b;
}

/** Address of the instruction at index `i`. */
export function insnAddr(i: number): number {
  return TINY_ELF_BASE + HEADER_BYTES + 4 * i;
}
