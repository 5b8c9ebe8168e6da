import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pack, unpack } from 'msgpackr';
import { F_RING_EVENT_IDX, F_RING_INDIRECT_DESC, F_VERSION_1, STATUS_DEVICE_NEEDS_RESET } from '../constants';
import { REG } from '../mmio';
import { MMIO_BASE, virtioRig } from '../testing/harness';
import { MemoryBackend } from './backend';
import { VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_WRITE_ZEROES } from './config';
import { VirtioBlk } from './device';
import {
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_DISCARD,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_WRITE_ZEROES,
} from './request';
import { readRequest, roundTrip, segmentRequest, simpleRequest, statusOf, writeRequest } from './testing';

const ALL = F_VERSION_1 | F_RING_INDIRECT_DESC | F_RING_EVENT_IDX | VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES | VIRTIO_BLK_F_RO;

function blkRig(sizeBytes = 1 << 20, readonly = false, features = ALL) {
  const backend = new MemoryBackend(sizeBytes, readonly);
  const dev = new VirtioBlk(backend, { serial: 'twinbox-disk-0' });
  const rig = virtioRig(dev);
  expect(rig.driver.negotiate(features)).toBe(true);
  rig.driver.setupQueue(0, 64);
  rig.driver.driverOk();
  return { ...rig, backend, dev };
}

function pattern(len: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 31 + seed) & 0xff);
}

describe('virtio-blk config space through virtio-mmio', () => {
  it('reports capacity in 512-byte sectors, seg_max and blk_size', () => {
    const { bus } = blkRig(3 << 20);
    expect(bus.read(MMIO_BASE + REG.Config, 4)).toBe((3 << 20) / 512);
    expect(bus.read(MMIO_BASE + REG.Config + 4, 4)).toBe(0);
    expect(bus.read(MMIO_BASE + REG.Config + 12, 4)).toBe(254);
    expect(bus.read(MMIO_BASE + REG.Config + 20, 4)).toBe(512);
    expect(bus.read(MMIO_BASE + REG.Config + 40, 4)).toBe(1); // max_discard_seg
  });

  it('a read-only disk offers VIRTIO_BLK_F_RO and not DISCARD/WRITE_ZEROES', () => {
    const ro = new VirtioBlk(new MemoryBackend(4096, true));
    expect(ro.deviceFeatures & VIRTIO_BLK_F_RO).toBe(VIRTIO_BLK_F_RO);
    expect(ro.deviceFeatures & (VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES)).toBe(0n);
    const rw = new VirtioBlk(new MemoryBackend(4096));
    expect(rw.deviceFeatures & VIRTIO_BLK_F_RO).toBe(0n);
  });
});

