import { describe, expect, it } from 'vitest';
import { MemoryBlockDevice } from '../../block/block-device';
import { EEXIST, EINVAL, EISDIR, ENAMETOOLONG, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, EPERM, EROFS, isErr } from './errno';
import { Ext2, ROOT_INO, type Stat } from './ext2';
import { mkfsExt2 } from './mkfs';
import { S_IFDIR, S_IFLNK, S_IFREG } from './inode';
import { FT_DIR, FT_REG_FILE, FT_SYMLINK } from './dirent';
import { EXT2_VALID_FS, SUPERBLOCK_OFFSET } from './superblock';

const NOW = 1_700_000_000;

export function freshFs(sizeBytes = 8 << 20, blockSizeBytes: 1024 | 2048 | 4096 = 1024): { dev: MemoryBlockDevice; fs: Ext2 } {
  const dev = new MemoryBlockDevice(sizeBytes);
  expect(mkfsExt2(dev, { blockSizeBytes, nowSec: NOW })).toBe(0);
  const fs = Ext2.mount(dev, { nowSec: () => NOW + 10 });
  if (!(fs instanceof Ext2)) throw new Error(fs.message);
  return { dev, fs };
}

function ok<T>(x: T | number): T {
  if (isErr(x)) throw new Error(`unexpected errno ${x}`);
  return x as T;
}

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 8)) & 0xff);
}

const text = (s: string) => new TextEncoder().encode(s);

describe('ext2 mount of a fresh filesystem', () => {
  it('lists ., .. and lost+found in the root with their file types', () => {
    const { fs } = freshFs();
    const names = ok(fs.readdir(ROOT_INO)).map((e) => [e.name, e.ino, e.fileType]);
    expect(names).toEqual([['.', 2, FT_DIR], ['..', 2, FT_DIR], ['lost+found', 11, FT_DIR]]);
    expect(ok<Stat>(fs.getattr(ROOT_INO))).toMatchObject({ mode: S_IFDIR | 0o755, links: 3, sizeBytes: 1024 });
  });

  it('marks the superblock not-clean while mounted and clean after unmount, counting mounts', () => {
    const { dev, fs } = freshFs();
    const state = () => dev.bytes[SUPERBLOCK_OFFSET + 58];
    const mounts = () => dev.bytes[SUPERBLOCK_OFFSET + 52];
    expect(state() & EXT2_VALID_FS).toBe(0);
    expect(mounts()).toBe(1);
    expect(fs.unmount()).toBe(0);
    expect(state() & EXT2_VALID_FS).toBe(EXT2_VALID_FS);
    const again = Ext2.mount(dev, {});
    expect(again).toBeInstanceOf(Ext2);
    expect(mounts()).toBe(2);
  });
});

describe('ext2 remount', () => {
  it('read-only remount marks the filesystem clean and refuses writes; rw again works', () => {
    const { dev, fs } = freshFs();
    const ino = ok(fs.create(ROOT_INO, 'f', 0o644));
    expect(fs.remount(true)).toBeNull();
    expect(dev.bytes[SUPERBLOCK_OFFSET + 58] & EXT2_VALID_FS).toBe(EXT2_VALID_FS);
    expect(fs.write(ino, 0, text('x'))).toBe(-EROFS);
    expect(fs.remount(false)).toBeNull();
    expect(dev.bytes[SUPERBLOCK_OFFSET + 58] & EXT2_VALID_FS).toBe(0);
    expect(fs.write(ino, 0, text('x'))).toBe(1);
    expect(fs.fsync(ino)).toBe(0);
  });
});

