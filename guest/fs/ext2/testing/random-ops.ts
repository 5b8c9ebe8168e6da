// Random file-operation sequences for property tests: a fast-check arbitrary, a model of the
// expected tree, and a runner that applies each operation to both and checks they agree on
// success. Shared by the in-memory test and the e2fsck oracle test.

import fc from 'fast-check';
import { expect } from 'vitest';
import { isErr } from '../errno';
import { Ext2, ROOT_INO } from '../ext2';
import { testBit } from '../bitmap';

export type Op =
  | { op: 'create' | 'mkdir' | 'unlink' | 'rmdir'; dir: number; name: number }
  | { op: 'write'; dir: number; name: number; offset: number; len: number; seed: number }
  | { op: 'truncate'; dir: number; name: number; size: number }
  | { op: 'rename'; dir: number; name: number; toDir: number; toName: number }
  | { op: 'symlink'; dir: number; name: number; len: number };

const DIRS = ['', 'd0', 'd1'];
const NAMES = ['a', 'd0', 'd1', 'long-name-' + 'x'.repeat(40)];

const loc = { dir: fc.constantFrom(0, 0, 1, 2), name: fc.integer({ min: 0, max: NAMES.length - 1 }) };
const simple = (op: 'create' | 'mkdir' | 'unlink' | 'rmdir') => fc.record({ op: fc.constant(op), ...loc });
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: simple('create'), weight: 4 },
  { arbitrary: simple('mkdir'), weight: 2 },
  { arbitrary: simple('unlink'), weight: 2 },
  { arbitrary: simple('rmdir'), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant('write' as const), ...loc, offset: fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 400_000 })), len: fc.integer({ min: 1, max: 30_000 }), seed: fc.nat(255) }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), ...loc, size: fc.integer({ min: 0, max: 300_000 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('rename' as const), ...loc, toDir: fc.constantFrom(0, 0, 1, 2), toName: fc.integer({ min: 0, max: NAMES.length - 1 }) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('symlink' as const), ...loc, len: fc.integer({ min: 1, max: 200 }) }), weight: 1 },
);

/** Sequences long enough to build, grow, move and tear down a small tree. */
export const opsArb = fc.array(opArb, { minLength: 10, maxLength: 60 });

export type Node = { kind: 'file'; data: Uint8Array } | { kind: 'dir' } | { kind: 'link'; target: string };

export function patternBytes(len: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 29 + seed) & 0xff);
}

const pathOf = (dir: number, name: number) => (DIRS[dir] ? `${DIRS[dir]}/${NAMES[name]}` : NAMES[name]);

function dirIno(fs: Ext2, dir: number): number {
  if (dir === 0) return ROOT_INO;
  const r = fs.lookup(ROOT_INO, DIRS[dir]);
  return isErr(r) ? -1 : r;
}

/** Applies `op` to the filesystem and, when the filesystem accepts it, to the model. */
export function applyOp(fs: Ext2, model: Map<string, Node>, op: Op): void {
  const d = dirIno(fs, op.dir);
  const p = pathOf(op.dir, op.name);
  if (d < 0 || (op.dir !== 0 && model.get(DIRS[op.dir])?.kind !== 'dir')) return;
  const node = model.get(p);
  const target = () => fs.lookup(d, NAMES[op.name]);
  switch (op.op) {
    case 'create': expectOk(fs.create(d, NAMES[op.name], 0o644), !node) && model.set(p, { kind: 'file', data: new Uint8Array(0) }); break;
    case 'mkdir':
      // The model keeps directories at the top level only.
      if (op.dir !== 0) return;
      expectOk(fs.mkdir(d, NAMES[op.name], 0o755), !node) && model.set(p, { kind: 'dir' });
      break;
    case 'symlink': {
      const t = 'T'.repeat(op.len);
      expectOk(fs.symlink(d, NAMES[op.name], t), !node) && model.set(p, { kind: 'link', target: t });
      break;
    }
    case 'unlink': expectOk(fs.unlink(d, NAMES[op.name]), !!node && node.kind !== 'dir') && model.delete(p); break;
    case 'rmdir': {
      const empty = ![...model.keys()].some((k) => k.startsWith(p + '/'));
      expectOk(fs.rmdir(d, NAMES[op.name]), node?.kind === 'dir' && empty) && model.delete(p);
      break;
    }
    case 'write': {
      if (node?.kind !== 'file') return;
      const data = patternBytes(op.len, op.seed);
      expect(fs.write(target(), op.offset, data)).toBe(op.len);
      const next = new Uint8Array(Math.max(node.data.length, op.offset + op.len));
      next.set(node.data);
      next.set(data, op.offset);
      node.data = next;
      break;
    }
    case 'truncate': {
      if (node?.kind !== 'file') return;
      expect(fs.truncate(target(), op.size)).toBe(0);
      const next = new Uint8Array(op.size);
      next.set(node.data.subarray(0, op.size));
      node.data = next;
      break;
    }
    case 'rename': applyRename(fs, model, op, d); break;
  }
}

