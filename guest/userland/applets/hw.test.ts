import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../emulator/machine/description/profile';
import { userlandPrograms } from '../../drivers/pci/test-boot';
import { bootMachine } from '../../testing/machine';

// twinbox-hw inside the guest on the NeuronOS Phase 0 host: the installer's flow of seed
// Phase 1 (scan, generate, apply to the target root) through the guest's own /sys and VFS.
function run(lines: string[]): string {
  const desc = loadProfile(new URL('../../../profiles/neuronos-dual-gpu.yaml', import.meta.url).pathname);
  if (!desc.ok) throw new Error(desc.error);
  const r = bootMachine({ type: 'q35', description: desc.value, programs: userlandPrograms(), input: [...lines, 'poweroff'].map((l) => `${l}\n`) });
  return r.output.replace(/\r\n/g, '\n');
}

describe('twinbox-hw in the guest', () => {
  it('scans, applies vfio-config to a target root idempotently, and reports edge cases by status', () => {
    const out = run([
      'twinbox-hw scan',
      'twinbox-hw iommu',
      'mkdir -p /mnt/etc/default',
      "echo 'GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"' > /mnt/etc/default/grub",
      "echo 'MODULES=(btrfs)' > /mnt/etc/mkinitcpio.conf",
      'twinbox-hw vfio-config --target-root /mnt --apply; echo rc=$?',
      'cat /mnt/etc/default/grub /mnt/etc/mkinitcpio.conf',
      'grep vfio-pci /mnt/etc/modprobe.d/vfio.conf',
      'twinbox-hw vfio-config --target-root /mnt --apply | grep -c unchanged',
      'twinbox-hw vfio-config --gpu 09:00.0; echo rc=$?',
      'twinbox-hw vm-xml --name "a&b" | grep "<name>"',
      'twinbox-hw frobnicate; echo rc=$?',
    ]);
    expect(out).toContain('Recommended for passthrough: 0000:01:00.0 (discrete, not the boot VGA, IOMMU group 1 is clean)');
    expect(out).toContain('IOMMU Group 1 (CLEAN, passthrough candidate 01:00.0):\n\t00:01.0 PCI bridge [0604]');
    expect(out).toContain('  created: /etc/modprobe.d/vfio.conf\n');
    expect(out).toContain('rc=0\n');
    expect(out).toContain('GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b"\nMODULES=(vfio_pci vfio vfio_iommu_type1 btrfs)\n');
    expect(out).toContain('\noptions vfio-pci ids=10de:2484,10de:228b\n# Load vfio-pci before the GPU drivers so it claims the devices first\nsoftdep nvidia pre: vfio-pci\n');
    expect(out).toContain('softdep nouveau pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\n');
    expect(out).toMatch(/grep -c unchanged\n3\n/);
    expect(out).toContain('twinbox hw: error: --gpu 09:00.0: no such GPU (GPUs: 0000:00:02.0, 0000:01:00.0)\nrc=5\n');
    expect(out).toContain('  <name>a&amp;b</name>\n');
    expect(out).toContain('twinbox hw: expected a subcommand: scan, iommu, vfio-config, vm-xml\nrc=2\n');
  });
});