describe('ext2 files', () => {
  it('writes, overwrites in the middle and reads back', () => {
    const { fs } = freshFs();
    const ino = ok(fs.create(ROOT_INO, 'a.txt', 0o644));
    expect(fs.write(ino, 0, text('hello world'))).toBe(11);
    expect(fs.write(ino, 6, text('there'))).toBe(5);
    expect(new TextDecoder().decode(ok(fs.read(ino, 0, 100)))).toBe('hello there');
    expect(ok<Stat>(fs.getattr(ino))).toMatchObject({ mode: S_IFREG | 0o644, sizeBytes: 11, blocks512: 2, links: 1 });
  });

  it('counts indirect blocks in i_blocks and reads holes as zeroes', () => {
    const { fs } = freshFs();
    const ino = ok(fs.create(ROOT_INO, 'f', 0o644));
    const data = bytes(13 * 1024, 1); // 12 direct + 1 through the single indirect block
    expect(fs.write(ino, 0, data)).toBe(data.length);
    expect(ok<Stat>(fs.getattr(ino)).blocks512).toBe(14 * 2);
    expect(ok(fs.read(ino, 0, data.length))).toEqual(data);
    const sparse = ok(fs.create(ROOT_INO, 's', 0o644));
    expect(fs.write(sparse, 5000, text('x'))).toBe(1);
    const got = ok(fs.read(sparse, 0, 6000));
    expect(got.length).toBe(5001);
    expect(got.subarray(0, 5000).every((b) => b === 0)).toBe(true);
    expect(ok<Stat>(fs.getattr(sparse)).blocks512).toBe(2);
  });

  it('reaches double and triple indirect blocks (1 KiB blocks) and frees them all on unlink', () => {
    const { fs } = freshFs();
    const before = fs.statfs().freeBlocks;
    const ino = ok(fs.create(ROOT_INO, 'deep', 0o644));
    const at = [300 * 1024, 70 * 1024 * 1024, 2 * 1024 * 1024 * 1024];
    for (const [k, off] of at.entries()) expect(fs.write(ino, off, bytes(2048, k))).toBe(2048);
    for (const [k, off] of at.entries()) expect(ok(fs.read(ino, off, 2048))).toEqual(bytes(2048, k));
    // Every block the file took (data and indirect) is counted in i_blocks, in 512-byte units.
    expect(ok<Stat>(fs.getattr(ino)).blocks512 / 2).toBe(before - fs.statfs().freeBlocks);
    expect(fs.unlink(ROOT_INO, 'deep')).toBe(0);
    expect(fs.statfs().freeBlocks).toBe(before);
  });

  it('truncates down (zeroing the cut block tail) and up (a hole)', () => {
    const { fs } = freshFs();
    const ino = ok(fs.create(ROOT_INO, 't', 0o644));
    const free0 = fs.statfs().freeBlocks;
    fs.write(ino, 0, bytes(40_000, 3));
    expect(fs.truncate(ino, 1500)).toBe(0);
    expect(ok<Stat>(fs.getattr(ino))).toMatchObject({ sizeBytes: 1500, blocks512: 4 });
    expect(fs.statfs().freeBlocks).toBe(free0 - 2);
    expect(fs.truncate(ino, 3000)).toBe(0);
    const got = ok(fs.read(ino, 0, 3000));
    expect(got.subarray(0, 1500)).toEqual(bytes(40_000, 3).subarray(0, 1500));
    expect(got.subarray(1500).every((b) => b === 0)).toBe(true);
    expect(fs.truncate(ino, 0)).toBe(0);
    expect(fs.statfs().freeBlocks).toBe(free0);
  });

  it('returns ENOSPC when the disk fills and stays usable', () => {
    const { fs } = freshFs(1 << 20);
    const ino = ok(fs.create(ROOT_INO, 'fill', 0o644));
    let total = 0;
    for (;;) {
      const n = fs.write(ino, total, bytes(64 * 1024, 5));
      if (isErr(n)) {
        expect(n).toBe(-ENOSPC);
        break;
      }
      total += n;
      if (n < 64 * 1024) continue;
    }
    expect(fs.statfs().freeBlocks).toBe(0);
    expect(ok(fs.read(ino, 0, 1024))).toEqual(bytes(64 * 1024, 5).subarray(0, 1024));
    expect(fs.unlink(ROOT_INO, 'fill')).toBe(0);
    expect(fs.statfs().freeBlocks).toBeGreaterThan(800);
  });
});

