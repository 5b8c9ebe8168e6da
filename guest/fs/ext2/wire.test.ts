import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emitDotBlock, FT_DIR, parseDirBlock, recLenFor, writeDirEntry } from './dirent';
import { emitInode, parseInode, S_IFDIR } from './inode';
import { emitSuperblock, featureNames, groupHasSuper, INCOMPAT_NAMES, parseSuperblock } from './superblock';
import { emitGroupDesc, parseGroupDesc } from './group';
import { findClear, setBit, setRange, testBit } from './bitmap';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

// Captured from `mkfs.ext2 -q -F` (e2fsprogs 1.47.0) on an 8 MiB image, E2FSPROGS_FAKE_TIME=1700000000.
const ROOT_INODE = hex(
  'ed4100000004000000f1536500f1536500f153650000000000000300020000000000000000000000240200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000f15365000000000000000000000000',
);
const ROOT_DIR_START = hex('020000000c0001022e000000020000000c0002022e2e00000b000000e8030a026c6f73742b666f756e64000000000000');
const SUPER_START = hex(
  '000800000020000099010000ce1d0000f50700000100000000000000000000000020000000200000000800000000000000f153650000ffff53ef01000100000000f15365000000000000000001000000000000000b0000000001000038000000020000000300000038241c0c456146e394eb14fecca61ac20000000000000000',
);

describe('ext2 wire formats against mkfs.ext2 bytes', () => {
  it('parses the root inode', () => {
    const i = parseInode(ROOT_INODE, 0, 160);
    expect(i).toMatchObject({ mode: S_IFDIR | 0o755, sizeBytes: 1024, links: 3, blocks512: 2, mtime: 1700000000, dtime: 0 });
    expect(i.block[0]).toBe(548);
    expect(emitInode(i)).toEqual(ROOT_INODE);
  });

  it('parses the root directory block entries', () => {
    const block = new Uint8Array(1024);
    block.set(ROOT_DIR_START);
    const entries = parseDirBlock(block);
    expect(entries?.map((e) => [new TextDecoder().decode(e.name), e.inode, e.recLen, e.fileType])).toEqual([
      ['.', 2, 12, FT_DIR], ['..', 2, 12, FT_DIR], ['lost+found', 11, 1000, FT_DIR],
    ]);
  });

  it('parses the superblock and re-emits it byte for byte', () => {
    const raw = new Uint8Array(1024);
    raw.set(SUPER_START);
    const sb = parseSuperblock(raw);
    expect(sb).toMatchObject({ inodesCount: 2048, blocksCount: 8192, rBlocksCount: 409, freeBlocksCount: 7630, freeInodesCount: 2037,
      firstDataBlock: 1, logBlockSize: 0, blocksPerGroup: 8192, inodesPerGroup: 2048, magic: 0xef53, state: 1, revLevel: 1,
      firstIno: 11, inodeSize: 256, featureCompat: 0x38, featureIncompat: 2, featureRoCompat: 3 });
    expect(emitSuperblock(sb)).toEqual(raw);
  });

  it('group descriptors round-trip', () => {
    const b = new Uint8Array(32);
    b.set([34, 0, 0, 0, 35, 0, 0, 0, 36, 0, 0, 0, 0xce, 0x1d, 0xf5, 0x07, 2, 0]);
    const g = parseGroupDesc(b, 0);
    expect(g).toMatchObject({ blockBitmap: 34, inodeBitmap: 35, inodeTable: 36, freeBlocksCount: 7630, freeInodesCount: 2037, usedDirsCount: 2 });
    expect(emitGroupDesc(g)).toEqual(b);
  });

  it('sparse_super backup groups are 0, 1 and powers of 3, 5, 7', () => {
    const sb = parseSuperblock(new Uint8Array(1024));
    sb.featureRoCompat = 1;
    const groups = Array.from({ length: 50 }, (_, g) => g).filter((g) => groupHasSuper(sb, g));
    expect(groups).toEqual([0, 1, 3, 5, 7, 9, 25, 27, 49]);
  });

  it('names feature bits for mount messages', () => {
    expect(featureNames(0x40 | 0x80 | 0x800, INCOMPAT_NAMES)).toBe('extent 64bit 0x800');
  });
});

describe('directory entry rules', () => {
  it('rec_len is 8 + name rounded up to 4', () => {
    expect([1, 2, 3, 4, 5, 255].map(recLenFor)).toEqual([12, 12, 12, 12, 16, 264]);
  });

  it('rejects blocks whose entries break the rec_len rules', () => {
    const good = emitDotBlock(1024, 12, 2);
    expect(parseDirBlock(good)).toHaveLength(2);
    const short = good.slice();
    short[16] = 8; // ".." rec_len below 12
    short[17] = 0;
    expect(parseDirBlock(short)).toBeNull();
    const odd = good.slice();
    odd[4] = 14; // "." rec_len not a multiple of 4
    expect(parseDirBlock(odd)).toBeNull();
    const past = good.slice();
    past[17] = 0x08; // ".." reaches past the block
    expect(parseDirBlock(past)).toBeNull();
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 1024 }), (b) => {
      const r = parseDirBlock(b);
      if (r) expect(r.reduce((n, e) => n + e.recLen, 0)).toBe(b.length);
    }));
  });

  it('writeDirEntry then parse round-trips names', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 255 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (name, ino) => {
      const b = new Uint8Array(1024);
      writeDirEntry(b, { offset: 0, inode: ino, recLen: 1024, fileType: 1, name });
      const [e] = parseDirBlock(b) ?? [];
      expect(e.name).toEqual(name);
      expect(e.inode).toBe(ino);
    }));
  });
});

describe('bitmaps', () => {
  it('finds clear bits skipping full bytes, and sets padding ranges', () => {
    const b = new Uint8Array(8);
    setRange(b, 0, 37);
    expect(findClear(b, 0, 64)).toBe(37);
    setBit(b, 37);
    expect(findClear(b, 0, 38)).toBe(-1);
    expect(testBit(b, 36)).toBe(true);
    expect(findClear(b, 0, 64)).toBe(38);
  });
});