describe('virtio-blk requests', () => {
  it('writes then reads back, direct and indirect chains', () => {
    const { driver, backend, dev } = blkRig();
    const data = pattern(4096, 7);
    expect(statusOf(roundTrip(driver, writeRequest(8, data)))).toBe(VIRTIO_BLK_S_OK);
    expect(backend.bytes.subarray(4096, 8192)).toEqual(data);
    for (const indirect of [false, true]) {
      const done = roundTrip(driver, readRequest(8, 4096), indirect);
      expect(statusOf(done)).toBe(VIRTIO_BLK_S_OK);
      expect(done.len).toBe(4097);
      expect(done.inputs[0]).toEqual(data);
    }
    expect(dev.metrics).toMatchObject({ requests: 3, readBytes: 8192, writtenBytes: 4096 });
  });

  it('gathers and scatters across several data descriptors', () => {
    const { driver, backend } = blkRig();
    const a = pattern(512, 1);
    const b = pattern(1024, 2);
    const hdr = writeRequest(0, a);
    expect(statusOf(roundTrip(driver, [hdr[0], { out: a }, { out: b }, hdr[2]]))).toBe(VIRTIO_BLK_S_OK);
    expect(backend.bytes.subarray(512, 1536)).toEqual(b);
    const rd = readRequest(0, 0);
    const done = roundTrip(driver, [rd[0], { inLen: 1000 }, { inLen: 536 }, { inLen: 1 }]);
    expect(statusOf(done)).toBe(VIRTIO_BLK_S_OK);
    expect(done.inputs[0]).toEqual(Uint8Array.from([...a, ...b]).subarray(0, 1000));
    expect(done.len).toBe(1537);
  });

  it('answers GET_ID with the serial, FLUSH with OK, unknown types with UNSUPP', () => {
    const { driver } = blkRig();
    const id = roundTrip(driver, simpleRequest(VIRTIO_BLK_T_GET_ID, 20));
    expect(statusOf(id)).toBe(VIRTIO_BLK_S_OK);
    expect(new TextDecoder().decode(id.inputs[0]).replace(/\0+$/, '')).toBe('twinbox-disk-0');
    expect(id.len).toBe(21);
    // As QEMU: the used length is the whole device-writable length, whatever was written.
    expect(roundTrip(driver, simpleRequest(VIRTIO_BLK_T_GET_ID, 512)).len).toBe(513);
    expect(roundTrip(driver, readRequest(1 << 20, 512)).len).toBe(513);
    expect(statusOf(roundTrip(driver, simpleRequest(VIRTIO_BLK_T_FLUSH)))).toBe(VIRTIO_BLK_S_OK);
    expect(statusOf(roundTrip(driver, simpleRequest(99)))).toBe(VIRTIO_BLK_S_UNSUPP);
  });

  it('gives IOERR past capacity and for lengths that are not whole sectors', () => {
    const { driver, dev } = blkRig(1 << 20);
    expect(statusOf(roundTrip(driver, readRequest(2047, 1024)))).toBe(VIRTIO_BLK_S_IOERR);
    expect(statusOf(roundTrip(driver, readRequest(2047, 512)))).toBe(VIRTIO_BLK_S_OK);
    expect(statusOf(roundTrip(driver, writeRequest(0, new Uint8Array(100))))).toBe(VIRTIO_BLK_S_IOERR);
    expect(statusOf(roundTrip(driver, readRequest(2 ** 40, 512)))).toBe(VIRTIO_BLK_S_IOERR);
    expect(dev.metrics.ioErrors).toBe(3);
  });

  it('with 4 KiB logical blocks, requests must be aligned to 4 KiB', () => {
    const backend = new MemoryBackend(1 << 20);
    const { driver } = virtioRig(new VirtioBlk(backend, { blkSizeBytes: 4096 }));
    expect(driver.negotiate(ALL)).toBe(true);
    driver.setupQueue(0, 16);
    driver.driverOk();
    expect(statusOf(roundTrip(driver, readRequest(8, 4096)))).toBe(VIRTIO_BLK_S_OK);
    expect(statusOf(roundTrip(driver, readRequest(1, 4096)))).toBe(VIRTIO_BLK_S_IOERR);
    expect(statusOf(roundTrip(driver, readRequest(8, 512)))).toBe(VIRTIO_BLK_S_IOERR);
  });

  it('read-only disks refuse writes with IOERR and keep their bytes', () => {
    const { driver, backend } = blkRig(1 << 16, true);
    expect(statusOf(roundTrip(driver, writeRequest(0, pattern(512, 3))))).toBe(VIRTIO_BLK_S_IOERR);
    expect(backend.bytes.every((b) => b === 0)).toBe(true);
    expect(statusOf(roundTrip(driver, segmentRequest(VIRTIO_BLK_T_WRITE_ZEROES, [{ sector: 0n, numSectors: 1, flags: 0 }])))).toBe(VIRTIO_BLK_S_IOERR);
    expect(statusOf(roundTrip(driver, readRequest(0, 512)))).toBe(VIRTIO_BLK_S_OK);
  });

  it('DISCARD and WRITE_ZEROES zero one segment; unmap on discard is UNSUPP', () => {
    const { driver, backend } = blkRig(1 << 16);
    backend.bytes.fill(0xaa);
    expect(statusOf(roundTrip(driver, segmentRequest(VIRTIO_BLK_T_WRITE_ZEROES, [{ sector: 2n, numSectors: 2, flags: 1 }])))).toBe(VIRTIO_BLK_S_OK);
    expect(backend.bytes.subarray(1024, 2048).every((b) => b === 0)).toBe(true);
    expect(backend.bytes[1023]).toBe(0xaa);
    expect(backend.bytes[2048]).toBe(0xaa);
    expect(statusOf(roundTrip(driver, segmentRequest(VIRTIO_BLK_T_DISCARD, [{ sector: 0n, numSectors: 1, flags: 1 }])))).toBe(VIRTIO_BLK_S_UNSUPP);
    expect(statusOf(roundTrip(driver, segmentRequest(VIRTIO_BLK_T_DISCARD, [{ sector: 0n, numSectors: 1, flags: 0 }])))).toBe(VIRTIO_BLK_S_OK);
    expect(backend.bytes.subarray(0, 512).every((b) => b === 0)).toBe(true);
    const two = segmentRequest(VIRTIO_BLK_T_DISCARD, [{ sector: 0n, numSectors: 1, flags: 0 }, { sector: 4n, numSectors: 1, flags: 0 }]);
    expect(statusOf(roundTrip(driver, two))).toBe(VIRTIO_BLK_S_UNSUPP);
    expect(statusOf(roundTrip(driver, segmentRequest(VIRTIO_BLK_T_DISCARD, [{ sector: 200n, numSectors: 1, flags: 0 }])))).toBe(VIRTIO_BLK_S_IOERR);
  });

  it('completes a batch in available-ring order with one interrupt', () => {
    const { driver, irq } = blkRig();
    const heads = [0, 1, 2, 3, 4].map((i) => driver.submit(0, writeRequest(i, pattern(512, i))));
    const before = irq.raises;
    driver.kick(0);
    const done = driver.collect(0);
    expect(done.map((d) => d.head)).toEqual(heads);
    expect(irq.raises).toBe(before + 1);
  });

  it('a chain without a status byte puts the device in NEEDS_RESET; later kicks are ignored', () => {
    const { driver, transport, bus } = blkRig();
    driver.submit(0, readRequest(0, 512).slice(0, 1));
    driver.kick(0);
    expect(transport.core.status & STATUS_DEVICE_NEEDS_RESET).toBe(STATUS_DEVICE_NEEDS_RESET);
    expect(bus.read(MMIO_BASE + REG.InterruptStatus, 4) & 2).toBe(2);
    driver.submit(0, readRequest(0, 512));
    driver.kick(0);
    expect(driver.collect(0)).toEqual([]);
    // A reset and a fresh handshake bring it back.
    expect(driver.negotiate(ALL)).toBe(true);
    driver.setupQueue(0, 64);
    driver.driverOk();
    expect(statusOf(roundTrip(driver, readRequest(0, 512)))).toBe(VIRTIO_BLK_S_OK);
  });

  it('a too-short header puts the device in NEEDS_RESET', () => {
    const { driver, transport } = blkRig();
    driver.submit(0, [{ out: new Uint8Array(8) }, { inLen: 1 }]);
    driver.kick(0);
    expect(transport.core.needsResetReason).toMatch(/header/);
  });

  it('snapshot of transport and device, restored into a fresh rig, carries on', () => {
    const a = blkRig();
    roundTrip(a.driver, writeRequest(0, pattern(512, 9)));
    // Through msgpackr, as machine snapshots store it.
    const saved = unpack(pack(a.transport.save())) as ReturnType<typeof a.transport.save>;
    const b = virtioRig(new VirtioBlk(a.backend));
    b.ram.restorePages(a.ram.savePages());
    b.transport.restore(saved);
    // Drive the restored device with the original driver's ring bookkeeping.
    const data = pattern(512, 10);
    a.driver.submit(0, writeRequest(1, data));
    b.ram.restorePages(a.ram.savePages());
    b.bus.write(MMIO_BASE + REG.QueueNotify, 4, 0);
    expect(b.ram.read16(a.transport.core.queues[0].usedAddr + 2)).toBe(2);
    expect(a.backend.bytes.subarray(512, 1024)).toEqual(data);
    expect((b.transport.core.device as VirtioBlk).metrics.requests).toBe(2);
  });

  it('matches a byte-array model under random reads and writes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ write: fc.boolean(), sector: fc.integer({ min: 0, max: 127 }), sectors: fc.integer({ min: 1, max: 8 }), seed: fc.nat(255) }), { maxLength: 30 }),
        fc.boolean(),
        (ops, indirect) => {
          const { driver } = blkRig(64 * 1024);
          const model = new Uint8Array(64 * 1024);
          for (const op of ops) {
            const len = op.sectors * 512;
            const fits = op.sector + op.sectors <= 128;
            if (op.write) {
              const data = pattern(len, op.seed);
              const st = statusOf(roundTrip(driver, writeRequest(op.sector, data), indirect));
              expect(st).toBe(fits ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR);
              if (fits) model.set(data, op.sector * 512);
            } else {
              const done = roundTrip(driver, readRequest(op.sector, len), indirect);
              expect(statusOf(done)).toBe(fits ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR);
              if (fits) expect(done.inputs[0]).toEqual(model.subarray(op.sector * 512, op.sector * 512 + len));
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
