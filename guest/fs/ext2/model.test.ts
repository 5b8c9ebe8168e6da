import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryBlockDevice } from '../../block/block-device';
import { isErr } from './errno';
import { Ext2, ROOT_INO } from './ext2';
import { mkfsExt2 } from './mkfs';
import { applyOp, checkAgainstModel, checkFreeCounts, opsArb, type Node } from './testing/random-ops';

describe('ext2 against a model (property)', () => {
  it('random operation sequences leave the tree the model expects and consistent free counts', () => {
    fc.assert(
      fc.property(opsArb, fc.constantFrom(1024 as const, 4096 as const), (ops, bs) => {
        const dev = new MemoryBlockDevice(16 << 20);
        mkfsExt2(dev, { blockSizeBytes: bs, nowSec: 1_700_000_000 });
        const fs = Ext2.mount(dev) as Ext2;
        const model = new Map<string, Node>();
        for (const op of ops) applyOp(fs, model, op);
        checkAgainstModel(fs, model);
        checkFreeCounts(fs);
        expect(fs.unmount()).toBe(0);
        const again = Ext2.mount(dev, { readonly: true }) as Ext2;
        checkAgainstModel(again, model);
      }),
      { numRuns: 100 },
    );
  });
});

describe('ext2 on corrupted images (fuzz)', () => {
  const base = (() => {
    const dev = new MemoryBlockDevice(2 << 20);
    mkfsExt2(dev, { nowSec: 1_700_000_000, inodeSizeBytes: 128 });
    const fs = Ext2.mount(dev) as Ext2;
    const d = fs.mkdir(ROOT_INO, 'dir', 0o755) as number;
    for (let i = 0; i < 30; i++) fs.create(d, `f${i}`, 0o644);
    const big = fs.create(ROOT_INO, 'big', 0o644) as number;
    fs.write(big, 0, new Uint8Array(300_000).fill(7));
    fs.symlink(ROOT_INO, 'ln', 'x'.repeat(80));
    fs.unmount();
    return dev.bytes.slice(0, 96 * 1024);
  })();

  it('mount, walk, read and write never throw; corruption comes back as errno values', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1024, max: base.length - 1 }), fc.nat(255)), { minLength: 1, maxLength: 40 }), (edits) => {
        const img = new Uint8Array(2 << 20);
        img.set(base);
        for (const [at, v] of edits) img[at] = v;
        const r = Ext2.mount(new MemoryBlockDevice(img), { nowSec: () => 1 });
        if (!(r instanceof Ext2)) return void expect(r.errno).toBeLessThan(0);
        let budget = 300;
        const walk = (ino: number, depth: number): void => {
          const list = r.readdir(ino);
          if (isErr(list) || depth > 3) return;
          for (const e of list) {
            if (budget-- <= 0 || e.name === '.' || e.name === '..') continue;
            const st = r.getattr(e.ino);
            if (isErr(st)) continue;
            if ((st.mode & 0o170000) === 0o040000) walk(e.ino, depth + 1);
            else if ((st.mode & 0o170000) === 0o120000) r.readlink(e.ino);
            else r.read(e.ino, 0, Math.min(st.sizeBytes, 1 << 20));
          }
        };
        walk(ROOT_INO, 0);
        const n = r.create(ROOT_INO, 'new', 0o644);
        if (!isErr(n)) r.write(n, 0, new Uint8Array(5000).fill(1));
        r.unlink(ROOT_INO, 'big');
        r.rename(ROOT_INO, 'dir', ROOT_INO, 'dir2');
        r.unmount();
      }),
      { numRuns: 300 },
    );
  });
});
