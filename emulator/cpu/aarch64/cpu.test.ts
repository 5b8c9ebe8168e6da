// Single-instruction tests with hand-encoded words (no toolchain needed): one or more per
// decoder class, aimed at the corner cases. The encodings come from GNU as; the expected
// values are computed independently here (BigInt) or are architectural constants.
import { describe, expect, it } from 'vitest';
import { A64Cpu } from './cpu';
import type { RunResult } from './cpu';
import { FlatMemory } from './memory';

const CODE = 0x10000;
const DATA = 0x20000;
const SVC0 = 0xd4000001;
const M64 = (1n << 64n) - 1n;

interface Ran {
  c: A64Cpu;
  r: RunResult;
  mem: FlatMemory;
}

function exec(words: number[], init: (c: A64Cpu, mem: FlatMemory) => void = () => {}, ticks = 0): Ran {
  const mem = new FlatMemory();
  mem.map(CODE, 4096, 'rx');
  mem.map(DATA, 4096, 'rw');
  const code = new Uint8Array((words.length + 1) * 4);
  const view = new DataView(code.buffer);
  [...words, SVC0].forEach((w, i) => view.setUint32(i * 4, w, true));
  mem.write(CODE, code);
  const c = new A64Cpu(mem, { cntvct: () => ticks, cntfrqHz: 62_500_000 });
  c.pc = CODE;
  init(c, mem);
  const r = c.run(1000);
  return { c, r, mem };
}

const nzcv = (c: A64Cpu): string => `${c.nf}${c.zf}${c.cf}${c.vf}`;

describe('integer data processing', () => {
  it('add carries from the low into the high word', () => {
    const { c } = exec([0x8b020020], (c) => {
      c.setX(1, 0xffffffffn);
      c.setX(2, 1n);
    });
    expect(c.getX(0)).toBe(0x100000000n);
  });

  it('adds sets N and V on signed overflow, not C', () => {
    const { c } = exec([0xab020020], (c) => {
      c.setX(1, 0x7fffffffffffffffn);
      c.setX(2, 1n);
    });
    expect(c.getX(0)).toBe(0x8000000000000000n);
    expect(nzcv(c)).toBe('1001');
  });

  it('subs w: 0 - 1 borrows (C clear), zero-extends into X', () => {
    const { c } = exec([0x6b020020], (c) => {
      c.setX(0, M64);
      c.setX(1, 0n);
      c.setX(2, 1n);
    });
    expect(c.getX(0)).toBe(0xffffffffn);
    expect(nzcv(c)).toBe('1000');
  });

  it('shifts by register take the amount modulo the register width', () => {
    expect(exec([0x9ac22020], (c) => (c.setX(1, 5n), c.setX(2, 64n))).c.getX(0)).toBe(5n);
    expect(exec([0x9ac22020], (c) => (c.setX(1, 5n), c.setX(2, 65n))).c.getX(0)).toBe(10n);
    expect(exec([0x1ac22020], (c) => (c.setX(1, 5n), c.setX(2, 32n))).c.getX(0)).toBe(5n);
  });

  it('division corner cases: INT64_MIN / -1, division by zero', () => {
    expect(exec([0x9ac20c20], (c) => (c.setX(1, 1n << 63n), c.setX(2, M64))).c.getX(0)).toBe(1n << 63n);
    expect(exec([0x9ac20820], (c) => (c.setX(1, 77n), c.setX(2, 0n))).c.getX(0)).toBe(0n);
    expect(exec([0x1ac20c20], (c) => (c.setX(1, 0x80000000n), c.setX(2, 0xffffffffn))).c.getX(0)).toBe(0x80000000n);
    expect(exec([0x1ac20c20], (c) => (c.setX(1, 0xfffffff9n), c.setX(2, 2n))).c.getX(0)).toBe(0xfffffffdn); // -7/2 = -3
  });

  it('multiply high and madd match BigInt arithmetic', () => {
    expect(exec([0x9bc27c20], (c) => (c.setX(1, M64), c.setX(2, M64))).c.getX(0)).toBe(M64 - 1n);
    expect(exec([0x9b427c20], (c) => (c.setX(1, M64), c.setX(2, M64))).c.getX(0)).toBe(0n);
    const a = 0x123456789abcdef0n;
    const b = 0x0fedcba987654321n;
    const acc = 0xfedcba9876543210n;
    const { c } = exec([0x9b020c20], (c) => (c.setX(1, a), c.setX(2, b), c.setX(3, acc)));
    expect(c.getX(0)).toBe((a * b + acc) & M64);
  });

  it('logical immediates and bitfields', () => {
    expect(exec([0x9200f020], (c) => c.setX(1, M64)).c.getX(0)).toBe(0x5555555555555555n);
    expect(exec([0x320003e0], (c) => c.setX(0, M64)).c.getX(0)).toBe(1n);
    expect(exec([0xd3484c20], (c) => c.setX(1, 0xabcdef12345n)).c.getX(0)).toBe((0xabcdef12345n >> 8n) & 0xfffn);
    expect(exec([0x93442c20], (c) => c.setX(1, 0xf80n)).c.getX(0)).toBe(M64 - 7n); // field 0xf8 = -8
    expect(exec([0xb3701c20], (c) => (c.setX(0, M64), c.setX(1, 0x12n))).c.getX(0)).toBe((M64 & ~0xff0000n) | 0x120000n);
  });

  it('count, reverse', () => {
    expect(exec([0xdac01020], (c) => c.setX(1, 0n)).c.getX(0)).toBe(64n);
    expect(exec([0x5ac01420], (c) => c.setX(1, 0xffffffffn)).c.getX(0)).toBe(31n);
    expect(exec([0xdac00020], (c) => c.setX(1, 1n)).c.getX(0)).toBe(1n << 63n);
    expect(exec([0xdac00c20], (c) => c.setX(1, 0x0102030405060708n)).c.getX(0)).toBe(0x0807060504030201n);
  });

  it('conditional select and compare', () => {
    const eq = (c: A64Cpu): void => {
      c.nzcv = 0x40000000;
      c.setX(1, 10n);
      c.setX(2, 20n);
    };
    expect(exec([0x9a820420], eq).c.getX(0)).toBe(10n); // csinc eq: taken
    expect(exec([0xda821420], eq).c.getX(0)).toBe(M64 - 19n); // csneg ne: not taken → -x2
    const ccmp = exec([0xfa420025], (c) => (c.nzcv = 0, c.setX(1, 1n), c.setX(2, 1n))).c;
    expect(nzcv(ccmp)).toBe('0101'); // condition false → flags from #5
  });
});

