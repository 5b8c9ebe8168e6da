import { describe, expect, it } from 'vitest';
import { MemoryBlockDevice } from './block-device';
import { capacityLine, diskName, DiskTable, formatProcPartitions, formatSize } from './disks';
import { emitMbrSector } from './mbr';

class FakeDriver extends MemoryBlockDevice {
  readonly readonly = false;
  readonly logicalBlockBytes = 512;
}

describe('disks', () => {
  it('names disks as Linux does', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map((i) => diskName('vd', i))).toEqual(['vda', 'vdb', 'vdz', 'vdaa', 'vdab', 'vdzz', 'vdaaa']);
  });

  it('prints sizes like string_get_size', () => {
    expect(capacityLine('vda', 64 << 20, 512)).toBe('[vda] 131072 512-byte logical blocks (67.1 MB/64.0 MiB)');
    expect(capacityLine('vdb', 128 << 20, 512)).toBe('[vdb] 262144 512-byte logical blocks (134 MB/128 MiB)');
    expect(formatSize(1 << 30, true)).toBe('1.00 GiB');
    expect(formatSize(1 << 30, false)).toBe('1.07 GB');
  });

  it('finds MBR partitions, gives them minors and shows them in /proc/partitions', () => {
    const dev = new FakeDriver(64 << 20);
    dev.bytes.set(emitMbrSector(0x1234, [
      { slot: 0, bootable: false, type: 0x83, startLba: 2048, sectorCount: 40960 },
      { slot: 1, bootable: false, type: 0x83, startLba: 43008, sectorCount: 20480 },
    ]));
    const t = new DiskTable();
    const { log } = t.add(dev);
    expect(log).toEqual([' vda: vda1 vda2']);
    expect(formatProcPartitions(t.nodes())).toBe(
      'major minor  #blocks  name\n\n 254        0      65536 vda\n 254        1      20480 vda1\n 254        2      10240 vda2\n',
    );
    const p2 = t.byName('vda2')!;
    expect(p2.dev.write(0, new Uint8Array(512).fill(0xab))).toBe(0);
    expect(t.syncAll()).toBe(0);
    expect(dev.bytes[43008 * 512]).toBe(0xab);
    expect(t.byDev(254, 1)?.name).toBe('vda1');
  });

  it('a disk without a table has no partitions', () => {
    const t = new DiskTable();
    expect(t.add(new FakeDriver(1 << 20)).log).toEqual([' vda:']);
    expect(t.nodes().map((n) => n.name)).toEqual(['vda']);
  });
});
