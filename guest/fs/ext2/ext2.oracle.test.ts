// ext2 against e2fsprogs: images made by mkfs.ext2 and filled by debugfs mount and read;
// everything this library writes passes `e2fsck -fn` with no problem text, and reads back
// through `debugfs -R 'cat …'`.

import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBlockDevice } from '../../block/block-device';
import { isErr } from './errno';
import { Ext2, ROOT_INO } from './ext2';
import { mkfsExt2 as ourMkfs } from './mkfs';
import { debugfs, debugfsCat, debugfsScript, e2fsck, fsckProblems, loadImage, mkfsExt2, saveImage, tempDir } from './testing/host-image';
import { applyOp, checkAgainstModel, opsArb, sameBytes, type Node } from './testing/random-ops';

const NOW = 1_700_000_100;
const dir = tempDir('twinbox-ext2-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectClean(path: string): void {
  const r = e2fsck(path);
  expect(fsckProblems(r.output), r.output).toEqual([]);
  expect(r.status, r.output).toBe(0);
}

function mount(dev: MemoryBlockDevice): Ext2 {
  const fs = Ext2.mount(dev, { nowSec: () => NOW });
  if (!(fs instanceof Ext2)) throw new Error(fs.message);
  return fs;
}

function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed + (i >> 10)) & 0xff);
}

