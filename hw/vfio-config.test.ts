import { describe, expect, it } from 'vitest';
import { runHw } from './commands';
import { MemorySysfs } from './sysfs-view';
import { ALL_BOOT_VGA_HOST, AMD_CPUINFO, INTEL_CPUINFO, IOMMU_OFF_HOST, NEURON_HOST, ONE_GPU_HOST, SHARED_GROUP_HOST, sysfsOf } from './testing/fixtures';
import { applyPlan, type TargetFiles } from './vfio-apply';
import { EXIT, formatPlan, planVfio } from './vfio-config';

function target(files: Record<string, string>): TargetFiles & { files: Record<string, string> } {
  return {
    files,
    read: (p) => files[p],
    list: (d) => {
      const names = Object.keys(files).filter((p) => p.startsWith(`${d}/`)).map((p) => p.slice(d.length + 1)).filter((n) => !n.includes('/'));
      return names.length > 0 ? names.sort() : undefined;
    },
  };
}

const SEED_ENTRY = 'title   Arch Linux\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\noptions root=PARTUUID=abcd rootflags=subvol=@ rw\n';

describe('hw vfio-config', () => {
  it('writes the seed\'s vfio.conf with the GPU\'s and its audio\'s IDs, MODULES and Intel parameters', () => {
    const r = planVfio({ view: sysfsOf(NEURON_HOST), cpuinfo: INTEL_CPUINFO });
    if (!r.ok) throw new Error(r.error);
    expect(r.plan.ids).toEqual(['10de:2484', '10de:228b']);
    expect(r.plan.vfioConf).toContain('\noptions vfio-pci ids=10de:2484,10de:228b\n');
    for (const d of ['nvidia', 'nouveau', 'amdgpu', 'radeon']) expect(r.plan.vfioConf).toContain(`\nsoftdep ${d} pre: vfio-pci\n`);
    expect(r.plan.modules).toBe('MODULES=(vfio_pci vfio vfio_iommu_type1)');
    expect(r.plan.kernelParams).toEqual(['intel_iommu=on', 'iommu=pt', 'vfio-pci.ids=10de:2484,10de:228b']);
    expect(r.plan.exitCode).toBe(EXIT.ok);
    const amd = planVfio({ view: sysfsOf(NEURON_HOST), cpuinfo: AMD_CPUINFO });
    expect(amd.ok && amd.plan.kernelParams[0]).toBe('amd_iommu=on');
  });

  it('gives each edge case its documented error or warning status', () => {
    const code = (fns: Parameters<typeof sysfsOf>[0], args: string[] = []) => runHw(['vfio-config', ...args], { sys: sysfsOf(fns), cpuinfo: INTEL_CPUINFO });
    expect(code([]).exitCode).toBe(EXIT.noGpu);
    const allBoot = code(ALL_BOOT_VGA_HOST);
    expect(allBoot.exitCode).toBe(EXIT.allBootVga);
    expect(allBoot.stderr).toBe('twinbox hw: error: No suitable GPU for passthrough (all GPUs are boot VGA)\n');
    const unknown = code(NEURON_HOST, ['--gpu', '05:00.0']);
    expect(unknown.exitCode).toBe(EXIT.unknownGpu);
    expect(unknown.stderr).toContain('--gpu 05:00.0: no such GPU (GPUs: 0000:00:02.0, 0000:01:00.0)');
    expect(code(ONE_GPU_HOST).exitCode).toBe(EXIT.warnOneGpu);
    expect(code(ONE_GPU_HOST).stderr).toContain('Only one GPU detected');
    const shared = code(SHARED_GROUP_HOST);
    expect(shared.exitCode).toBe(EXIT.warnSharedGroup);
    expect(shared.stderr).toContain('ACS override patch');
    expect(code(IOMMU_OFF_HOST).exitCode).toBe(EXIT.warnIommuOff);
    expect(runHw(['vfio-config'], { sys: sysfsOf(IOMMU_OFF_HOST.filter((f) => f.bdf !== '0000:00:02.0')), cpuinfo: INTEL_CPUINFO }).exitCode)
      .toBe(EXIT.warnIommuOff | EXIT.warnOneGpu);
    expect(code(NEURON_HOST, ['--gpu', '0000:01:00.0']).exitCode).toBe(0);
    expect(code(NEURON_HOST, ['--bogus']).exitCode).toBe(EXIT.usage);
    expect(code(NEURON_HOST, ['--apply']).stderr).toBe('twinbox hw: vfio-config: --apply needs --target-root DIR\n');
  });

  it('applies to a systemd-boot target root, and a second apply changes nothing', () => {
    const t = target({ 'boot/loader/entries/arch.conf': SEED_ENTRY, 'etc/mkinitcpio.conf': 'MODULES=(btrfs)\nHOOKS=(base udev)\n' });
    const r = planVfio({ view: sysfsOf(NEURON_HOST), cpuinfo: INTEL_CPUINFO });
    if (!r.ok) throw new Error(r.error);
    const first = applyPlan(r.plan, t, undefined);
    expect(first.bootloader).toBe('systemd-boot');
    expect(first.writes.map((w) => w.path)).toEqual(['boot/loader/entries/arch.conf', 'etc/modprobe.d/vfio.conf', 'etc/mkinitcpio.conf']);
    for (const w of first.writes) t.files[w.path] = w.text;
    expect(t.files['boot/loader/entries/arch.conf']).toBe(SEED_ENTRY.replace(' rw\n', ' rw intel_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b\n'));
    expect(t.files['etc/mkinitcpio.conf']).toBe('MODULES=(vfio_pci vfio vfio_iommu_type1 btrfs)\nHOOKS=(base udev)\n');
    const second = applyPlan(r.plan, t, undefined);
    expect(second.writes).toEqual([]);
    expect(second.report.filter((l) => l.startsWith('unchanged'))).toHaveLength(3);
  });

  it('applies to GRUB through runHw and refuses a target without a bootloader config', () => {
    const t = target({ 'etc/default/grub': 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' });
    const r = runHw(['vfio-config', '--target-root', '/mnt', '--apply', '--json'], { sys: sysfsOf(NEURON_HOST), cpuinfo: AMD_CPUINFO, target: () => t });
    expect(r.exitCode).toBe(0);
    expect(r.writes?.files.find((f) => f.path === 'etc/default/grub')?.text).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b"\n');
    const out = JSON.parse(r.stdout) as { applied: { bootloader: string; report: string[] } };
    expect(out.applied.bootloader).toBe('grub');
    expect(out.applied.report).toContain('skipped: /etc/mkinitcpio.conf (not present: not an mkinitcpio system)');
    const empty = runHw(['vfio-config', '--target-root', '/mnt', '--apply'], { sys: sysfsOf(NEURON_HOST), target: () => target({}) });
    expect(empty.exitCode).toBe(EXIT.applyFailed);
    const wrong = runHw(['vfio-config', '--target-root', '/mnt', '--apply', '--bootloader', 'grub'], { sys: sysfsOf(NEURON_HOST), target: () => target({ 'boot/loader/entries/a.conf': SEED_ENTRY }) });
    expect(wrong.stderr).toBe('twinbox hw: error: --bootloader grub: /etc/default/grub not found in the target root\n');
  });

  it('prints the human plan (snapshot)', () => {
    const r = planVfio({ view: sysfsOf(SHARED_GROUP_HOST), cpuinfo: AMD_CPUINFO });
    if (!r.ok) throw new Error(r.error);
    expect(formatPlan(r.plan)).toMatchInlineSnapshot(`
      "GPU: 0000:01:00.0 NVIDIA Corporation GA104 [GeForce RTX 3070] (ids 10de:2484,10de:228b)

      --- /etc/modprobe.d/vfio.conf ---
      # NeuronOS VFIO configuration, written by twinbox hw vfio-config
      # Target GPU: NVIDIA Corporation GA104 [GeForce RTX 3070] @ 0000:01:00.0

      # Bind these devices to vfio-pci
      options vfio-pci ids=10de:2484,10de:228b

      # Load vfio-pci before the GPU drivers so it claims the devices first
      softdep nvidia pre: vfio-pci
      softdep amdgpu pre: vfio-pci
      softdep radeon pre: vfio-pci
      softdep nouveau pre: vfio-pci
      softdep snd_hda_intel pre: vfio-pci

      --- mkinitcpio.conf MODULES (VFIO first, existing entries kept) ---
      MODULES=(vfio_pci vfio vfio_iommu_type1)

      --- Kernel parameters (AMD) ---
      amd_iommu=on iommu=pt vfio-pci.ids=10de:2484,10de:228b

      Warnings:
        - IOMMU group 1 contains other devices: move the card to a slot with its own group, or boot a kernel with the ACS override patch and pcie_acs_override=downstream,multifunction (weakens isolation).
      "
    `);
  });

  it('never throws on an empty or hostile tree', () => {
    const v = new MemorySysfs().link('/bus/pci/devices', '/bus/pci/devices').link('/kernel/iommu_groups', '../loop').link('/loop', '/kernel/iommu_groups');
    for (const sub of ['scan', 'iommu', 'vfio-config', 'vm-xml']) expect(() => runHw([sub], { sys: v })).not.toThrow();
  });
});
