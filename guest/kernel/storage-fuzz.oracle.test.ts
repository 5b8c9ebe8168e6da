// Property test of ext2 under the VFS against e2fsprogs: random sequences of file operations
// made by a guest program through syscalls (create/write, mkdir, rename — over existing names
// and across directories —, link, symlink, truncate, unlink, rmdir, sync), then umount. The
// tree the guest saw just before umount must be the tree on disk (read back by the ext2
// library), and `e2fsck -fn` must find nothing to fix.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyscallTrap } from '../abi/native';
import { MemoryBlockDevice } from '../block/block-device';
import { Ext2, ROOT_INO } from '../fs/ext2/ext2';
import { mkfsExt2 } from '../fs/ext2/mkfs';
import { runInit } from '../testing/run';
import type { USys } from '../testing/usys';
import { decodeDirents64 } from './structs';

const AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0o100, O_DIRECTORY = 0o40000, AT_REMOVEDIR = 0x200;
const dir = mkdtempSync(join(tmpdir(), 'twinbox-storage-fuzz-'));
type Gen<T> = Generator<SyscallTrap, T, number>;

const PATHS = ['a', 'b', 'd', 'd/a', 'd/b', 'd/e', 'd/e/a', 'd/e/b', 'e', 'e/a', 'e/b'];
const path = fc.constantFrom(...PATHS);
const op = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('write' as const), p: path, len: fc.integer({ min: 0, max: 20_000 }), v: fc.integer({ min: 1, max: 255 }) }) },
  fc.record({ k: fc.constant('write' as const), p: path, len: fc.integer({ min: 0, max: 20_000 }), v: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ k: fc.constantFrom('mkdir' as const, 'unlink' as const, 'rmdir' as const, 'sync' as const), p: path }),
  fc.record({ k: fc.constantFrom('rename' as const, 'link' as const, 'symlink' as const), p: path, q: path }),
  fc.record({ k: fc.constant('truncate' as const), p: path, len: fc.integer({ min: 0, max: 70_000 }) }),
);
type Op = { k: string; p: string; q?: string; len?: number; v?: number };

function* apply(u: USys, o: Op, buf: number): Gen<void> {
  const m = (p: string) => u.cstr(`/mnt/${p}`);
  switch (o.k) {
    case 'write': {
      const fd = yield* u.sys('openat', AT_FDCWD, m(o.p), O_WRONLY | O_CREAT, 0o644);
      if (fd < 0) return;
      u.ctx.mem.write(buf, new Uint8Array(Math.min(o.len!, 65536)).fill(o.v!));
      yield* u.sys('write', fd, buf, o.len!);
      yield* u.sys('close', fd);
      return;
    }
    case 'mkdir': yield* u.sys('mkdirat', AT_FDCWD, m(o.p), 0o755); return;
    case 'unlink': yield* u.sys('unlinkat', AT_FDCWD, m(o.p), 0); return;
    case 'rmdir': yield* u.sys('unlinkat', AT_FDCWD, m(o.p), AT_REMOVEDIR); return;
    case 'sync': yield* u.sys('sync'); return;
    case 'rename': yield* u.sys('renameat', AT_FDCWD, m(o.p), AT_FDCWD, m(o.q!)); return;
    case 'link': yield* u.sys('linkat', AT_FDCWD, m(o.p), AT_FDCWD, m(o.q!), 0); return;
    case 'symlink': yield* u.sys('symlinkat', u.cstr(o.q!), AT_FDCWD, m(o.p)); return;
    case 'truncate': yield* u.sys('truncate', m(o.p), o.len!); return;
  }
}