describe('loads and stores', () => {
  it('pre-index writes back, post-index uses the old base', () => {
    const { c } = exec([0xf8408c20, 0xf81f0422], (c, mem) => {
      mem.write(DATA + 8, Uint8Array.of(0x11, 0x22, 0, 0, 0, 0, 0, 0x80));
      c.setXNum(1, DATA);
      c.setX(2, 0xabcdn);
    });
    expect(c.getX(0)).toBe(0x8000000000002211n);
    expect(c.getXNum(1)).toBe(DATA + 8 - 16);
  });

  it('ldp, ldrsb, register offset with sxtw', () => {
    const { c } = exec([0xa9411023], (c, mem) => {
      mem.write(DATA + 16, Uint8Array.from({ length: 16 }, (_v, i) => i + 1));
      c.setXNum(1, DATA);
    });
    expect(c.getX(3)).toBe(0x0807060504030201n);
    expect(c.getX(4)).toBe(0x100f0e0d0c0b0a09n);
    expect(exec([0x39800c20], (c, mem) => (mem.write(DATA + 3, Uint8Array.of(0x80)), c.setXNum(1, DATA))).c.getX(0)).toBe(M64 - 127n);
    const neg = exec([0xf862d820], (c, mem) => (mem.write(DATA + 8, Uint8Array.of(42)), c.setXNum(1, DATA + 16), c.setX(2, 0xffffffffn))).c;
    expect(neg.getX(0)).toBe(42n); // w2 = -1 → base - 8
  });

  it('exclusive pair succeeds after ldxr; a lone stxr fails', () => {
    const ok = exec([0xc85f7c20, 0xc8037c22], (c) => (c.setXNum(1, DATA), c.setX(2, 99n))).c;
    expect(ok.getX(3)).toBe(0n);
    expect(exec([0xc8037c22], (c) => (c.setXNum(1, DATA), c.setX(2, 99n))).c.getX(3)).toBe(1n);
  });

  it('LSE atomics: ldadd, swp, cas', () => {
    const r = exec([0xf8220020], (c, mem) => (mem.write(DATA, Uint8Array.of(5)), c.setXNum(1, DATA), c.setX(2, 7n)));
    expect(r.c.getX(0)).toBe(5n);
    expect(r.mem.read(DATA, 1)![0]).toBe(12);
    const s = exec([0xf8228020], (c, mem) => (mem.write(DATA, Uint8Array.of(5)), c.setXNum(1, DATA), c.setX(2, 7n)));
    expect([s.c.getX(0), BigInt(s.mem.read(DATA, 1)![0]!)]).toEqual([5n, 7n]);
    const cas = exec([0xc8a07c22], (c, mem) => (mem.write(DATA, Uint8Array.of(5)), c.setXNum(1, DATA), c.setX(0, 5n), c.setX(2, 9n)));
    expect(cas.mem.read(DATA, 1)![0]).toBe(9);
  });

  it('a fault stops at the instruction with the address and leaves the target register alone', () => {
    const { c, r } = exec([0xf9400020], (c) => (c.setXNum(1, 0x50000), c.setX(0, 123n)));
    expect(r).toEqual({ reason: 'fault', fault: { addr: 0x50000, kind: 'unmapped', access: 'r', alignment: false } });
    expect(c.pc).toBe(CODE);
    expect(c.getX(0)).toBe(123n);
  });

  it('a store to a read-only page is a permission fault', () => {
    const { r } = exec([0xf9000022], (c) => c.setXNum(1, CODE));
    expect(r.reason === 'fault' && r.fault.kind).toBe('permission');
  });

  it('a store into decoded code is seen when that code runs (self-modifying code)', () => {
    // str w2, [x1] overwrites the next word (udf) with `movz x1, #0x1234, lsl #48`.
    const { c, r } = exec([0xb9000022, 0x00000000], (c, mem) => {
      mem.map(CODE, 4096, 'rwx');
      c.setXNum(1, CODE + 4);
      c.setX(2, 0xd2e24681n);
    });
    expect(r.reason).toBe('svc');
    expect(c.getX(1)).toBe(0x1234000000000000n);
  });
});

