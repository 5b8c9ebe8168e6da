// The guest storage stack checked by e2fsprogs: a disk partitioned by sfdisk, its partition
// made by mkfs.ext2 with a file written by debugfs; the guest (through virtio-blk-pci and
// virtio-blk-device, the block layer and ext2 under the VFS) reads it, then creates, writes,
// renames across directories, links, symlinks, truncates and removes; after umount the
// partition passes `e2fsck -fn` and `debugfs -R 'cat …'` returns what the guest wrote.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyscallTrap } from '../abi/native';
import type { MachineType } from '../../emulator/machine/description/types';
import { runInit } from '../testing/run';
import type { USys } from '../testing/usys';

const AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0o100, AT_REMOVEDIR = 0x200;
const dir = mkdtempSync(join(tmpdir(), 'twinbox-storage-oracle-'));
const PART_START = 2048 * 512;

function sh(cmd: string): string {
  return execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
}

function makeDisk(name: string, blockSize: number): string {
  const img = join(dir, `${name}.img`), part = join(dir, `${name}.part`);
  sh(`truncate -s 48M ${img} && printf 'start=2048, type=83\\n' | sfdisk -q ${img}`);
  sh(`truncate -s ${48 * 1024 * 1024 - PART_START} ${part} && mkfs.ext2 -q -F -b ${blockSize} ${part}`);
  writeFileSync(join(dir, 'seed.txt'), 'seeded by debugfs\n');
  sh(`debugfs -w -R 'write ${join(dir, 'seed.txt')} seed.txt' ${part} 2>/dev/null`);
  sh(`dd if=${part} of=${img} bs=512 seek=2048 conv=notrunc status=none`);
  return img;
}

/** The partition cut out of the image, for e2fsprogs. */
function partitionOf(img: string): string {
  const out = `${img}.p1`;
  writeFileSync(out, readFileSync(img).subarray(PART_START));
  return out;
}

type Gen<T> = Generator<SyscallTrap, T, number>;

const scratches = new WeakMap<USys, number>();
/** One 64 KiB buffer per program, reused for every write (the toolkit's scratch area is 1 MiB). */
function scratch(u: USys): number {
  let a = scratches.get(u);
  if (a === undefined) {
    a = u.alloc(65536);
    scratches.set(u, a);
  }
  return a;
}

function* put(u: USys, path: string, data: Uint8Array): Gen<number> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_WRONLY | O_CREAT, 0o644);
  if (fd < 0) return fd;
  let r = 0;
  const buf = scratch(u);
  for (let at = 0; at < data.length && r >= 0; at += 65536) {
    const piece = data.subarray(at, at + 65536);
    u.ctx.mem.write(buf, piece);
    r = yield* u.sys('write', fd, buf, piece.length);
  }
  yield* u.sys('close', fd);
  return r < 0 ? r : 0;
}

function* get(u: USys, path: string): Gen<string> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_RDONLY, 0);
  if (fd < 0) return `open ${fd}`;
  const buf = u.alloc(4096);
  const n = yield* u.sys('read', fd, buf, 4096);
  yield* u.sys('close', fd);
  return u.text(buf, Math.max(0, n));
}

const big = new Uint8Array(3 << 20).map((_, i) => (i * 7) & 0xff);