describe('ext2 out of inodes', () => {
  it('returns ENOSPC, allocates nothing, and reuses a freed inode', () => {
    const dev = new MemoryBlockDevice(1 << 20);
    expect(mkfsExt2(dev, { nowSec: NOW, bytesPerInode: 1 << 20 })).toBe(0);
    const fs = Ext2.mount(dev) as Ext2;
    const made: number[] = [];
    for (;;) {
      const r = fs.create(ROOT_INO, `f${made.length}`, 0o644);
      if (isErr(r)) {
        expect(r).toBe(-ENOSPC);
        break;
      }
      made.push(r);
    }
    expect(made).toEqual([12, 13, 14, 15, 16]);
    const blocks = fs.statfs().freeBlocks;
    expect(fs.mkdir(ROOT_INO, 'd', 0o755)).toBe(-ENOSPC);
    expect(fs.statfs()).toMatchObject({ freeFiles: 0, freeBlocks: blocks });
    expect(fs.unlink(ROOT_INO, 'f2')).toBe(0);
    expect(fs.create(ROOT_INO, 'again', 0o644)).toBe(14);
  });
});

describe('ext2 namespace', () => {
  it('mkdir and rmdir keep link counts (2 + subdirectories) and used-dir counts', () => {
    const { fs } = freshFs();
    const a = ok(fs.mkdir(ROOT_INO, 'a', 0o755));
    const b = ok(fs.mkdir(a, 'b', 0o700));
    expect(ok<Stat>(fs.getattr(ROOT_INO)).links).toBe(4);
    expect(ok<Stat>(fs.getattr(a)).links).toBe(3);
    expect(ok<Stat>(fs.getattr(b))).toMatchObject({ links: 2, mode: S_IFDIR | 0o700, sizeBytes: 1024 });
    expect(fs.lookup(b, '..')).toBe(a);
    expect(fs.rmdir(ROOT_INO, 'a')).toBe(-ENOTEMPTY);
    expect(fs.rmdir(a, 'b')).toBe(0);
    expect(fs.rmdir(ROOT_INO, 'a')).toBe(0);
    expect(ok<Stat>(fs.getattr(ROOT_INO)).links).toBe(3);
    expect(fs.fs.groups[0].usedDirsCount).toBe(2);
  });

  it('refuses bad names and wrong types with Linux errnos', () => {
    const { fs } = freshFs();
    const f = ok(fs.create(ROOT_INO, 'f', 0o644));
    expect(fs.create(ROOT_INO, 'f', 0o644)).toBe(-EEXIST);
    expect(fs.create(ROOT_INO, '.', 0o644)).toBe(-EEXIST);
    expect(fs.create(ROOT_INO, 'a/b', 0o644)).toBe(-EINVAL);
    expect(fs.create(ROOT_INO, 'x'.repeat(256), 0o644)).toBe(-ENAMETOOLONG);
    expect(fs.create(f, 'y', 0o644)).toBe(-ENOTDIR);
    expect(fs.lookup(ROOT_INO, 'missing')).toBe(-ENOENT);
    expect(fs.unlink(ROOT_INO, 'lost+found')).toBe(-EISDIR);
    expect(fs.rmdir(ROOT_INO, 'f')).toBe(-ENOTDIR);
    expect(fs.link(ROOT_INO, ROOT_INO, 'rootlink')).toBe(-EPERM);
    expect(fs.read(ROOT_INO, 0, 10)).toBe(-EISDIR);
    expect(fs.create(ROOT_INO, 'n'.repeat(255), 0o644)).toBeGreaterThan(0);
  });

  it('stores fast symlinks in the inode and slow ones in a block', () => {
    const { fs } = freshFs();
    const fast = ok(fs.symlink(ROOT_INO, 'fast', 'a/b/c'));
    const longTarget = 'd/'.repeat(40) + 'end';
    const slow = ok(fs.symlink(ROOT_INO, 'slow', longTarget));
    expect(ok<Stat>(fs.getattr(fast))).toMatchObject({ mode: S_IFLNK | 0o777, sizeBytes: 5, blocks512: 0 });
    expect(ok<Stat>(fs.getattr(slow))).toMatchObject({ sizeBytes: longTarget.length, blocks512: 2 });
    expect(fs.readlink(fast)).toBe('a/b/c');
    expect(fs.readlink(slow)).toBe(longTarget);
    expect(fs.symlink(ROOT_INO, 'huge', 'x'.repeat(1024))).toBe(-ENAMETOOLONG);
    expect(ok(fs.readdir(ROOT_INO)).find((e) => e.name === 'fast')?.fileType).toBe(FT_SYMLINK);
  });

  it('device nodes keep their numbers in i_block and free no blocks when removed', () => {
    const { fs } = freshFs();
    const free = fs.statfs().freeBlocks;
    const tty = ok(fs.create(ROOT_INO, 'tty1', 0o20620, 0, 5, (4 << 8) | 1));
    const big = ok(fs.create(ROOT_INO, 'sdq', 0o60660, 0, 6, (259 << 8) | (300 & 0xff) | ((300 & ~0xff) << 12)));
    const fifo = ok(fs.create(ROOT_INO, 'pipe', 0o10644));
    expect(ok<Stat>(fs.getattr(tty))).toMatchObject({ mode: 0o20620, rdev: (4 << 8) | 1, sizeBytes: 0, blocks512: 0 });
    expect(ok<Stat>(fs.getattr(big)).rdev).toBe((259 << 8) | (300 & 0xff) | ((300 & ~0xff) << 12));
    expect(ok<Stat>(fs.getattr(fifo))).toMatchObject({ mode: 0o10644, rdev: 0 });
    for (const n of ['tty1', 'sdq', 'pipe']) expect(fs.unlink(ROOT_INO, n)).toBe(0);
    expect(fs.statfs().freeBlocks).toBe(free);
    expect(fs.fs.log).toEqual([]);
  });

  it('hard links share an inode until the last name goes', () => {
    const { fs } = freshFs();
    const ino = ok(fs.create(ROOT_INO, 'one', 0o644));
    fs.write(ino, 0, text('shared'));
    expect(fs.link(ino, ROOT_INO, 'two')).toBe(0);
    expect(ok<Stat>(fs.getattr(ino)).links).toBe(2);
    expect(fs.unlink(ROOT_INO, 'one')).toBe(0);
    expect(new TextDecoder().decode(ok(fs.read(fs.lookup(ROOT_INO, 'two') as number, 0, 10)))).toBe('shared');
    const freeInodes = fs.statfs().freeFiles;
    expect(fs.unlink(ROOT_INO, 'two')).toBe(0);
    expect(fs.statfs().freeFiles).toBe(freeInodes + 1);
  });

  it('rename moves files over existing names and directories across parents', () => {
    const { fs } = freshFs();
    const a = ok(fs.mkdir(ROOT_INO, 'a', 0o755));
    const b = ok(fs.mkdir(ROOT_INO, 'b', 0o755));
    const x = ok(fs.create(a, 'x', 0o644));
    ok(fs.create(b, 'y', 0o644));
    expect(fs.rename(a, 'x', b, 'y')).toBe(0);
    expect(fs.lookup(b, 'y')).toBe(x);
    expect(fs.lookup(a, 'x')).toBe(-ENOENT);
    const sub = ok(fs.mkdir(a, 'sub', 0o755));
    expect(fs.rename(a, 'sub', b, 'sub2')).toBe(0);
    expect(fs.lookup(sub, '..')).toBe(b);
    expect(ok<Stat>(fs.getattr(a)).links).toBe(2);
    expect(ok<Stat>(fs.getattr(b)).links).toBe(3);
    expect(fs.rename(ROOT_INO, 'b', sub, 'inside')).toBe(-EINVAL);
    expect(fs.rename(ROOT_INO, 'a', b, 'sub2')).toBe(0); // an empty directory may be replaced
    expect(ok<Stat>(fs.getattr(b)).links).toBe(3);
    expect(ok<Stat>(fs.getattr(ROOT_INO)).links).toBe(4);
    expect(fs.rename(b, 'y', b, 'sub2')).toBe(-EISDIR);
  });

  it('keeps an unlinked open inode until evict', () => {
    const dev = new MemoryBlockDevice(4 << 20);
    mkfsExt2(dev, { nowSec: NOW });
    const open = new Set<number>();
    const fs = Ext2.mount(dev, { isOpen: (i) => open.has(i) }) as Ext2;
    const ino = ok(fs.create(ROOT_INO, 'tmp', 0o600));
    fs.write(ino, 0, text('still here'));
    open.add(ino);
    expect(fs.unlink(ROOT_INO, 'tmp')).toBe(0);
    expect(new TextDecoder().decode(ok(fs.read(ino, 0, 20)))).toBe('still here');
    open.delete(ino);
    const free = fs.statfs().freeFiles;
    expect(fs.evict(ino)).toBe(0);
    expect(fs.statfs().freeFiles).toBe(free + 1);
    expect(ok<Stat>(fs.getattr(ino)).links).toBe(0);
  });

  it('grows a directory past one block and finds every entry again after remount', () => {
    const { dev, fs } = freshFs();
    for (let i = 0; i < 200; i++) ok(fs.create(ROOT_INO, `file-number-${i}`, 0o644));
    expect(ok<Stat>(fs.getattr(ROOT_INO)).sizeBytes).toBeGreaterThan(1024);
    fs.unmount();
    const again = Ext2.mount(dev, { readonly: true }) as Ext2;
    expect(ok(again.readdir(ROOT_INO)).filter((e) => e.fileType === FT_REG_FILE)).toHaveLength(200);
    expect(again.lookup(ROOT_INO, 'file-number-199')).toBeGreaterThan(0);
    expect(again.create(ROOT_INO, 'z', 0o644)).toBe(-EROFS);
  });
});