describe('branches, exceptions, system registers', () => {
  it('svc stops after the instruction with its immediate', () => {
    const { c, r } = exec([0xd4000841]);
    expect(r).toEqual({ reason: 'svc', imm: 0x42 });
    expect(c.pc).toBe(CODE + 4);
  });

  it('an unallocated encoding is an undefined instruction, not a host exception', () => {
    const { c, r } = exec([0x00000000]);
    expect(r).toEqual({ reason: 'undefined', pc: CODE, word: 0 });
    expect(c.pc).toBe(CODE);
    expect(exec([0xd5380000]).r.reason).toBe('undefined'); // MIDR_EL1: HWCAP_CPUID not advertised
  });

  it('cbz, tbnz, bl/ret, b.cond', () => {
    // cbz x1 (x1=0) skips one; tbnz bit 40 skips one; bl over one to ret.
    expect(exec([0xb4000041, 0x00000000], (c) => c.setX(1, 0n)).r.reason).toBe('svc');
    expect(exec([0xb7400041, 0x00000000], (c) => c.setX(1, 1n << 40n)).r.reason).toBe('svc');
    expect(exec([0x5400004b, 0x00000000], (c) => (c.nzcv = 0x80000000)).r.reason).toBe('svc'); // lt: N != V
    const bl = exec([0x94000003, SVC0, 0, 0xd65f03c0]);
    expect(bl.r.reason).toBe('svc');
    expect(bl.c.pc).toBe(CODE + 8);
    expect(bl.c.getXNum(30)).toBe(CODE + 4);
  });

  it('TPIDR_EL0 round trip, CNTVCT from the time source, DCZID and DC ZVA', () => {
    expect(exec([0xd51bd041, 0xd53bd040], (c) => c.setX(1, 0xdead00000000beefn)).c.getX(0)).toBe(0xdead00000000beefn);
    expect(exec([0xd53be040], () => {}, 123456).c.getX(0)).toBe(123456n);
    expect(exec([0xd53b00e0]).c.getX(0)).toBe(4n);
    const z = exec([0xd50b7421], (c, mem) => (mem.write(DATA, new Uint8Array(128).fill(0xff)), c.setXNum(1, DATA + 70)));
    expect([...z.mem.read(DATA, 128)!].map((b, i) => (b === 0 ? i : -1)).filter((i) => i >= 0)).toEqual(Array.from({ length: 64 }, (_v, i) => 64 + i));
  });

  it('CNTVCT sees the instructions retired before it, even mid-run', () => {
    // add, add, mrs x0, cntvct_el0 with a time source that is the instruction count itself.
    const mem = new FlatMemory();
    mem.map(CODE, 4096, 'rx');
    const words = [0x8b020020, 0x8b020020, 0xd53be040, SVC0];
    const code = new Uint8Array(16);
    words.forEach((w, i) => new DataView(code.buffer).setUint32(i * 4, w, true));
    mem.write(CODE, code);
    const ref: { cpu?: A64Cpu } = {};
    const c = new A64Cpu(mem, { cntvct: () => ref.cpu!.instructions, cntfrqHz: 1 });
    ref.cpu = c;
    c.instructions = 100;
    c.pc = CODE;
    expect(c.run(1000).reason).toBe('svc');
    expect(c.getX(0)).toBe(102n);
    expect(c.instructions).toBe(104);
  });

  it('counts retired instructions (svc included)', () => {
    expect(exec([0x8b020020, 0x8b020020]).c.instructions).toBe(3);
  });
});

