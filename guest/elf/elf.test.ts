// ELF parsing, loading and the initial stack, on small ELF images built here byte by byte.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '../../emulator/random/prng';
import { AT_EXECFN, AT_NULL, AT_PAGESZ, AT_PHDR, AT_PLATFORM, AT_RANDOM, AT_ENTRY } from './auxv';
import type { LoadTarget, Prot } from './load';
import { DEFAULT_DYN_BASE, loadElf } from './load';
import { ET_DYN, ET_EXEC, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_TLS, parseElf64 } from './parse';
import { buildInitialStack } from './stack';

interface Seg {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

function buildElf(type: number, entry: number, segs: Seg[], sizeBytes = 0x3000): Uint8Array {
  const b = new Uint8Array(sizeBytes);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, type, true);
  v.setUint16(18, 183, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(entry), true);
  v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, segs.length, true);
  segs.forEach((s, i) => {
    const at = 64 + i * 56;
    v.setUint32(at, s.type, true);
    v.setUint32(at + 4, s.flags, true);
    v.setBigUint64(at + 8, BigInt(s.offset), true);
    v.setBigUint64(at + 16, BigInt(s.vaddr), true);
    v.setBigUint64(at + 24, BigInt(s.vaddr), true);
    v.setBigUint64(at + 32, BigInt(s.filesz), true);
    v.setBigUint64(at + 40, BigInt(s.memsz), true);
    v.setBigUint64(at + 48, 0x1000n, true);
  });
  for (let i = 0x1000; i < sizeBytes; i++) b[i] = (i * 7) & 0xff;
  return b;
}

const TEXT: Seg = { type: PT_LOAD, flags: PF_R | PF_X, offset: 0, vaddr: 0x400000, filesz: 0x1800, memsz: 0x1800 };
const DATA: Seg = { type: PT_LOAD, flags: PF_R | PF_W, offset: 0x2000, vaddr: 0x412000, filesz: 0x800, memsz: 0x3100 };

class RecordingTarget implements LoadTarget {
  maps: { vaddr: number; size: number; prot: Prot }[] = [];
  mem = new Map<number, number>();
  mapAnonymous(vaddr: number, size: number, prot: Prot): boolean {
    this.maps.push({ vaddr, size, prot });
    return true;
  }
  write(vaddr: number, data: Uint8Array): boolean {
    data.forEach((b, i) => this.mem.set(vaddr + i, b));
    return true;
  }
}

