import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirSysfs } from './host-sysfs';
import { MemorySysfs, normalisePath } from './sysfs-view';

describe('sysfs views', () => {
  it('MemorySysfs follows relative links in every component but the last for readlink', () => {
    const v = new MemorySysfs()
      .file('/devices/pci0000:00/0000:00:02.0/class', '0x030000\n')
      .link('/bus/pci/devices/0000:00:02.0', '../../../devices/pci0000:00/0000:00:02.0')
      .link('/devices/pci0000:00/0000:00:02.0/iommu_group', '../../../kernel/iommu_groups/2')
      .dir('/kernel/iommu_groups/2/devices');
    expect(v.read('/bus/pci/devices/0000:00:02.0/class')).toBe('0x030000\n');
    expect(v.list('/bus/pci/devices/0000:00:02.0')).toEqual(['class', 'iommu_group']);
    expect(v.readlink('/bus/pci/devices/0000:00:02.0/iommu_group')).toBe('../../../kernel/iommu_groups/2');
    expect(v.list('/bus/pci/devices/0000:00:02.0/iommu_group')).toEqual(['devices']);
    expect(v.read('/bus/pci/devices/0000:00:02.0')).toBeUndefined();
    expect(v.exists('/nope')).toBe(false);
    expect(normalisePath('/a/./b/../c//d/')).toBe('/a/c/d');
  });

  it('a link loop is an absent answer, not a hang or an exception', () => {
    const v = new MemorySysfs().link('/a', 'b').link('/b', 'a');
    expect(v.list('/a')).toBeUndefined();
    expect(v.read('/a/x')).toBeUndefined();
    expect(v.exists('/a')).toBe(false);
  });

  it('DirSysfs reads a real tree and answers undefined for what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinbox-dirsysfs-'));
    try {
      mkdirSync(join(dir, 'devices/x'), { recursive: true });
      writeFileSync(join(dir, 'devices/x/vendor'), '0x10de\n');
      mkdirSync(join(dir, 'bus'));
      symlinkSync('../devices/x', join(dir, 'bus/x'));
      const v = new DirSysfs(dir);
      expect(v.read('/bus/x/vendor')).toBe('0x10de\n');
      expect(v.readlink('/bus/x')).toBe('../devices/x');
      expect(v.list('/bus/x')).toEqual(['vendor']);
      expect(v.read('/bus/x')).toBeUndefined();
      expect(v.read('/missing')).toBeUndefined();
      expect(v.list('/devices/x/vendor')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
