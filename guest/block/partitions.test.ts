import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryBlockDevice } from './block-device';
import { crc32 } from './crc32';
import { emitMbrSector, parseMbrSector } from './mbr';
import { formatGuid } from './gpt';
import { readPartitionTable, partitionDevice } from './partitions';

const SECTOR = 512;

/** A GPT disk built by hand: protective MBR, header + 128 entries at both ends. */
function gptDisk(sectors: number, parts: Array<{ first: number; last: number; name: string }>): MemoryBlockDevice {
  const dev = new MemoryBlockDevice(sectors * SECTOR);
  dev.write(0, emitMbrSector(0, [{ slot: 0, bootable: false, type: 0xee, startLba: 1, sectorCount: sectors - 1 }]));
  const entries = new Uint8Array(128 * 128);
  parts.forEach((p, i) => {
    const o = i * 128;
    entries.set([0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47, 0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4], o);
    entries[o + 16] = i + 1;
    const v = new DataView(entries.buffer);
    v.setBigUint64(o + 32, BigInt(p.first), true);
    v.setBigUint64(o + 40, BigInt(p.last), true);
    [...p.name].forEach((c, k) => v.setUint16(o + 56 + 2 * k, c.charCodeAt(0), true));
  });
  const header = (my: number, alt: number, entriesLba: number) => {
    const h = new Uint8Array(SECTOR);
    const v = new DataView(h.buffer);
    h.set(new TextEncoder().encode('EFI PART'));
    v.setUint32(8, 0x10000, true);
    v.setUint32(12, 92, true);
    v.setBigUint64(24, BigInt(my), true);
    v.setBigUint64(32, BigInt(alt), true);
    v.setBigUint64(40, 34n, true);
    v.setBigUint64(48, BigInt(sectors - 34), true);
    h.fill(0x11, 56, 72);
    v.setBigUint64(72, BigInt(entriesLba), true);
    v.setUint32(80, 128, true);
    v.setUint32(84, 128, true);
    v.setUint32(88, crc32(entries), true);
    v.setUint32(16, crc32(h.subarray(0, 92)), true);
    return h;
  };
  dev.write(SECTOR, header(1, sectors - 1, 2));
  dev.write(2 * SECTOR, entries);
  dev.write((sectors - 33) * SECTOR, entries);
  dev.write((sectors - 1) * SECTOR, header(sectors - 1, 1, sectors - 33));
  return dev;
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('MBR', () => {
  it('reads primaries, the extended stub and logical partitions numbered from 5', () => {
    const dev = new MemoryBlockDevice(4096 * SECTOR);
    dev.write(0, emitMbrSector(0x1234abcd, [
      { slot: 0, bootable: true, type: 0x83, startLba: 64, sectorCount: 1000 },
      { slot: 1, bootable: false, type: 0x05, startLba: 2000, sectorCount: 2000 },
    ]));
    dev.write(2000 * SECTOR, emitMbrSector(0, [
      { slot: 0, bootable: false, type: 0x83, startLba: 16, sectorCount: 500 },
      { slot: 1, bootable: false, type: 0x05, startLba: 600, sectorCount: 700 },
    ]));
    dev.write(2600 * SECTOR, emitMbrSector(0, [{ slot: 0, bootable: false, type: 0x82, startLba: 8, sectorCount: 300 }]));
    const t = readPartitionTable(dev);
    expect(t.scheme).toBe('mbr');
    expect(t.diskId).toBe('0x1234abcd');
    expect(t.partitions.map((p) => [p.number, p.kind, p.startLba, p.sectorCount])).toEqual([
      [1, 'primary', 64, 1000], [2, 'extended', 2000, 2], [5, 'logical', 2016, 500], [6, 'logical', 2608, 300],
    ]);
  });

  it('stops at an EBR chain that loops', () => {
    const dev = new MemoryBlockDevice(4096 * SECTOR);
    dev.write(0, emitMbrSector(1, [{ slot: 0, bootable: false, type: 0x0f, startLba: 100, sectorCount: 1000 }]));
    dev.write(100 * SECTOR, emitMbrSector(0, [
      { slot: 0, bootable: false, type: 0x83, startLba: 1, sectorCount: 10 },
      { slot: 1, bootable: false, type: 0x05, startLba: 0, sectorCount: 10 },
    ]));
    const t = readPartitionTable(dev);
    expect(t.partitions.filter((p) => p.kind === 'logical')).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/loops/);
  });

  it('a disk without the 0x55AA signature has no table', () => {
    expect(readPartitionTable(new MemoryBlockDevice(8192)).scheme).toBe('none');
    expect(parseMbrSector(new Uint8Array(512))).toBeNull();
  });
});

describe('GPT', () => {
  it('reads entries with names, and a partition is a device of its own', () => {
    const dev = gptDisk(4096, [{ first: 34, last: 1057, name: 'root' }, { first: 2048, last: 4000, name: 'data' }]);
    const t = readPartitionTable(dev);
    expect(t.scheme).toBe('gpt');
    expect(t.diskId).toBe('11111111-1111-1111-1111-111111111111');
    expect(t.partitions.map((p) => [p.number, p.startLba, p.sectorCount, p.name, p.typeGuid])).toEqual([
      [1, 34, 1024, 'root', '0FC63DAF-8483-4772-8E79-3D69D8477DE4'],
      [2, 2048, 1953, 'data', '0FC63DAF-8483-4772-8E79-3D69D8477DE4'],
    ]);
    const p1 = partitionDevice(dev, t.partitions[0]);
    expect(p1.write(0, new Uint8Array([9]))).toBe(0);
    expect(dev.bytes[34 * SECTOR]).toBe(9);
    expect(p1.write(1024 * SECTOR, new Uint8Array(1))).toBeLessThan(0);
  });

  it('falls back to the backup header when the primary header or its entries are bad', () => {
    for (const corrupt of [SECTOR + 20, 2 * SECTOR + 60]) {
      const dev = gptDisk(4096, [{ first: 34, last: 100, name: 'x' }]);
      dev.bytes[corrupt] ^= 0xff;
      const t = readPartitionTable(dev);
      expect(t.scheme).toBe('gpt');
      expect(t.partitions).toHaveLength(1);
      expect(t.warnings[0]).toMatch(/using alternate GPT/);
    }
  });

  it('with both headers bad there is no table, and no exception on random sectors (property)', () => {
    const dev = gptDisk(256, [{ first: 34, last: 100, name: 'x' }]);
    dev.bytes[SECTOR + 30] ^= 1;
    dev.bytes[255 * SECTOR + 30] ^= 1;
    expect(readPartitionTable(dev).scheme).toBe('none');
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 34 * SECTOR }), fc.nat(255)), { maxLength: 30 }), (edits) => {
      const d = gptDisk(256, [{ first: 34, last: 100, name: 'x' }]);
      for (const [at, v] of edits) d.bytes[at] = v;
      const t = readPartitionTable(d);
      for (const p of t.partitions) expect(p.startLba + p.sectorCount).toBeLessThanOrEqual(256);
    }));
  });

  it('formats GUIDs mixed-endian', () => {
    expect(formatGuid(Uint8Array.from([0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84, 0x72, 0x47, 0x8e, 0x79, 0x3d, 0x69, 0xd8, 0x47, 0x7d, 0xe4]))).toBe('0FC63DAF-8483-4772-8E79-3D69D8477DE4');
  });
});