describe.each([
  [1024, 256],
  [2048, 256],
  [4096, 256],
  [1024, 128],
])('mkfs.ext2 -b %i -I %i', (bs, inodeSize) => {
  const img = join(dir, `mk-${bs}-${inodeSize}.img`);

  it('reads what debugfs wrote', () => {
    mkfsExt2(img, 64 << 20, ['-b', String(bs), '-I', String(inodeSize)]);
    const host = join(dir, `host-${bs}.bin`);
    const content = pattern(200_000, bs);
    writeFileSync(host, content);
    debugfs(img, 'mkdir /etc', true);
    debugfs(img, `write ${host} /etc/data.bin`, true);
    debugfs(img, 'symlink /etc/link /etc/data.bin', true);
    debugfsScript(img, ['cd /etc', 'mknod sdb b 8 16'], true);
    const fs = mount(loadImage(img));
    const etc = fs.lookup(ROOT_INO, 'etc');
    expect(etc).toBeGreaterThan(0);
    const ino = fs.lookup(etc, 'data.bin');
    expect(sameBytes(fs.read(ino, 0, 300_000) as Uint8Array, content)).toBe(true);
    expect(fs.readlink(fs.lookup(etc, 'link'))).toBe('/etc/data.bin');
    expect(fs.getattr(fs.lookup(etc, 'sdb'))).toMatchObject({ mode: 0o60000, rdev: (8 << 8) | 16 });
  });

  it('writes that e2fsck finds clean and debugfs reads back', () => {
    const dev = loadImage(img);
    const fs = mount(dev);
    const a = fs.mkdir(ROOT_INO, 'a', 0o755);
    const small = fs.create(a, 'small.txt', 0o644);
    expect(fs.write(small, 0, new TextEncoder().encode('written by twinbox\n'))).toBe(19);
    const big = fs.create(ROOT_INO, 'big.bin', 0o644);
    const bigData = pattern(3 << 20, 9);
    expect(fs.write(big, 0, bigData)).toBe(bigData.length);
    const sparse = fs.create(ROOT_INO, 'sparse', 0o644);
    const far = bs === 1024 ? 80 << 20 : 5 << 30; // into the triple-indirect range at 1 KiB blocks
    expect(fs.write(sparse, far, new TextEncoder().encode('end'))).toBe(3);
    expect(fs.symlink(a, 'fast', 'small.txt')).toBeGreaterThan(0);
    expect(fs.symlink(a, 'slow', 'p/'.repeat(50) + 'small.txt')).toBeGreaterThan(0);
    for (let i = 0; i < 150; i++) fs.create(a, `many-${i}`, 0o600);
    for (let i = 0; i < 150; i += 3) expect(fs.unlink(a, `many-${i}`)).toBe(0);
    const b = fs.mkdir(ROOT_INO, 'b', 0o755);
    expect(fs.rename(a, 'many-1', b, 'moved')).toBe(0);
    const sub = fs.mkdir(a, 'sub', 0o755);
    expect(fs.rename(a, 'sub', b, 'sub')).toBe(0);
    expect(fs.lookup(sub, '..')).toBe(b);
    expect(fs.link(small, b, 'hard')).toBe(0);
    expect(fs.create(a, 'null', 0o20666, 0, 0, (1 << 8) | 3)).toBeGreaterThan(0);
    const t = fs.create(ROOT_INO, 'trunc', 0o644);
    fs.write(t, 0, pattern(500_000, 4));
    expect(fs.truncate(t, 12_345)).toBe(0);
    fs.mkdir(ROOT_INO, 'gone', 0o755);
    expect(fs.rmdir(ROOT_INO, 'gone')).toBe(0);
    expect(fs.unmount()).toBe(0);
    saveImage(img, dev);
    expectClean(img);
    expect(new TextDecoder().decode(debugfsCat(img, '/b/hard'))).toBe('written by twinbox\n');
    expect(sameBytes(debugfsCat(img, '/big.bin'), bigData)).toBe(true);
    expect(sameBytes(debugfsCat(img, '/trunc'), pattern(500_000, 4).subarray(0, 12_345))).toBe(true);
    expect(debugfs(img, 'stat /a/fast')).toContain('Fast link dest: "small.txt"');
    expect(debugfs(img, 'ls -l /b')).toMatch(/moved/);
    expect(debugfs(img, 'stat /a/null')).toMatch(/Device major\/minor number: 01:03/);
    expect(debugfs(img, 'stat /sparse')).toMatch(bs === 1024 ? /\(TIND\)/ : /\(DIND\)/);
  });

  it('images from our own mkfs pass e2fsck', () => {
    const own = join(dir, `own-${bs}-${inodeSize}.img`);
    const dev = new MemoryBlockDevice(48 << 20);
    expect(ourMkfs(dev, { blockSizeBytes: bs as 1024 | 2048 | 4096, inodeSizeBytes: inodeSize as 128 | 256, nowSec: NOW })).toBe(0);
    saveImage(own, dev);
    expectClean(own);
    expect(execFileSync('dumpe2fs', ['-h', own], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toMatch(/Filesystem features:\s+filetype sparse_super large_file/);
  });
});

describe('random operation sequences checked by e2fsck (property)', () => {
  it('every sequence leaves a clean filesystem whose files debugfs reads as the model says', () => {
    const img = join(dir, 'prop.img');
    mkfsExt2(img, 24 << 20, ['-b', '1024']);
    const pristine = loadImage(img).bytes.slice();
    fc.assert(
      fc.property(opsArb, (ops) => {
        const dev = new MemoryBlockDevice(pristine.slice());
        const fs = mount(dev);
        const model = new Map<string, Node>();
        for (const op of ops) applyOp(fs, model, op);
        checkAgainstModel(fs, model);
        expect(fs.unmount()).toBe(0);
        saveImage(img, dev);
        expectClean(img);
        for (const [path, node] of model) {
          if (node.kind === 'file') expect(sameBytes(debugfsCat(img, '/' + path), node.data), path).toBe(true);
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('htree directories (dir_index) as Linux leaves them', () => {
  it('are read linearly, and after changes lose their index flag and stay clean', () => {
    const img = join(dir, 'htree.img');
    mkfsExt2(img, 32 << 20, ['-b', '1024']);
    let dev = loadImage(img);
    let fs = mount(dev);
    const d = fs.mkdir(ROOT_INO, 'big', 0o755);
    for (let i = 0; i < 400; i++) fs.create(d, `entry-with-a-longish-name-${i}`, 0o644);
    expect(fs.unmount()).toBe(0);
    saveImage(img, dev);
    // e2fsck -D rebuilds directories with an htree index, as the kernel would have.
    execFileSync('e2fsck', ['-fyD', img], { stdio: 'ignore' });
    expect(debugfs(img, 'stat /big')).toMatch(/Flags: 0x1000/);
    dev = loadImage(img);
    fs = mount(dev);
    expect(fs.lookup(d, 'entry-with-a-longish-name-399')).toBeGreaterThan(0);
    expect((fs.readdir(d) as unknown[]).length).toBe(402);
    for (let i = 0; i < 400; i += 2) expect(fs.unlink(d, `entry-with-a-longish-name-${i}`)).toBe(0);
    for (let i = 0; i < 50; i++) expect(fs.create(d, `new-${i}`, 0o644)).toBeGreaterThan(0);
    expect(fs.unmount()).toBe(0);
    saveImage(img, dev);
    expectClean(img);
    expect(debugfs(img, 'stat /big')).toMatch(/Flags: 0x0\b/);
  });
});

describe('a disk filled to ENOSPC', () => {
  it('stays consistent for e2fsck', () => {
    const img = join(dir, 'full.img');
    mkfsExt2(img, 4 << 20, ['-b', '1024']);
    const dev = loadImage(img);
    const fs = mount(dev);
    const f = fs.create(ROOT_INO, 'fill', 0o644);
    let off = 0;
    for (let i = 0; i < 100; i++) {
      const n = fs.write(f, off, pattern(256 * 1024, i));
      if (isErr(n)) break;
      off += n;
    }
    expect(fs.statfs().freeBlocks).toBe(0);
    expect(fs.mkdir(ROOT_INO, 'nospace', 0o755)).toBeLessThan(0);
    expect(fs.unmount()).toBe(0);
    saveImage(img, dev);
    expectClean(img);
  });
});
