// The storage stack end to end on both machines: virtio-blk from -drive/-device through the
// guest's virtio core and virtio-blk drivers, the block layer, partitions, ext2 through the
// VFS, sync(2) and umount, and the image file on the host afterwards.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceSpec, DriveSpec, MachineType } from '../../emulator/machine/description/types';
import { MemoryBlockDevice, SliceBlockDevice } from '../block/block-device';
import { emitMbrSector } from '../block/mbr';
import { Ext2, ROOT_INO } from '../fs/ext2/ext2';
import { mkfsExt2 } from '../fs/ext2/mkfs';
import { runInit } from '../testing/run';
import type { USys } from '../testing/usys';
import { EROFS } from './errno';

const AT_FDCWD = -100, O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0o100;
const MS_RDONLY = 1, MS_REMOUNT = 32;
const dir = mkdtempSync(join(tmpdir(), 'twinbox-storage-'));

/** A 16 MiB image: MBR with one Linux partition from sector 2048 holding a fresh ext2 with /hello. */
function makeImage(name: string): string {
  const img = new MemoryBlockDevice(16 << 20);
  img.bytes.set(emitMbrSector(0xcafe, [{ slot: 0, bootable: false, type: 0x83, startLba: 2048, sectorCount: (16 << 11) - 2048 }]));
  const part = new SliceBlockDevice(img, 2048 * 512, (16 << 20) - 2048 * 512);
  expect(mkfsExt2(part, { blockSizeBytes: 1024, nowSec: 1_700_000_000 })).toBe(0);
  const e = Ext2.mount(part, {});
  if (!(e instanceof Ext2)) throw new Error(e.message);
  const ino = e.create(ROOT_INO, 'hello', 0o100644);
  e.write(ino, 0, new TextEncoder().encode('from the host\n'));
  expect(e.unmount()).toBe(0);
  const path = join(dir, name);
  writeFileSync(path, img.bytes);
  return path;
}

function readBack(path: string, file: string): string {
  const img = new MemoryBlockDevice(new Uint8Array(readFileSync(path)));
  const e = Ext2.mount(new SliceBlockDevice(img, 2048 * 512, img.sizeBytes - 2048 * 512), { readonly: true });
  if (!(e instanceof Ext2)) return e.message;
  const ino = e.lookup(ROOT_INO, file);
  if (ino < 0) return `lookup ${ino}`;
  const d = e.read(ino, 0, 1 << 20);
  return typeof d === 'number' ? `read ${d}` : new TextDecoder().decode(d);
}

function* readFile(u: USys, path: string): Generator<import('../abi/native').SyscallTrap, string, number> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_RDONLY, 0);
  if (fd < 0) return `open ${fd}`;
  const buf = u.alloc(4096);
  const n = yield* u.sys('read', fd, buf, 4096);
  yield* u.sys('close', fd);
  return n < 0 ? `read ${n}` : u.text(buf, n);
}

function* writeFile(u: USys, path: string, text: string): Generator<import('../abi/native').SyscallTrap, number, number> {
  const fd = yield* u.sys('openat', AT_FDCWD, u.cstr(path), O_WRONLY | O_CREAT, 0o644);
  if (fd < 0) return fd;
  const n = yield* u.sys('write', fd, u.cstr(text), text.length);
  yield* u.sys('close', fd);
  return n;
}

function* mountAll(u: USys, source: string, flags = 0) {
  yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/dev'), 0o755);
  yield* u.sys('mount', u.cstr('devtmpfs'), u.cstr('/dev'), u.cstr('devtmpfs'), 0, 0);
  yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/proc'), 0o755);
  yield* u.sys('mount', u.cstr('proc'), u.cstr('/proc'), u.cstr('proc'), 0, 0);
  yield* u.sys('mkdirat', AT_FDCWD, u.cstr('/mnt'), 0o755);
  return yield* u.sys('mount', u.cstr(source), u.cstr('/mnt'), u.cstr('ext2'), flags, 0);
}

function boot(type: MachineType, drives: DriveSpec[], devices: DeviceSpec[], body: (u: USys) => Generator<import('../abi/native').SyscallTrap, void, number>) {
  return runInit(body, { type, description: { drives, devices } });
}

const cases: Array<{ type: MachineType; how: string; devices: (id: string) => DeviceSpec[]; iface: DriveSpec['if'] }> = [
  { type: 'virt', how: 'virtio-blk-device (virtio-mmio)', devices: (id) => [{ driver: 'virtio-blk-device', props: { drive: id } }], iface: 'none' },
  { type: 'q35', how: 'virtio-blk-pci', devices: (id) => [{ driver: 'virtio-blk-pci', props: { drive: id } }], iface: 'none' },
  { type: 'virt', how: 'virtio-blk-pci', devices: (id) => [{ driver: 'virtio-blk-pci', props: { drive: id } }], iface: 'none' },
];

