import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTFS_MAGIC, HostFs } from './hostfs';
import { fileWrite } from './tmpfs';
import { newFileSystem, Vfs } from './vfs';
import { ENOENT } from '../kernel/errno';

let dir: string;
let outside: string;

beforeEach(() => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'twinbox-hostfs-')));
  dir = join(base, 'root');
  outside = join(base, 'secret.txt');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'hello.txt'), 'hello host\n');
  writeFileSync(join(dir, 'sub', 'b.txt'), 'bee');
  writeFileSync(join(dir, 'sub', 'gone.txt'), 'remove me');
  writeFileSync(outside, 'do not read');
  symlinkSync(outside, join(dir, 'abs-link'));
  symlinkSync('../secret.txt', join(dir, 'rel-link'));
});

afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

function mount(): { vfs: Vfs; fs: HostFs } {
  const vfs = new Vfs(newFileSystem('hostfs', HOSTFS_MAGIC), () => 0);
  const fs = new HostFs(dir, vfs, 0);
  fs.attachRoot();
  return { vfs, fs };
}

const text = (b: Uint8Array, n: number) => Buffer.from(b.subarray(0, n)).toString('utf8');

describe('hostfs', () => {
  it('shows the host directory lazily: files with their bytes, directories, sorted listings', () => {
    const { vfs } = mount();
    const r = vfs.resolve(vfs.rootRef, '/sub/b.txt', { followLast: true });
    if (typeof r === 'number') throw new Error(`resolve: ${r}`);
    expect(text(r.node.data, r.node.size)).toBe('bee');
    const listing = vfs.listDir(vfs.rootRef.node);
    if (typeof listing === 'number') throw new Error('listDir');
    expect(listing.map(([n]) => n)).toEqual(['.', '..', 'sub', 'abs-link', 'hello.txt', 'rel-link']);
  });

  it('stays inside the root: `..` stops at `/`, symlinks resolve in the guest tree', () => {
    const { vfs } = mount();
    const up = vfs.resolve(vfs.rootRef, '/../../hello.txt', { followLast: true });
    expect(typeof up === 'number' ? up : text(up.node.data, up.node.size)).toBe('hello host\n');
    expect(vfs.resolve(vfs.rootRef, '/abs-link', { followLast: true })).toBe(-ENOENT);
    const rel = vfs.resolve(vfs.rootRef, '/rel-link', { followLast: true });
    expect(typeof rel).toBe('number');
    expect(vfs.resolve(vfs.rootRef, '/sub/../../secret.txt', { followLast: true })).toBe(-ENOENT);
  });

  it('writes the guest changes back: new and changed files, new dirs, removals, renames', () => {
    const { vfs, fs } = mount();
    const root = vfs.rootRef.node;
    const hello = vfs.resolve(vfs.rootRef, '/hello.txt', { followLast: true });
    if (typeof hello === 'number') throw new Error('hello');
    fileWrite(hello.node, 0, new TextEncoder().encode('HELLO'), 5);
    const sub = vfs.resolve(vfs.rootRef, '/sub', { followLast: true });
    if (typeof sub === 'number') throw new Error('sub');
    vfs.resolve(vfs.rootRef, '/sub/gone.txt', { followLast: true });
    sub.node.children!.delete('gone.txt');
    const made = vfs.createNode(root, 'made', 'dir', 0o755);
    fileWrite(vfs.createNode(made, 'new.txt', 'file', 0o644), 0, new TextEncoder().encode('fresh'), 7);
    vfs.createNode(root, 'link', 'symlink', 0o777).target = 'hello.txt';
    // A rename of a host directory: the node moves, its old host path goes away.
    sub.node.parent = root;
    root.children!.delete('sub');
    root.children!.set('moved', sub.node);
    const report = fs.syncToHost();
    expect(report.errors).toEqual([]);
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('HELLO host\n');
    expect(readFileSync(join(dir, 'made', 'new.txt'), 'utf8')).toBe('fresh');
    expect(readlinkSync(join(dir, 'link'))).toBe('hello.txt');
    expect(existsSync(join(dir, 'sub'))).toBe(false);
    expect(readFileSync(join(dir, 'moved', 'b.txt'), 'utf8')).toBe('bee');
    expect(existsSync(join(dir, 'moved', 'gone.txt'))).toBe(false);
    expect(lstatSync(join(dir, 'abs-link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('do not read');
  });
});