describe('ext2 mount refusals', () => {
  it('refuses a missing magic, unknown incompat features, and rw with unknown ro-compat features', () => {
    const { dev } = freshFs();
    const copy = () => new MemoryBlockDevice(dev.bytes.slice());
    const noMagic = copy();
    noMagic.bytes[SUPERBLOCK_OFFSET + 56] = 0;
    expect(Ext2.mount(noMagic)).toMatchObject({ errno: -EINVAL, message: expect.stringContaining("can't find an ext2 filesystem") });
    const extents = copy();
    extents.bytes[SUPERBLOCK_OFFSET + 96] |= 0x40;
    expect(Ext2.mount(extents)).toMatchObject({ message: expect.stringContaining('extent') });
    const csum = copy();
    csum.bytes[SUPERBLOCK_OFFSET + 101] |= 0x04; // metadata_csum (0x400)
    expect(Ext2.mount(csum)).toMatchObject({ errno: -EROFS, message: expect.stringContaining('metadata_csum') });
    expect(Ext2.mount(csum, { readonly: true })).toBeInstanceOf(Ext2);
  });

  it('refuses a group descriptor pointing outside its group', () => {
    const { dev } = freshFs();
    dev.bytes[2048] = 0xff; // group 0 block bitmap, low byte
    dev.bytes[2049] = 0xff;
    const r = Ext2.mount(dev);
    expect(r).toMatchObject({ message: expect.stringContaining('Block bitmap for group 0 not in group') });
  });
});