describe('floating point', () => {
  const setD = (c: A64Cpu, r: number, bits: bigint): void => {
    c.vu32[r * 4] = Number(bits & 0xffffffffn);
    c.vu32[r * 4 + 1] = Number(bits >> 32n);
  };
  const getD = (c: A64Cpu, r: number): bigint => (BigInt(c.vu32[r * 4 + 1]!) << 32n) | BigInt(c.vu32[r * 4]!);

  it('a quiet NaN operand propagates with its payload', () => {
    const { c } = exec([0x1e622820], (c) => (setD(c, 1, 0x7ff8000000000123n), setD(c, 2, 0x3ff0000000000000n)));
    expect(getD(c, 0)).toBe(0x7ff8000000000123n);
  });

  it('a signalling NaN is quieted and raises IOC', () => {
    const { c } = exec([0x1e622820], (c) => (setD(c, 1, 0x3ff0000000000000n), setD(c, 2, 0x7ff0000000000001n)));
    expect(getD(c, 0)).toBe(0x7ff8000000000001n);
    expect(c.fpsr & 1).toBe(1);
  });

  it('inf - inf gives the positive default NaN (not x86 negative)', () => {
    const { c } = exec([0x1e622820], (c) => (setD(c, 1, 0x7ff0000000000000n), setD(c, 2, 0xfff0000000000000n)));
    expect(getD(c, 0)).toBe(0x7ff8000000000000n);
  });

  it('fcvtzs saturates and maps NaN to 0', () => {
    expect(exec([0x9e780020], (c) => (c.vf64[2] = 1e30)).c.getX(0)).toBe(0x7fffffffffffffffn);
    expect(exec([0x9e780020], (c) => (c.vf64[2] = -2.9)).c.getX(0)).toBe(M64 - 1n);
    expect(exec([0x9e780020], (c) => (c.vf64[2] = NaN)).c.getX(0)).toBe(0n);
  });

  it('scalar SIMD fcvtzs/scvtf keep the integer in the vector register and zero the rest', () => {
    // fcvtzs d1, d0 (0x5ee1b801), as BusyBox's sleep uses
    const { c } = exec([0x5ee1b801], (c) => ((c.vf64[0] = -3.7), c.vu32.fill(0xffffffff, 4, 8)));
    expect(c.vu32[4]).toBe(0xfffffffd);
    expect(c.vu32[5]).toBe(0xffffffff);
    expect([c.vu32[6], c.vu32[7]]).toEqual([0, 0]);
    // fcvtzs s1, s0 (0x5ea1b801)
    const s = exec([0x5ea1b801], (c) => ((c.vf32[0] = 7.9), c.vu32.fill(0xffffffff, 4, 8))).c;
    expect([s.vu32[4], s.vu32[5], s.vu32[6], s.vu32[7]]).toEqual([7, 0, 0, 0]);
    // scvtf d1, d0 (0x5e61d801)
    const f = exec([0x5e61d801], (c) => ((c.vu32[0] = 0xfffffffe), (c.vu32[1] = 0xffffffff))).c;
    expect(f.vf64[2]).toBe(-2);
  });

  it('fcmp with a NaN is unordered (C and V set)', () => {
    const { c } = exec([0x1e622020], (c) => ((c.vf64[2] = NaN), (c.vf64[4] = 1)));
    expect(nzcv(c)).toBe('0011');
  });

  it('frintn rounds ties to even; scvtf of a 64-bit integer rounds once', () => {
    expect(exec([0x1e644020], (c) => (c.vf64[2] = 2.5)).c.vf64[0]).toBe(2);
    expect(exec([0x1e644020], (c) => (c.vf64[2] = -3.5)).c.vf64[0]).toBe(-4);
    expect(exec([0x9e620020], (c) => c.setX(1, (1n << 62n) + 1n)).c.vf64[0]).toBe(2 ** 62);
  });

  it('fmadd is fused: one rounding of a*b + c', () => {
    // a*b = 1 - 2^-60 exactly; unfused it rounds to 1 and 1 - 1 = 0, fused it is -2^-60.
    const a = 1 + 2 ** -30;
    const b = 1 - 2 ** -30;
    expect(exec([0x1f420c20], (c) => ((c.vf64[2] = a), (c.vf64[4] = b), (c.vf64[6] = -1))).c.vf64[0]).toBe(-(2 ** -60));
  });

  it('FPCR.RMode directs the rounding of arithmetic; IXC is recorded', () => {
    const third = (mode: number): number =>
      exec([0xd51b4401, 0x1e622820], (c) => ((c.vf64[2] = 1), (c.vf64[4] = 2 ** -60), c.setX(1, BigInt(mode << 22)))).c.vf64[0]!;
    expect(third(0)).toBe(1);
    expect(third(1)).toBe(1 + 2 ** -52); // towards +inf
    expect(third(2)).toBe(1);
    expect(exec([0x1e622820], (c) => ((c.vf64[2] = 1), (c.vf64[4] = 2 ** -60))).c.fpsr).toBe(0x10);
  });

  it('fmov immediate', () => {
    expect(exec([0x1e6f1000]).c.vf64[0]).toBe(1.5);
  });
});