describe('parseElf64', () => {
  it('reads the header and program headers', () => {
    const r = parseElf64(buildElf(ET_EXEC, 0x400100, [TEXT, DATA]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.elf.entry).toBe(0x400100);
    expect(r.elf.phnum).toBe(2);
    expect(r.elf.phdrs[1]).toMatchObject({ type: PT_LOAD, vaddr: 0x412000, filesz: 0x800, memsz: 0x3100 });
  });

  it.each([
    ['truncated', (b: Uint8Array) => b.subarray(0, 40), /too short/],
    ['bad magic', (b: Uint8Array) => (b.set([0x7f, 0x45, 0x4c, 0x47]), b), /magic/],
    ['32-bit', (b: Uint8Array) => ((b[4] = 1), b), /64-bit/],
    ['big-endian', (b: Uint8Array) => ((b[5] = 2), b), /little-endian/],
    ['wrong machine', (b: Uint8Array) => ((b[18] = 62), b), /architecture/],
    ['relocatable', (b: Uint8Array) => ((b[16] = 1), b), /not an executable/],
    ['phdrs past the end', (b: Uint8Array) => ((b[57] = 1), b), /past the end/],
  ])('rejects %s with a clear error', (_name, mutate, message) => {
    const r = parseElf64(mutate(buildElf(ET_EXEC, 0x400100, [TEXT, DATA])));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('rejects bad segments', () => {
    const bad = (s: Partial<Seg>): string => {
      const r = parseElf64(buildElf(ET_EXEC, 0x400100, [TEXT, { ...DATA, ...s }]));
      return r.ok ? 'ok' : r.error;
    };
    expect(bad({ filesz: 0x4000 })).toMatch(/filesz|past the end/);
    expect(bad({ offset: 0x2000, filesz: 0x2000 })).toMatch(/past the end/);
    expect(bad({ vaddr: 0x412010 })).toMatch(/congruent/);
  });

  it('never throws on arbitrary corruption', () => {
    const base = buildElf(ET_EXEC, 0x400100, [TEXT, DATA]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(255), fc.nat(255)), { maxLength: 12 }), fc.nat(base.length), (edits, cut) => {
        const b = base.slice(0, Math.max(cut, 1));
        for (const [at, val] of edits) if (at < b.length) b[at] = val;
        const r = parseElf64(b);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});

describe('loadElf', () => {
  it('maps PT_LOAD segments page-aligned with their permissions, file bytes in, bss zero', () => {
    const bytes = buildElf(ET_EXEC, 0x400100, [TEXT, DATA, { type: PT_GNU_STACK, flags: PF_R | PF_W, offset: 0, vaddr: 0, filesz: 0, memsz: 0 }]);
    const r = parseElf64(bytes);
    if (!r.ok) throw new Error(r.error);
    const t = new RecordingTarget();
    const img = loadElf(r.elf, bytes, t);
    if ('error' in img) throw new Error(img.error);
    expect(t.maps).toEqual([
      { vaddr: 0x400000, size: 0x2000, prot: { read: true, write: false, exec: true } },
      { vaddr: 0x412000, size: 0x4000, prot: { read: true, write: true, exec: false } },
    ]);
    expect(t.mem.get(0x412000 + 5)).toBe(bytes[0x2005]);
    expect(t.mem.has(0x412000 + 0x800)).toBe(false); // bss comes from the zeroed mapping
    expect(img).toMatchObject({ entry: 0x400100, loadBias: 0, phdrAddr: 0x400040, phnum: 3, brkStart: 0x416000, interp: undefined, stackExecutable: false });
  });

  it('places ET_DYN at the load bias and reports PT_INTERP and PT_TLS', () => {
    const bytes = buildElf(ET_DYN, 0x100, [
      { ...TEXT, vaddr: 0 },
      { ...DATA, vaddr: 0x12000 },
      { type: PT_INTERP, flags: PF_R, offset: 0x1000, vaddr: 0x1000, filesz: 4, memsz: 4 },
      { type: PT_TLS, flags: PF_R, offset: 0x2000, vaddr: 0x12000, filesz: 0x10, memsz: 0x40 },
    ]);
    bytes.set([0x2f, 0x6c, 0x64, 0], 0x1000); // "/ld"
    const r = parseElf64(bytes);
    if (!r.ok) throw new Error(r.error);
    const img = loadElf(r.elf, bytes, new RecordingTarget());
    if ('error' in img) throw new Error(img.error);
    expect(img.loadBias).toBe(DEFAULT_DYN_BASE);
    expect(img.entry).toBe(DEFAULT_DYN_BASE + 0x100);
    expect(img.interp).toBe('/ld');
    expect(img.tls?.memsz).toBe(0x40);
  });
});

describe('buildInitialStack', () => {
  const params = {
    stackTop: 0x7ffff000, argv: ['/bin/prog', 'a b', ''], envp: ['HOME=/', 'X=1'], execfn: '/bin/prog', phdrAddr: 0x400040, phent: 56, phnum: 3,
    entry: 0x400100, interpBase: 0, uid: 0, euid: 0, gid: 0, egid: 0, secure: false, hwcap: 3, hwcap2: 0, pageSizeBytes: 4096,
  };

  function parse(seed: number) {
    const st = buildInitialStack({ ...params, prng: new Prng(seed) });
    if ('error' in st) throw new Error(st.error);
    const v = new DataView(st.image.buffer);
    const word = (addr: number): number => Number(v.getBigUint64(addr - st.sp, true));
    const str = (addr: number): string => {
      const off = addr - st.sp;
      return new TextDecoder().decode(st.image.subarray(off, st.image.indexOf(0, off)));
    };
    return { st, word, str };
  }

  it('lays out argc, argv, envp and auxv like Linux, 16-byte aligned', () => {
    const { st, word, str } = parse(1);
    expect(st.sp % 16).toBe(0);
    expect(word(st.sp)).toBe(3);
    const argv = [1, 2, 3].map((i) => str(word(st.sp + 8 * i)));
    expect(argv).toEqual(['/bin/prog', 'a b', '']);
    expect(word(st.sp + 32)).toBe(0);
    expect([str(word(st.sp + 40)), str(word(st.sp + 48))]).toEqual(['HOME=/', 'X=1']);
    expect(word(st.sp + 56)).toBe(0);
    const aux = new Map<number, number>();
    for (let at = st.sp + 64; ; at += 16) {
      aux.set(word(at), word(at + 8));
      if (word(at) === AT_NULL) break;
    }
    expect(aux.get(AT_PAGESZ)).toBe(4096);
    expect(aux.get(AT_PHDR)).toBe(0x400040);
    expect(aux.get(AT_ENTRY)).toBe(0x400100);
    expect(str(aux.get(AT_PLATFORM)!)).toBe('aarch64');
    expect(str(aux.get(AT_EXECFN)!)).toBe('/bin/prog');
    expect(aux.get(AT_RANDOM)).toBe(st.randomAddr);
    // Strings sit in ascending order at the top, the exec filename last, 8 bytes below the top.
    expect(aux.get(AT_EXECFN)! + '/bin/prog'.length + 1).toBe(params.stackTop - 8);
    expect(st.argvAddrs[0]! < st.argvAddrs[1]! && st.argvAddrs[2]! < st.envpAddrs[0]!).toBe(true);
  });

  it('AT_RANDOM bytes come from the seed', () => {
    const bytes = (seed: number): number[] => {
      const { st } = parse(seed);
      return [...st.image.subarray(st.randomAddr - st.sp, st.randomAddr - st.sp + 16)];
    };
    expect(bytes(5)).toEqual(bytes(5));
    expect(bytes(5)).not.toEqual(bytes(6));
  });

  it('refuses oversized argument lists with E2BIG', () => {
    const r = buildInitialStack({ ...params, argv: ['x'.repeat(3 * 1024 * 1024)], prng: new Prng(1) });
    expect(r).toEqual({ error: 'E2BIG' });
  });
});
