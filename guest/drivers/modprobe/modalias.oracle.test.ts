// The modules.alias patterns and module metadata against Debian's own modules: the .modinfo of
// ahci, vfio-pci, vfio-pci-core, vfio and vfio_iommu_type1 from the linux-image .deb that
// `twinbox assets fetch` downloads (.cache/assets/debs/amd64), decompressed with xz.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ANY_ID } from '../pci/driver-table';
import { pciAliasPattern } from './modalias';
import { findModule, moduleAliases } from './module-tree';

const DEBS = fileURLToPath(new URL('../../../.cache/assets/debs/amd64/', import.meta.url));
const deb = existsSync(DEBS) ? readdirSync(DEBS).find((f) => /^linux-image-6\.12.*cloud-amd64.*\.deb$/.test(f)) : undefined;

function modinfoOf(root: string, rel: string): { key: string; value: string }[] {
  const dir = readdirSync(join(root, 'lib/modules'))[0]!;
  const bytes = execFileSync('xz', ['-dc', join(root, 'lib/modules', dir, 'kernel', `${rel}.ko.xz`)]);
  return [...bytes.toString('latin1').matchAll(/(?<=\0)(alias|depends|name)=([^\0]*)/g)].map((m) => ({ key: m[1]!, value: m[2]! }));
}

describe.skipIf(!deb)("modinfo of Debian's modules", () => {
  const root = mkdtempSync(join(tmpdir(), 'twinbox-deb-'));
  if (deb) execFileSync('dpkg-deb', ['-x', join(DEBS, deb), root]);
  const values = (rel: string, key: string) => modinfoOf(root, rel).filter((f) => f.key === key).map((f) => f.value);

  it('file2alias patterns: class entries and vendor/device entries (ahci)', () => {
    const aliases = values('drivers/ata/ahci', 'alias');
    expect(aliases).toContain(pciAliasPattern({ vendorId: ANY_ID, deviceId: ANY_ID, classCode: 0x010601, classMask: 0xffffff }));
    expect(aliases).toContain(pciAliasPattern({ vendorId: 0x8086, deviceId: 0x2922 }));
  });

  it('the VFIO modules: names, dependencies and aliases as in the tree', () => {
    for (const [rel, name] of [['drivers/vfio/pci/vfio-pci', 'vfio_pci'], ['drivers/vfio/pci/vfio-pci-core', 'vfio_pci_core'], ['drivers/vfio/vfio', 'vfio'], ['drivers/vfio/vfio_iommu_type1', 'vfio_iommu_type1']] as const) {
      const spec = findModule(name)!;
      expect(values(rel, 'name')).toEqual([name]);
      expect(values(rel, 'depends')[0]!.split(',').filter((d) => d).map((d) => d.replace(/-/g, '_'))).toEqual(spec.depends);
      expect(values(rel, 'alias').sort()).toEqual(moduleAliases(spec).sort());
    }
  });
});