describe('advanced SIMD', () => {
  it('cmeq, addv, tbl, umov', () => {
    const init = (c: A64Cpu): void => {
      for (let i = 0; i < 16; i++) {
        c.vu8[16 + i] = i * 3;
        c.vu8[32 + i] = i % 2 ? i * 3 : 0xff;
      }
    };
    const eq = exec([0x6e228c20], init).c;
    expect([...eq.vu8.subarray(0, 16)]).toEqual(Array.from({ length: 16 }, (_v, i) => (i % 2 ? 0xff : 0)));
    expect(exec([0x4e31b820], init).c.vu8[0]).toBe((3 * 120) & 0xff);
    const tbl = exec([0x4e020020], (c) => {
      init(c);
      for (let i = 0; i < 16; i++) c.vu8[32 + i] = 15 - i + (i === 0 ? 100 : 0);
    }).c;
    expect([...tbl.vu8.subarray(0, 16)]).toEqual(Array.from({ length: 16 }, (_v, i) => (i === 0 ? 0 : (15 - i) * 3)));
    expect(exec([0x0e0b3c20], init).c.getX(0)).toBe(15n);
  });

  it('widening multiply and add (smull, uaddw2), vector fadd', () => {
    const m = exec([0x0ea2c020], (c) => {
      c.vi32[4] = -3;
      c.vi32[5] = 0x40000000;
      c.vi32[8] = 7;
      c.vi32[9] = 8;
    }).c;
    expect([m.vi32[0], m.vi32[1], m.vi32[2], m.vi32[3]]).toEqual([-21, -1, 0, 2]); // -21 and 2^33
    const w = exec([0x6e221020], (c) => {
      c.vu16.fill(1000, 8, 16);
      for (let i = 0; i < 16; i++) c.vu8[32 + i] = i * 10;
    }).c;
    expect([...w.vu16.subarray(0, 8)]).toEqual(Array.from({ length: 8 }, (_v, i) => 1000 + (i + 8) * 10));
    const f = exec([0x4e22d420], (c) => {
      c.vf32.set([1, 2, 3, 4], 4);
      c.vf32.set([0.5, NaN, -3, 1e38], 8);
    }).c;
    expect([...f.vf32.subarray(0, 4)]).toEqual([1.5, NaN, 0, 1e38 + 4].map(Math.fround));
  });
});