/** "path kind size" lines for the tree under `at`, walked through getdents64 and stat-less reads. */
function* walk(u: USys, at: string, prefix: string, out: string[], buf: number): Gen<void> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(at), O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return;
  const n = yield* u.sys('getdents64', fd, buf, 65536);
  yield* u.sys('close', fd);
  const ents = decodeDirents64(u.read(buf, Math.max(0, n))).filter((e) => e.name !== '.' && e.name !== '..' && e.name !== 'lost+found');
  for (const e of ents.sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const p = `${prefix}${e.name}`;
    if (e.type === 4) {
      out.push(`${p} dir`);
      yield* walk(u, `${at}/${e.name}`, `${p}/`, out, buf);
    } else if (e.type === 10) {
      const r = yield* u.sys('readlinkat', AT_FDCWD, u.cstr(`${at}/${e.name}`), buf, 256);
      out.push(`${p} link ${u.text(buf, Math.max(0, r))}`);
    } else {
      const f = yield* u.sys('openat', AT_FDCWD, u.cstr(`${at}/${e.name}`), O_RDONLY, 0);
      let size = 0, sum = 0;
      for (let r = 1; r > 0; ) {
        r = yield* u.sys('read', f, buf, 65536);
        for (const b of u.read(buf, Math.max(0, r))) sum = (sum * 31 + b) >>> 0;
        size += Math.max(0, r);
      }
      yield* u.sys('close', f);
      out.push(`${p} file ${size} ${sum}`);
    }
  }
}

function diskTree(e: Ext2, ino: number, prefix: string, out: string[]): void {
  const list = e.readdir(ino);
  if (typeof list === 'number') return;
  for (const d of list.filter((x) => x.name !== '.' && x.name !== '..' && x.name !== 'lost+found').sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const p = `${prefix}${d.name}`;
    const st = e.getattr(d.ino);
    if (typeof st === 'number') continue;
    const type = st.mode & 0o170000;
    if (type === 0o040000) {
      out.push(`${p} dir`);
      diskTree(e, d.ino, `${p}/`, out);
    } else if (type === 0o120000) out.push(`${p} link ${String(e.readlink(d.ino))}`);
    else {
      const data = e.read(d.ino, 0, st.sizeBytes);
      let sum = 0;
      if (typeof data !== 'number') for (const b of data) sum = (sum * 31 + b) >>> 0;
      out.push(`${p} file ${st.sizeBytes} ${sum}`);
    }
  }
}

describe('ext2 under the VFS, random operations, checked by e2fsck', () => {
  it('the tree the guest saw is the tree on disk, and e2fsck finds it clean', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const img = join(dir, `fuzz${run++}.img`);
        const dev = new MemoryBlockDevice(8 << 20);
        mkfsExt2(dev, { blockSizeBytes: 1024, nowSec: 1_704_067_200 });
        writeFileSync(img, dev.bytes);
        const seen: string[] = [];
        let umounted = -1;
        runInit(function* (u) {
          yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dev'), 0o755);
          yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/dev'), u.cstr('devtmpfs'), 0, 0);
          yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/mnt'), 0o755);
          if ((yield* u.sys('mount', u.cstr('/dev/vda'), u.cstr('/mnt'), u.cstr('ext2'), 0, 0)) !== 0) return;
          const buf = u.alloc(65536);
          // Start from a few directories, so most operations name paths that exist.
          for (const d of ['d', 'd/e', 'e']) yield* u.sys('mkdirat', AT_FDCWD, u.cstr(`/mnt/${d}`), 0o755);
          for (const o of ops) yield* apply(u, o, buf);
          yield* walk(u, '/mnt', '', seen, buf);
          umounted = yield* u.sys('umount2', u.cstr('/mnt'), 0);
        }, {
          type: 'virt',
          description: {
            drives: [{ id: 'd0', file: img, format: 'raw', if: 'none', readonly: false, props: {} }],
            devices: [{ driver: 'virtio-blk-device', props: { drive: 'd0' } }],
          },
        });
        expect(umounted).toBe(0);
        const e = Ext2.mount(new MemoryBlockDevice(new Uint8Array(readFileSync(img))), { readonly: true });
        if (!(e instanceof Ext2)) throw new Error(e.message);
        const onDisk: string[] = [];
        diskTree(e, ROOT_INO, '', onDisk);
        expect(onDisk).toEqual(seen);
        const fsck = spawnSync('e2fsck', ['-fn', img], { encoding: 'utf8' });
        expect(`${fsck.status}\n${fsck.stdout}${fsck.stderr}`).toMatch(/^0\n/);
      }),
      { numRuns: 60, seed: 5 },
    );
  });
});
