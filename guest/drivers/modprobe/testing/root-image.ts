// Test helper: an ext2 image of an installed system's root (the files given, directories
// made on the way) with twinbox's own mkfs and ext2 code, written to a temporary file so a
// machine description can attach it as a virtio-blk disk. Test-only.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBlockDevice } from '../../../block/block-device';
import { Ext2 } from '../../../fs/ext2/ext2';
import { mkfsExt2 } from '../../../fs/ext2/mkfs';

const ROOT_INO = 2, S_IFDIR = 0o040000, S_IFREG = 0o100000;

export function rootImage(files: Record<string, string>, sizeBytes = 8 << 20): Uint8Array {
  const dev = new MemoryBlockDevice(sizeBytes);
  if (mkfsExt2(dev, { blockSizeBytes: 1024, nowSec: 1_700_000_000, uuid: new Uint8Array(16).fill(7) }) !== 0) throw new Error('mkfs failed');
  const fs = Ext2.mount(dev, { nowSec: () => 1_700_000_000 });
  if (!(fs instanceof Ext2)) throw new Error(fs.message);
  for (const [path, text] of Object.entries(files)) {
    const parts = path.split('/').filter((p) => p !== '');
    let dir = ROOT_INO;
    for (const p of parts.slice(0, -1)) {
      const found = fs.lookup(dir, p);
      dir = found >= 0 ? found : fs.mkdir(dir, p, S_IFDIR | 0o755);
      if (dir < 0) throw new Error(`mkdir ${p}: ${dir}`);
    }
    const ino = fs.create(dir, parts[parts.length - 1]!, S_IFREG | 0o644);
    if (ino < 0) throw new Error(`create ${path}: ${ino}`);
    const w = fs.write(ino, 0, new TextEncoder().encode(text));
    if (w < 0) throw new Error(`write ${path}: ${w}`);
  }
  if (fs.unmount() !== 0) throw new Error('unmount failed');
  return dev.bytes;
}

/** Writes the image to a fresh temporary file and returns its path. */
export function rootImageFile(files: Record<string, string>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'twinbox-root-')), 'root.img');
  writeFileSync(path, rootImage(files));
  return path;
}
