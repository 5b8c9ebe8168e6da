// The storage stack end to end: ext2 (guest library) → virtio-blk requests built by the mock
// driver → virtio-mmio → VirtioBlk → a raw image file on the host. What the guest wrote and
// synced survives a "power off" (tearing the stack down) and a second boot, and e2fsprogs
// finds the image clean with the files in it.

import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { F_RING_EVENT_IDX, F_RING_INDIRECT_DESC, F_VERSION_1 } from '../constants';
import { virtioRig } from '../testing/harness';
import { FileBackend } from './backend';
import { VIRTIO_BLK_F_FLUSH } from './config';
import { VirtioBlk } from './device';
import { VirtioBlkBlockDevice } from './testing';
import { Ext2, ROOT_INO } from '../../../guest/fs/ext2/ext2';
import { debugfsCat, e2fsck, fsckProblems, mkfsExt2, tempDir } from '../../../guest/fs/ext2/testing/host-image';

function boot(path: string): { fs: Ext2; backend: FileBackend; blk: VirtioBlk } {
  const backend = new FileBackend(path);
  const blk = new VirtioBlk(backend, { serial: 'vda' });
  const { driver } = virtioRig(blk);
  if (!driver.negotiate(F_VERSION_1 | F_RING_EVENT_IDX | F_RING_INDIRECT_DESC | VIRTIO_BLK_F_FLUSH)) throw new Error('negotiation failed');
  driver.setupQueue(0, 128);
  driver.driverOk();
  const fs = Ext2.mount(new VirtioBlkBlockDevice(driver, backend.sizeBytes), { nowSec: () => 1_700_000_100 });
  if (!(fs instanceof Ext2)) throw new Error(fs.message);
  return { fs, backend, blk };
}

describe('ext2 over virtio-blk over a host image file', () => {
  it('write, sync, power off, boot again and read it back; e2fsck clean', () => {
    const tmp = tempDir('twinbox-e2e-');
    const path = join(tmp, 'vda.img');
    mkfsExt2(path, 32 << 20, ['-b', '4096']);
    const first = boot(path);
    const dir = first.fs.mkdir(ROOT_INO, 'data', 0o755);
    const file = first.fs.create(dir, 'hello.txt', 0o644);
    expect(first.fs.write(file, 0, new TextEncoder().encode('survives a reboot\n'))).toBe(18);
    const big = first.fs.create(ROOT_INO, 'big', 0o644);
    const content = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) & 0xff);
    expect(first.fs.write(big, 0, content)).toBe(content.length);
    expect(first.fs.unmount()).toBe(0);
    expect(first.blk.metrics.flushes).toBeGreaterThan(0);
    first.backend.close();

    const r = e2fsck(path);
    expect(fsckProblems(r.output), r.output).toEqual([]);
    expect(r.status).toBe(0);
    expect(new TextDecoder().decode(debugfsCat(path, '/data/hello.txt'))).toBe('survives a reboot\n');

    const second = boot(path);
    const d = second.fs.lookup(ROOT_INO, 'data');
    expect(new TextDecoder().decode(second.fs.read(second.fs.lookup(d, 'hello.txt'), 0, 100) as Uint8Array)).toBe('survives a reboot\n');
    const back = second.fs.read(second.fs.lookup(ROOT_INO, 'big'), 0, 2 << 20) as Uint8Array;
    expect(back.length === content.length && back.every((b, i) => b === content[i])).toBe(true);
    second.backend.close();
    rmSync(tmp, { recursive: true, force: true });
  });
});