describe('storage stack', () => {
  for (const c of cases) {
    it(`${c.type} with ${c.how}: boot log, /proc/partitions, mount, write, sync, read back on the host`, () => {
      const path = makeImage(`${c.type}-${c.how.replace(/\W+/g, '_')}.img`);
      const got: Array<number | string> = [];
      let interrupts = '';
      const r = boot(c.type, [{ id: 'd0', file: path, format: 'raw', if: c.iface, readonly: false, props: {} }], c.devices('d0'), function* (u) {
        got.push(yield* mountAll(u, '/dev/vda1'));
        got.push(yield* readFile(u, '/mnt/hello'));
        got.push(yield* readFile(u, '/proc/partitions'));
        got.push(yield* writeFile(u, '/mnt/new.txt', 'written by the guest\n'));
        got.push(yield* u.sys('sync'));
        got.push(yield* u.sys('umount2', u.cstr('/mnt'), 0));
        interrupts = yield* readFile(u, '/proc/interrupts');
      });
      // The device's interrupt reached the driver through the GIC or the IOAPIC.
      expect(interrupts).toMatch(/^ *\d+: +[1-9]\d* +(GICv2|IO-APIC) +virtio0$/m);
      expect(r.output).toMatch(/virtio_blk virtio0: \[vda\] 32768 512-byte logical blocks \(16.8 MB\/16.0 MiB\)/);
      expect(r.output).toMatch(/ vda: vda1\r\n/);
      expect(got).toEqual([0, 'from the host\n', 'major minor  #blocks  name\n\n 254        0      16384 vda\n 254        1      15360 vda1\n', 21, 0, 0]);
      expect(readBack(path, 'new.txt')).toBe('written by the guest\n');
    });
  }

  it('-drive if=virtio is a virtio-blk-pci disk; readonly=on refuses a read-write mount', () => {
    const path = makeImage('ro.img');
    const got: Array<number | string> = [];
    const r = boot('q35', [{ file: path, format: 'raw', if: 'virtio', readonly: true, props: {} }], [{ driver: 'virtio-blk-pci', props: { drive: 'virtio0' }, implicit: true }], function* (u) {
      got.push(yield* mountAll(u, '/dev/vda1'));
      got.push(yield* u.sys('mount', u.cstr('/dev/vda1'), u.cstr('/mnt'), u.cstr('ext2'), MS_RDONLY, 0));
      got.push(yield* readFile(u, '/mnt/hello'));
    });
    expect(r.output).toMatch(/\[vda\] 32768 512-byte/);
    expect(got).toEqual([-EROFS, 0, 'from the host\n']);
  });

  it('remount,ro writes everything back, marks the disk clean and refuses writes; remount,rw writes again', () => {
    const path = makeImage('remount.img');
    const got: Array<number | string> = [];
    boot('virt', [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: false, props: {} }], [{ driver: 'virtio-blk-device', props: { drive: 'd0' } }], function* (u) {
      got.push(yield* mountAll(u, '/dev/vda1'));
      got.push(yield* writeFile(u, '/mnt/before.txt', 'before ro\n'));
      got.push(yield* u.sys('mount', u.cstr('/dev/vda1'), u.cstr('/mnt'), u.cstr('ext2'), MS_REMOUNT | MS_RDONLY, 0));
      // The image is complete and clean while mounted read-only: the host can read it.
      got.push(readBack(path, 'before.txt'));
      got.push(yield* writeFile(u, '/mnt/during.txt', 'x'));
      got.push(yield* u.sys('mount', u.cstr('/dev/vda1'), u.cstr('/mnt'), u.cstr('ext2'), MS_REMOUNT, 0));
      got.push(yield* writeFile(u, '/mnt/after.txt', 'after rw\n'));
      got.push(yield* u.sys('umount2', u.cstr('/mnt'), 0));
    });
    expect(got).toEqual([0, 10, 0, 'before ro\n', -EROFS, 0, 9, 0]);
    expect(readBack(path, 'after.txt')).toBe('after rw\n');
    expect(readBack(path, 'during.txt')).toBe('lookup -2');
  });

  it('/dev/vda reads and writes the raw disk through the block layer', () => {
    const path = makeImage('raw.img');
    const got: Array<number | string> = [];
    boot('virt', [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: false, props: {} }], [{ driver: 'virtio-blk-device', props: { drive: 'd0' } }], function* (u) {
      yield* mountAll(u, '/dev/vda1', MS_RDONLY);
      const fd = yield* u.sys('openat', AT_FDCWD, u.cstr('/dev/vda'), 2, 0);
      const buf = u.alloc(512);
      got.push(yield* u.sys('read', fd, buf, 512));
      const mbr = u.read(buf, 512);
      got.push(mbr[510] * 256 + mbr[511]);
      got.push(yield* u.sys('lseek', fd, 4096, 0), yield* u.sys('write', fd, u.cstr('RAW!'), 4), yield* u.sys('fsync', fd));
    });
    expect(got).toEqual([512, 0x55aa, 4096, 4, 0]);
    expect(readFileSync(path).subarray(4096, 4100).toString()).toBe('RAW!');
  });

  it('a disk that holds no ext2 fails the mount with a log line; the host goes on', () => {
    const path = join(dir, 'blank.img');
    writeFileSync(path, new Uint8Array(4 << 20));
    const got: number[] = [];
    const r = boot('virt', [{ id: 'd0', file: path, format: 'raw', if: 'none', readonly: false, props: {} }], [{ driver: 'virtio-blk-device', props: { drive: 'd0' } }], function* (u) {
      got.push(yield* mountAll(u, '/dev/vda'));
    });
    expect(got).toEqual([-22]);
    expect(r.output).toMatch(/EXT2-fs \(vda\): error: can't find an ext2 filesystem on dev vda\./);
  });
});
