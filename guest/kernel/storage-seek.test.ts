// lseek on block devices counts SEEK_END from the device size (blkdev_llseek), for the whole
// disk and for a partition; a read at the end gives 0 bytes.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitMbrSector } from '../block/mbr';
import { runInit } from '../testing/run';

const AT_FDCWD = -100, O_RDONLY = 0, SEEK_END = 2;

describe('block device lseek', () => {
  it('SEEK_END is the size of /dev/vda and of /dev/vda1', () => {
    const img = new Uint8Array(8 << 20);
    img.set(emitMbrSector(0x1234, [{ slot: 0, bootable: false, type: 0x83, startLba: 2048, sectorCount: 4096 }]));
    const path = join(mkdtempSync(join(tmpdir(), 'twinbox-seek-')), 'disk.img');
    writeFileSync(path, img);
    const got: number[] = [];
    runInit(function* (u) {
      yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dev'), 0o755);
      yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/dev'), u.cstr('devtmpfs'), 0, 0);
      for (const dev of ['/dev/vda', '/dev/vda1']) {
        const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(dev), O_RDONLY, 0);
        got.push(yield* u.sys('lseek', fd, 0, SEEK_END), yield* u.sys('lseek', fd, -512, SEEK_END));
        const buf = u.alloc(1024);
        got.push(yield* u.sys('read', fd, buf, 1024));
        yield* u.sys('close', fd);
      }
    }, { type: 'virt', description: { drives: [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: true, props: {} }], devices: [{ driver: 'virtio-blk-device', props: { drive: 'd0' } }] } });
    expect(got).toEqual([8 << 20, (8 << 20) - 512, 512, 4096 * 512, 4095 * 512, 512]);
  });
});