function* workload(u: USys, results: Array<number | string>): Gen<void> {
  const c = (s: string) => u.cstr(s);
  yield* u.sys('mkdirat', AT_FDCWD, c('/dev'), 0o755);
  yield* u.sys('mount', c('devtmpfs'), c('/dev'), c('devtmpfs'), 0, 0);
  yield* u.sys('mkdirat', AT_FDCWD, c('/mnt'), 0o755);
  results.push(yield* u.sys('mount', c('/dev/vda1'), c('/mnt'), c('ext2'), 0, 0));
  results.push(yield* get(u, '/mnt/seed.txt'));
  for (const d of ['/mnt/a', '/mnt/a/deep', '/mnt/b', '/mnt/gone']) yield* u.sys('mkdirat', AT_FDCWD, c(d), 0o755);
  results.push(yield* put(u, '/mnt/a/deep/file.txt', new TextEncoder().encode('guest wrote this\n')));
  results.push(yield* put(u, '/mnt/big.bin', big));
  results.push(yield* put(u, '/mnt/gone/x', new Uint8Array(5000)));
  for (let i = 0; i < 60; i++) yield* put(u, `/mnt/b/f${i}`, new TextEncoder().encode(`file ${i}\n`));
  for (let i = 0; i < 60; i += 3) yield* u.sys('unlinkat', AT_FDCWD, c(`/mnt/b/f${i}`), 0);
  results.push(yield* u.sys('sync'));
  results.push(yield* u.sys('renameat', AT_FDCWD, c('/mnt/a/deep'), AT_FDCWD, c('/mnt/b/deep')));
  results.push(yield* u.sys('linkat', AT_FDCWD, c('/mnt/b/f1'), AT_FDCWD, c('/mnt/hard'), 0));
  results.push(yield* u.sys('symlinkat', c('b/deep/file.txt'), AT_FDCWD, c('/mnt/fast')));
  results.push(yield* u.sys('symlinkat', c(`/${'long/'.repeat(20)}target`), AT_FDCWD, c('/mnt/slow')));
  results.push(yield* u.sys('truncate', c('/mnt/big.bin'), 1_000_000));
  results.push(yield* u.sys('unlinkat', AT_FDCWD, c('/mnt/gone/x'), 0));
  results.push(yield* u.sys('unlinkat', AT_FDCWD, c('/mnt/gone'), AT_REMOVEDIR));
  results.push(yield* u.sys('umount2', c('/mnt'), 0));
}

const cases: Array<{ type: MachineType; driver: string; bs: number }> = [
  { type: 'q35', driver: 'virtio-blk-pci', bs: 1024 },
  { type: 'virt', driver: 'virtio-blk-device', bs: 4096 },
];

describe('guest storage against e2fsprogs', () => {
  for (const c of cases) {
    it(`${c.type} ${c.driver}, ${c.bs}-byte blocks: the guest's work passes e2fsck and reads back with debugfs`, () => {
      const img = makeDisk(`${c.type}-${c.bs}`, c.bs);
      const results: Array<number | string> = [];
      const r = runInit((u) => workload(u, results), {
        type: c.type,
        description: {
          drives: [{ id: 'd0', file: img, format: 'raw', if: 'none', readonly: false, props: {} }],
          devices: [{ driver: c.driver, props: { drive: 'd0' } }],
        },
      });
      expect(r.output).toMatch(/ vda: vda1\r\n/);
      expect(results).toEqual([0, 'seeded by debugfs\n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      const part = partitionOf(img);
      const fsck = spawnSync('e2fsck', ['-fn', part], { encoding: 'utf8' });
      expect(fsck.stdout + fsck.stderr).not.toMatch(/Fix\?|error|Error|differences/);
      expect(fsck.status).toBe(0);
      const cat = (p: string) => execFileSync('debugfs', ['-R', `cat ${p}`, part], { stdio: ['ignore', 'pipe', 'ignore'] });
      expect(cat('/b/deep/file.txt').toString()).toBe('guest wrote this\n');
      expect(cat('/hard').toString()).toBe('file 1\n');
      expect(Buffer.compare(cat('/big.bin'), Buffer.from(big.subarray(0, 1_000_000)))).toBe(0);
      const ls = execFileSync('debugfs', ['-R', 'ls -l /', part], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      expect(ls).not.toMatch(/\bgone\b/);
      const stat = execFileSync('debugfs', ['-R', 'stat /slow', part], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      expect(stat).toMatch(/Type: symlink/);
    });
  }
});
