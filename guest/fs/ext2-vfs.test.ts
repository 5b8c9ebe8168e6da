import { describe, expect, it } from 'vitest';
import { MemoryBlockDevice } from '../block/block-device';
import { Ext2, ROOT_INO } from './ext2/ext2';
import { mkfsExt2 } from './ext2/mkfs';
import { Ext2Mount } from './ext2-vfs';
import { fileWrite } from './tmpfs';
import { newFileSystem, Vfs } from './vfs';
import type { FsNode } from './node';

const NOW = 1_704_067_200;

function fresh(bs: 1024 | 4096 = 1024): MemoryBlockDevice {
  const dev = new MemoryBlockDevice(8 << 20);
  expect(mkfsExt2(dev, { blockSizeBytes: bs, nowSec: NOW })).toBe(0);
  return dev;
}

function mount(dev: MemoryBlockDevice): { m: Ext2Mount; vfs: Vfs } {
  const ext2 = Ext2.mount(dev, { nowSec: () => NOW });
  if (!(ext2 instanceof Ext2)) throw new Error(ext2.message);
  const vfs = new Vfs(newFileSystem('rootfs', 1), () => 0);
  const m = Ext2Mount.load(ext2, vfs, NOW);
  if (!(m instanceof Ext2Mount)) throw new Error(m.message);
  return { m, vfs };
}

function lookupPath(e: Ext2, path: string): number {
  let ino = ROOT_INO;
  for (const part of path.split('/').filter(Boolean)) ino = e.lookup(ino, part);
  return ino;
}

function text(e: Ext2, path: string): string {
  const ino = lookupPath(e, path);
  const st = e.getattr(ino);
  if (typeof st === 'number') return `errno ${st}`;
  const d = e.read(ino, 0, st.sizeBytes);
  return typeof d === 'number' ? `errno ${d}` : new TextDecoder().decode(d);
}

function remount(dev: MemoryBlockDevice): Ext2 {
  const e = Ext2.mount(dev, { nowSec: () => NOW });
  if (!(e instanceof Ext2)) throw new Error(e.message);
  return e;
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('ext2 through the VFS nodes', () => {
  it('writes back new files, directories, symlinks and data, and reads them on the next mount', () => {
    const dev = fresh();
    const { m, vfs } = mount(dev);
    const dir = vfs.createNode(m.root, 'dir', 'dir', 0o750, 1000, 1000);
    const f = vfs.createNode(dir, 'f.txt', 'file', 0o644);
    fileWrite(f, 0, enc('hello ext2\n'), 5);
    vfs.createNode(m.root, 'link', 'symlink', 0o777).target = 'dir/f.txt';
    expect(m.writeBack()).toBe(0);
    expect(m.ext2.unmount()).toBe(0);
    const e = remount(dev);
    expect(text(e, 'dir/f.txt')).toBe('hello ext2\n');
    expect(e.readlink(lookupPath(e, 'link'))).toBe('dir/f.txt');
    const st = e.getattr(lookupPath(e, 'dir'));
    expect(typeof st !== 'number' && [st.mode & 0o7777, st.uid, st.links]).toEqual([0o750, 1000, 2]);
    // The loaded tree has the same content.
    const again = mount(dev).m;
    const loaded = again.root.children!.get('dir')!.children!.get('f.txt')!;
    expect(new TextDecoder().decode(loaded.data.subarray(0, loaded.size))).toBe('hello ext2\n');
  });

  it('turns renames, hard links and removals into the same on-disk tree', () => {
    const dev = fresh(4096);
    {
      const { m, vfs } = mount(dev);
      const a = vfs.createNode(m.root, 'a', 'dir', 0o755);
      vfs.createNode(a, 'sub', 'dir', 0o755);
      fileWrite(vfs.createNode(a, 'x', 'file', 0o644), 0, enc('x'), 1);
      fileWrite(vfs.createNode(m.root, 'gone', 'file', 0o644), 0, new Uint8Array(100_000), 1);
      expect(m.writeBack()).toBe(0);
      // mv a/sub b ; ln a/x y ; rm gone ; rmdir-like removal of a whole directory
      const sub = a.children!.get('sub')!;
      a.children!.delete('sub');
      m.root.children!.set('b', sub);
      sub.parent = m.root;
      const x = a.children!.get('x')!;
      m.root.children!.set('y', x);
      x.nlink++;
      m.root.children!.delete('gone');
      expect(m.writeBack()).toBe(0);
      expect(m.ext2.unmount()).toBe(0);
    }
    const e = remount(dev);
    const names = (ino: number) => {
      const l = e.readdir(ino);
      return typeof l === 'number' ? [] : l.map((d) => d.name).filter((n) => n !== '.' && n !== '..').sort();
    };
    expect(names(ROOT_INO)).toEqual(['a', 'b', 'lost+found', 'y']);
    expect(names(lookupPath(e, 'a'))).toEqual(['x']);
    expect(lookupPath(e, 'y')).toBe(lookupPath(e, 'a/x'));
    const st = e.getattr(lookupPath(e, 'y'));
    expect(typeof st !== 'number' && st.links).toBe(2);
    const root = e.getattr(ROOT_INO);
    expect(typeof root !== 'number' && root.links).toBe(5); // ., .., lost+found, a, b
    expect(e.statfs().freeFiles).toBeGreaterThan(0);
  });

  it('a tree the nodes drop wholesale is removed from the disk and its blocks freed', () => {
    const dev = fresh();
    const { m, vfs } = mount(dev);
    const free0 = m.ext2.statfs().freeBlocks;
    let d: FsNode = m.root;
    for (let i = 0; i < 5; i++) d = vfs.createNode(d, `d${i}`, 'dir', 0o755);
    fileWrite(vfs.createNode(d, 'data', 'file', 0o644), 0, new Uint8Array(300_000).fill(7), 1);
    expect(m.writeBack()).toBe(0);
    expect(m.ext2.statfs().freeBlocks).toBeLessThan(free0);
    m.root.children!.delete('d0');
    expect(m.writeBack()).toBe(0);
    expect(m.ext2.statfs().freeBlocks).toBe(free0);
  });

  it('a filesystem that is not ext2 fails to mount with a message, not an exception', () => {
    const dev = new MemoryBlockDevice(1 << 20);
    const r = Ext2.mount(dev, {});
    expect(r instanceof Ext2).toBe(false);
  });
});
