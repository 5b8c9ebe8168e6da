// Partition tables made by sfdisk (util-linux) and sgdisk (gdisk), compared with what
// `sfdisk --json` reads back; an ext2 filesystem made inside a partition mounts through it.

import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBlockDevice } from './block-device';
import { partitionDevice, readPartitionTable } from './partitions';
import { Ext2, ROOT_INO } from '../fs/ext2/ext2';
import { debugfs, tempDir } from '../fs/ext2/testing/host-image';

const dir = tempDir('twinbox-part-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SfdiskPart { node: string; start: number; size: number; type: string; uuid?: string; name?: string }
interface SfdiskTable { partitiontable: { label: string; id: string; partitions: SfdiskPart[] } }

function image(name: string, sizeBytes: number): string {
  const p = join(dir, name);
  writeFileSync(p, new Uint8Array(0));
  execFileSync('truncate', ['-s', String(sizeBytes), p]);
  return p;
}

function sfdiskJson(path: string): SfdiskTable {
  return JSON.parse(execFileSync('sfdisk', ['-J', path], { encoding: 'utf8' })) as SfdiskTable;
}

const load = (p: string) => new MemoryBlockDevice(new Uint8Array(readFileSync(p)));

describe('partition tables from real tools', () => {
  it('MBR with logical partitions (sfdisk) matches sfdisk -J', () => {
    const p = image('mbr.img', 64 << 20);
    execFileSync('sfdisk', ['-q', p], { input: 'label: dos\nsize=10M, type=83, bootable\nsize=10M, type=82\ntype=5\nsize=8M, type=83\ntype=83\n' });
    const ref = sfdiskJson(p).partitiontable;
    const t = readPartitionTable(load(p));
    expect(t.scheme).toBe('mbr');
    expect(t.diskId).toBe(ref.id);
    const mine = t.partitions.map((x) => ({ n: x.number, start: x.startLba, type: x.mbrType?.toString(16), size: x.kind === 'extended' ? null : x.sectorCount }));
    const theirs = ref.partitions.map((x) => ({ n: Number(/(\d+)$/.exec(x.node)?.[1]), start: x.start, type: x.type, size: x.type === '5' ? null : x.size }));
    expect(mine).toEqual(theirs);
  });

  it('GPT (sfdisk and sgdisk) matches sfdisk -J, including names and GUIDs', () => {
    const a = image('gpt-sfdisk.img', 64 << 20);
    execFileSync('sfdisk', ['-q', a], { input: 'label: gpt\nsize=16M, type=L, name=root\nsize=8M, type=S\ntype=L\n' });
    const b = image('gpt-sgdisk.img', 64 << 20);
    execFileSync('sgdisk', ['-n', '1:2048:+20M', '-c', '1:boot', '-t', '1:ef00', '-n', '3:0:+10M', '-c', '3:data', b], { stdio: 'ignore' });
    for (const p of [a, b]) {
      const ref = sfdiskJson(p).partitiontable;
      const t = readPartitionTable(load(p));
      expect(t.scheme).toBe('gpt');
      expect(t.diskId).toBe(ref.id);
      expect(t.partitions.map((x) => ({ n: x.number, start: x.startLba, size: x.sectorCount, type: x.typeGuid, uuid: x.uuid, name: x.name || undefined }))).toEqual(
        ref.partitions.map((x) => ({ n: Number(/(\d+)$/.exec(x.node)?.[1]), start: x.start, size: x.size, type: x.type, uuid: x.uuid, name: x.name })),
      );
    }
  });

  it('uses the backup GPT when the primary header is destroyed', () => {
    const p = image('gpt-bad.img', 32 << 20);
    execFileSync('sgdisk', ['-n', '1:2048:+8M', '-n', '2:0:0', p], { stdio: 'ignore' });
    const ref = sfdiskJson(p).partitiontable.partitions.map((x) => [x.start, x.size]);
    const dev = load(p);
    dev.bytes.fill(0, 512, 1024);
    const t = readPartitionTable(dev);
    expect(t.warnings.join()).toMatch(/alternate/);
    expect(t.partitions.map((x) => [x.startLba, x.sectorCount])).toEqual(ref);
  });

  it('mounts an ext2 filesystem that mkfs.ext2 made inside partition 2', () => {
    const p = image('ext2-part.img', 48 << 20);
    execFileSync('sfdisk', ['-q', p], { input: 'label: dos\nsize=8M, type=83\ntype=83\n' });
    const part = sfdiskJson(p).partitiontable.partitions[1];
    execFileSync('mkfs.ext2', ['-q', '-F', '-b', '2048', '-E', `offset=${part.start * 512}`, p, String(Math.floor((part.size * 512) / 1024)) + 'k']);
    const host = join(dir, 'note.txt');
    writeFileSync(host, 'inside a partition\n');
    // e2fsprogs' unix I/O manager takes "image?offset=N".
    debugfs(`${p}?offset=${part.start * 512}`, `write ${host} /note.txt`, true);
    const t = readPartitionTable(load(p));
    const fs = Ext2.mount(partitionDevice(load(p), t.partitions[1]), { readonly: true });
    if (!(fs instanceof Ext2)) throw new Error(fs.message);
    expect(fs.lookup(ROOT_INO, 'lost+found')).toBe(11);
    expect(new TextDecoder().decode(fs.read(fs.lookup(ROOT_INO, 'note.txt'), 0, 100) as Uint8Array)).toBe('inside a partition\n');
  });
});
