import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBackend, MemoryBackend } from './backend';
import { VirtioBlk } from './device';
import { virtioRig } from '../testing/harness';
import { F_VERSION_1 } from '../constants';
import { VIRTIO_BLK_F_FLUSH } from './config';
import { VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_T_FLUSH } from './request';
import { readRequest, roundTrip, simpleRequest, statusOf, writeRequest } from './testing';

const dirs: string[] = [];
const tempFile = (name: string) => {
  const d = mkdtempSync(join(tmpdir(), 'twinbox-blk-'));
  dirs.push(d);
  return join(d, name);
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('block backends', () => {
  it('a raw image file: guest writes reach the host file, reads see its bytes', () => {
    const path = tempFile('disk.raw');
    const initial = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    writeFileSync(path, initial);
    const backend = new FileBackend(path);
    const { driver } = virtioRig(new VirtioBlk(backend));
    expect(driver.negotiate(F_VERSION_1 | VIRTIO_BLK_F_FLUSH)).toBe(true);
    driver.setupQueue(0, 16);
    driver.driverOk();
    expect(roundTrip(driver, readRequest(1, 512)).inputs[0]).toEqual(initial.subarray(512, 1024));
    expect(statusOf(roundTrip(driver, writeRequest(2, new Uint8Array(512).fill(7))))).toBe(VIRTIO_BLK_S_OK);
    expect(statusOf(roundTrip(driver, simpleRequest(VIRTIO_BLK_T_FLUSH)))).toBe(VIRTIO_BLK_S_OK);
    const onDisk = new Uint8Array(readFileSync(path));
    expect(onDisk.subarray(1024, 1536).every((b) => b === 7)).toBe(true);
    expect(onDisk.subarray(1536, 2048)).toEqual(initial.subarray(1536, 2048));
    backend.close();
  });

  it('a read-only image file refuses writes without touching the file', () => {
    const path = tempFile('ro.raw');
    writeFileSync(path, new Uint8Array(4096));
    const backend = new FileBackend(path, true);
    expect(backend.write(0, new Uint8Array(512).fill(1))).toBe(false);
    const { driver } = virtioRig(new VirtioBlk(backend));
    expect(driver.negotiate(F_VERSION_1)).toBe(true);
    driver.setupQueue(0, 16);
    driver.driverOk();
    expect(statusOf(roundTrip(driver, writeRequest(0, new Uint8Array(512).fill(1))))).toBe(VIRTIO_BLK_S_IOERR);
    expect(new Uint8Array(readFileSync(path)).every((b) => b === 0)).toBe(true);
    backend.close();
  });

  it('memory backends bound every access', () => {
    const m = new MemoryBackend(1024);
    expect(m.read(1000, new Uint8Array(100))).toBe(false);
    expect(m.write(-1, new Uint8Array(1))).toBe(false);
    expect(m.read(0, new Uint8Array(1024))).toBe(true);
  });
});