function applyRename(fs: Ext2, model: Map<string, Node>, op: Extract<Op, { op: 'rename' }>, d: number): void {
  const to = dirIno(fs, op.toDir);
  if (to < 0 || (op.toDir !== 0 && model.get(DIRS[op.toDir])?.kind !== 'dir')) return;
  const from = pathOf(op.dir, op.name);
  const dest = pathOf(op.toDir, op.toName);
  const src = model.get(from);
  const dst = model.get(dest);
  // Directories only live at the top level in this model: moving one below is not tried.
  if (src?.kind === 'dir' && op.toDir !== 0) return;
  const r = fs.rename(d, NAMES[op.name], to, NAMES[op.toName]);
  if (!src) return void expect(r).toBeLessThan(0);
  if (from === dest) return void expect(r).toBe(0);
  const childrenOf = (p: string) => [...model.keys()].filter((k) => k.startsWith(p + '/'));
  const dstBusy = dst !== undefined && (dst.kind === 'dir' ? src.kind !== 'dir' || childrenOf(dest).length > 0 : src.kind === 'dir');
  if (dstBusy) return void expect(r).toBeLessThan(0);
  expect(r).toBe(0);
  model.delete(dest);
  model.delete(from);
  model.set(dest, src);
  for (const k of childrenOf(from)) {
    const v = model.get(k) as Node;
    model.delete(k);
    model.set(dest + k.slice(from.length), v);
  }
}

function expectOk(r: number, shouldSucceed: boolean): boolean {
  if (shouldSucceed) expect(r).toBeGreaterThanOrEqual(0);
  else expect(r).toBeLessThan(0);
  return shouldSucceed;
}

/** Walks the filesystem and compares it with the model. */
export function checkAgainstModel(fs: Ext2, model: Map<string, Node>): void {
  const seen = new Map<string, Node>();
  const walk = (ino: number, prefix: string) => {
    const entries = fs.readdir(ino);
    if (isErr(entries)) throw new Error(`readdir ${prefix}: ${entries}`);
    for (const e of entries) {
      if (e.name === '.' || e.name === '..' || e.name === 'lost+found') continue;
      const p = prefix + e.name;
      const st = fs.getattr(e.ino);
      if (isErr(st)) throw new Error(`getattr ${p}: ${st}`);
      const kind = st.mode & 0o170000;
      if (kind === 0o040000) {
        seen.set(p, { kind: 'dir' });
        walk(e.ino, p + '/');
      } else if (kind === 0o120000) seen.set(p, { kind: 'link', target: fs.readlink(e.ino) as string });
      else seen.set(p, { kind: 'file', data: fs.read(e.ino, 0, st.sizeBytes) as Uint8Array });
    }
  };
  walk(ROOT_INO, '');
  // Compare shapes with expect, contents byte-wise (deep equality on large arrays is slow).
  const shape = (m: Map<string, Node>) => [...m].map(([k, v]) => [k, v.kind, v.kind === 'file' ? v.data.length : v.kind === 'link' ? v.target : '']).sort();
  expect(shape(seen)).toEqual(shape(model));
  for (const [k, v] of model) {
    const got = seen.get(k);
    if (v.kind === 'file' && got?.kind === 'file') expect(sameBytes(got.data, v.data), `contents of ${k}`).toBe(true);
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Free counts in the superblock and descriptors agree with the bitmaps. */
export function checkFreeCounts(fs: Ext2): void {
  const x = fs.fs;
  let freeBlocks = 0;
  let freeInodes = 0;
  x.groups.forEach((gd, g) => {
    const bb = x.readBlock(gd.blockBitmap) as Uint8Array;
    let fb = 0;
    for (let i = 0; i < x.blocksInGroup(g); i++) if (!testBit(bb, i)) fb++;
    const ib = x.readBlock(gd.inodeBitmap) as Uint8Array;
    let fi = 0;
    for (let i = 0; i < x.sb.inodesPerGroup; i++) if (!testBit(ib, i)) fi++;
    expect([g, gd.freeBlocksCount, gd.freeInodesCount]).toEqual([g, fb, fi]);
    freeBlocks += fb;
    freeInodes += fi;
  });
  expect([x.sb.freeBlocksCount, x.sb.freeInodesCount]).toEqual([freeBlocks, freeInodes]);
}
