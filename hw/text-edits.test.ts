import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editBootEntry, editGrubDefault, editMkinitcpio, mergeCmdline } from './text-edits';

const PARAMS = ['intel_iommu=on', 'iommu=pt', 'vfio-pci.ids=10de:2484,10de:228b'];

describe('configuration edits', () => {
  it('puts the VFIO modules first in MODULES, keeping the others in order', () => {
    expect(editMkinitcpio('# comment\nMODULES=(btrfs nvidia)\nHOOKS=(base udev)\n'))
      .toBe('# comment\nMODULES=(vfio_pci vfio vfio_iommu_type1 btrfs nvidia)\nHOOKS=(base udev)\n');
    expect(editMkinitcpio('MODULES=()\n')).toBe('MODULES=(vfio_pci vfio vfio_iommu_type1)\n');
    expect(editMkinitcpio('MODULES=(i915 vfio amdgpu)\n')).toBe('MODULES=(vfio_pci vfio vfio_iommu_type1 i915 amdgpu)\n');
    expect(editMkinitcpio('#MODULES=(old)\nHOOKS=(base)')).toBe('#MODULES=(old)\nHOOKS=(base)\nMODULES=(vfio_pci vfio vfio_iommu_type1)\n');
    expect(editMkinitcpio('MODULES=(\n  btrfs\n  nvidia\n)\n')).toBe('MODULES=(vfio_pci vfio vfio_iommu_type1 btrfs nvidia)\n');
  });

  it('merges kernel parameters by name: replaced in place, new ones appended, the other vendor\'s removed', () => {
    expect(mergeCmdline('quiet iommu=soft', PARAMS)).toBe('quiet iommu=pt intel_iommu=on vfio-pci.ids=10de:2484,10de:228b');
    expect(mergeCmdline('amd_iommu=on quiet', ['intel_iommu=on'])).toBe('quiet intel_iommu=on');
    expect(mergeCmdline('', [])).toBe('');
  });

  it('edits GRUB_CMDLINE_LINUX_DEFAULT with any quoting, or adds it', () => {
    expect(editGrubDefault('GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="loglevel=3 quiet"\nGRUB_CMDLINE_LINUX=""\n', PARAMS))
      .toBe('GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="loglevel=3 quiet intel_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b"\nGRUB_CMDLINE_LINUX=""\n');
    expect(editGrubDefault("GRUB_CMDLINE_LINUX_DEFAULT='quiet'\n", ['iommu=pt'])).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"\n');
    expect(editGrubDefault('GRUB_CMDLINE_LINUX_DEFAULT=quiet\n', ['iommu=pt'])).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"\n');
    expect(editGrubDefault('GRUB_TIMEOUT=5', ['iommu=pt'])).toBe('GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="iommu=pt"\n');
  });

  it('edits a systemd-boot entry\'s options line (the seed\'s arch.conf), or adds one', () => {
    const entry = 'title   Arch Linux\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\noptions root=PARTUUID=1234 rootflags=subvol=@ rw\n';
    expect(editBootEntry(entry, PARAMS)).toBe(entry.replace(' rw\n', ' rw intel_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b\n'));
    expect(editBootEntry('title X\nlinux /vmlinuz', ['iommu=pt'])).toBe('title X\nlinux /vmlinuz\noptions iommu=pt\n');
  });

  it('every edit is idempotent (property)', () => {
    const word = fc.stringMatching(/^[a-z_.-]{1,8}(=[a-z0-9,:]{0,6})?$/);
    const lines = fc.array(fc.oneof(word, fc.constant('MODULES=(a b)'), fc.constant('options x=1'), fc.constant('GRUB_CMDLINE_LINUX_DEFAULT="q"')), { maxLength: 6 });
    fc.assert(fc.property(lines, fc.array(word, { maxLength: 4 }), (ls, params) => {
      const text = ls.join('\n') + '\n';
      const once = [editMkinitcpio(text), editGrubDefault(text, params), editBootEntry(text, params)];
      expect([editMkinitcpio(once[0]), editGrubDefault(once[1], params), editBootEntry(once[2], params)]).toEqual(once);
    }));
  });
});
