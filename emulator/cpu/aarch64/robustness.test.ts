// Guest code never crashes the host: random instruction words, executed with random
// registers over a small mapped window, must end in a RunResult, never an exception.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { A64Cpu } from './cpu';
import { FlatMemory } from './memory';

const CODE = 0x10000;
const DATA = 0x20000;

function runWords(words: number[], regs: bigint[], fpcr: number): string {
  const mem = new FlatMemory();
  mem.map(CODE, 4096, 'rwx');
  mem.map(DATA, 8192, 'rw');
  const code = new Uint8Array(words.length * 4);
  words.forEach((w, i) => new DataView(code.buffer).setUint32(i * 4, w >>> 0, true));
  mem.write(CODE, code);
  const c = new A64Cpu(mem, { cntvct: () => 7, cntfrqHz: 1 });
  regs.forEach((v, i) => c.setX(i, v));
  c.setX(31, BigInt(DATA + 4096));
  for (let i = 0; i < 64; i++) c.vu32[i] = Number(regs[i % regs.length]! & 0xffffffffn);
  c.fpcr = fpcr;
  c.pc = CODE;
  return c.run(64).reason;
}

describe('robustness', () => {
  it('random words in every encoding class never throw', () => {
    const regValue = fc.oneof(fc.constantFrom(0n, 1n, BigInt(DATA), BigInt(DATA + 64), (1n << 64n) - 1n, 1n << 63n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 16 }), fc.array(regValue, { minLength: 31, maxLength: 31 }), fc.constantFrom(0, 1 << 22, 2 << 22, 3 << 22, 1 << 25), (words, regs, fpcr) => {
        expect(['svc', 'fault', 'undefined', 'budget']).toContain(runWords(words, regs, fpcr));
      }),
      { numRuns: 3000 },
    );
  });

  it('words from the SIMD/FP and load/store spaces never throw', () => {
    // Force op0 into x111 (SIMD/FP) and x1x0 (loads/stores), which have the most sub-decoders.
    const simd = fc.integer({ min: 0, max: 0xffffffff }).map((w) => ((w & ~(7 << 25)) | (7 << 25)) >>> 0);
    const ldst = fc.integer({ min: 0, max: 0xffffffff }).map((w) => ((w & ~(5 << 25)) | (4 << 25)) >>> 0);
    fc.assert(
      fc.property(fc.array(fc.oneof(simd, ldst), { minLength: 1, maxLength: 8 }), (words) => {
        const regs = Array.from({ length: 31 }, (_v, i) => BigInt(DATA + 8 * i));
        expect(['svc', 'fault', 'undefined', 'budget']).toContain(runWords(words, regs, 0));
      }),
      { numRuns: 4000 },
    );
  });
});
