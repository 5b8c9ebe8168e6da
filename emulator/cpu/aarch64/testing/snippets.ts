// Random instruction snippets for the qemu-aarch64 oracle: each case loads a random register
// state and a 256-byte scratch buffer (x28 points at it), runs a few instructions, then dumps
// X0-X30, NZCV, FPSR, V0-V31 and the buffer through write(1). The same program runs under
// qemu-aarch64 and under the interpreter; the dumps must be identical.
import { Prng } from '../../../random/prng';

export const REG_BLOCK_BYTES = 784;
export const SCRATCH_BYTES = 256;
export const CASE_BYTES = REG_BLOCK_BYTES + SCRATCH_BYTES;

export interface SnippetCase {
  body: string[];
  regs: bigint[]; // 98 quadwords: x0..x30, nzcv, fpsr, pad, q0..q31 as 64 halves
  scratch: bigint[]; // 32 quadwords
}

const INTERESTING = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen, 63n, 64n, 31n, 32n];
const FP_D = [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff8000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0x7ff4000000000001n, 0x0000000000000001n, 0x4330000000000000n, 0x43e0000000000000n, 0xc3e0000000000001n,
  0x3fe0000000000000n, 0x4004000000000000n, 0x41dfffffffc00000n, 0xc1e0000000000000n];
const FP_S = [0n, 0x80000000n, 0x3f800000n, 0xbfc00000n, 0x7f800000n, 0xff800000n, 0x7fc00000n, 0x7fa00001n, 1n, 0x4f000000n,
  0x3f000000n, 0x40200000n, 0x5f000000n, 0xcf000001n];

export class SnippetGen {
  constructor(private readonly prng: Prng) {}

  int(n: number): number {
    return this.prng.nextU32() % n;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  u64(): bigint {
    return (BigInt(this.prng.nextU32()) << 32n) | BigInt(this.prng.nextU32());
  }

  regValue(): bigint {
    const k = this.int(4);
    if (k === 0) return this.pick(INTERESTING);
    if (k === 1) return BigInt(this.prng.nextU32());
    if (k === 2) return BigInt(this.int(300));
    return this.u64();
  }

  fpHalf(): bigint {
    const k = this.int(4);
    if (k === 0) return this.pick(FP_D);
    if (k === 1) return (this.pick(FP_S) << 32n) | this.pick(FP_S);
    if (k === 2) return BigInt(Math.floor(this.int(2000) - 1000)) & 0xffffffffffffffffn;
    return this.u64();
  }

  makeCase(body: string[]): SnippetCase {
    const regs: bigint[] = [];
    for (let i = 0; i < 31; i++) regs.push(this.regValue());
    regs.push(BigInt(this.int(16)) << 28n, 0n, 0n);
    for (let i = 0; i < 64; i++) regs.push(this.fpHalf());
    const scratch: bigint[] = [];
    for (let i = 0; i < 32; i++) scratch.push(this.int(3) === 0 ? this.pick(INTERESTING) : this.u64());
    return { body, regs, scratch };
  }
}

function dump(i: number): string[] {
  const out = [`  sub sp, sp, #${CASE_BYTES}`];
  for (let r = 0; r < 30; r += 2) out.push(`  stp x${r}, x${r + 1}, [sp, #${r * 8}]`);
  out.push('  str x30, [sp, #240]', '  mrs x0, nzcv', '  str x0, [sp, #248]', '  mrs x0, fpsr', '  str x0, [sp, #256]', '  str xzr, [sp, #264]');
  out.push('  add x1, sp, #272');
  for (let q = 0; q < 32; q += 2) out.push(`  stp q${q}, q${q + 1}, [x1, #${q * 16}]`);
  out.push(`  adrp x2, scratch${i}`, `  add x2, x2, :lo12:scratch${i}`, `  add x3, sp, #${REG_BLOCK_BYTES}`);
  for (let k = 0; k < SCRATCH_BYTES; k += 32) out.push(`  ldp q0, q1, [x2, #${k}]`, `  stp q0, q1, [x3, #${k}]`);
  out.push('  mov x0, #1', '  mov x1, sp', `  mov x2, #${CASE_BYTES}`, '  mov x8, #64', '  svc #0', `  add sp, sp, #${CASE_BYTES}`);
  return out;
}

function load(i: number): string[] {
  const out = [`  adrp x30, init${i}`, `  add x30, x30, :lo12:init${i}`, '  ldr x0, [x30, #248]', '  msr nzcv, x0', '  msr fpsr, xzr', '  msr fpcr, xzr', '  add x1, x30, #272'];
  for (let q = 0; q < 32; q += 2) out.push(`  ldp q${q}, q${q + 1}, [x1, #${q * 16}]`);
  for (let r = 0; r < 28; r += 2) out.push(`  ldp x${r}, x${r + 1}, [x30, #${r * 8}]`);
  out.push(`  adrp x28, scratch${i}`, `  add x28, x28, :lo12:scratch${i}`, '  ldr x29, [x30, #232]', '  ldr x30, [x30, #240]');
  return out;
}

export function snippetProgram(cases: SnippetCase[]): string {
  const text = ['.text', '.global _start', '_start:', '  adrp x0, stack_top', '  add x0, x0, :lo12:stack_top', '  mov sp, x0'];
  const data = ['.data', '.balign 16'];
  cases.forEach((c, i) => {
    text.push(...load(i), ...c.body.map((l) => `  ${l}`), ...dump(i));
    data.push(`init${i}:`, ...c.regs.map((v) => `  .quad 0x${v.toString(16)}`));
    data.push('.balign 16', `scratch${i}:`, ...c.scratch.map((v) => `  .quad 0x${v.toString(16)}`));
  });
  text.push('  mov x0, #0', '  mov x8, #93', '  svc #0');
  const bss = ['.bss', '.balign 16', '  .skip 65536', 'stack_top:'];
  return [...text, ...data, ...bss, ''].join('\n');
}

/** Name the first differing field of two case dumps. */
export function describeDiff(a: Uint8Array, b: Uint8Array): string {
  const va = new DataView(a.buffer, a.byteOffset, a.length);
  const vb = new DataView(b.buffer, b.byteOffset, b.length);
  const diffs: string[] = [];
  for (let off = 0; off < Math.min(a.length, b.length); off += 8) {
    const x = va.getBigUint64(off, true);
    const y = vb.getBigUint64(off, true);
    if (x === y) continue;
    let name: string;
    if (off < 248) name = `x${off / 8}`;
    else if (off === 248) name = 'nzcv';
    else if (off === 256) name = 'fpsr';
    else if (off < REG_BLOCK_BYTES) name = `q${Math.floor((off - 272) / 16)}.${((off - 272) / 8) % 2 ? 'hi' : 'lo'}`;
    else name = `scratch+${off - REG_BLOCK_BYTES}`;
    diffs.push(`${name}: qemu 0x${x.toString(16)} vs twinbox 0x${y.toString(16)}`);
  }
  return diffs.join('; ');
}
