import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../../emulator/machine/description/profile';
import type { MachineDescription } from '../../../emulator/machine/description/types';
import { bootMachine } from '../../testing/machine';
import { procModules } from '../../kernel/modules';
import { userlandPrograms } from '../pci/test-boot';
import { rootImageFile } from './testing/root-image';

// Boot-time module loading on the NeuronOS dual-GPU host: which driver ends up with the RTX
// 3070 (01:00.0) and its HDMI audio (01:00.1) for each set of files on the installed root.

function profile(): MachineDescription {
  const r = loadProfile(fileURLToPath(new URL('../../../profiles/neuronos-dual-gpu.yaml', import.meta.url)));
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value;
}

const VFIO_CONF = [
  'options vfio-pci ids=10de:2484,10de:228b',
  'softdep nvidia pre: vfio-pci',
  'softdep nouveau pre: vfio-pci',
  'softdep snd_hda_intel pre: vfio-pci',
].join('\n') + '\n';
const MKINIT = 'MODULES=(vfio_pci vfio vfio_iommu_type1)\nHOOKS=(base udev autodetect modconf block filesystems)\n';
const MKINIT_EMPTY = 'MODULES=()\nHOOKS=(base udev autodetect modconf block filesystems)\n';
const ENTRY = 'title Arch Linux\nlinux /vmlinuz-linux\ninitrd /initramfs-linux.img\noptions root=/dev/vda rw intel_iommu=on iommu=pt\n';

function boot(files: Record<string, string> | undefined, append = 'console=ttyS0') {
  const base = profile();
  const description: Partial<MachineDescription> = { ...base, append: files ? `${append} root=/dev/vda` : append };
  if (files) {
    description.drives = [{ id: 'd0', file: rootImageFile(files), format: 'raw', if: 'none', readonly: false, props: {} }];
    description.devices = [...base.devices, { driver: 'virtio-blk-pci', addr: '4', props: { drive: 'd0' } }];
  }
  const r = bootMachine({ type: 'q35', programs: userlandPrograms(), description, input: ['poweroff\n'] });
  const pci = r.kernel.pci!.subsystem;
  const drv = (bdf: string) => pci.device(bdf)?.driver?.name ?? '(none)';
  const loaded = procModules(r.kernel).split('\n').map((l) => l.split(' ')[0]).filter((n) => n);
  return { gpu: drv('0000:01:00.0'), audio: drv('0000:01:00.1'), igpu: drv('0000:00:02.0'), loaded, log: r.kernel.klog.text(), r };
}

describe('modules at boot (initramfs MODULES, modules-load, udev coldplug)', () => {
  it('without configuration, coldplug loads the GPU and audio drivers by modalias', () => {
    const b = boot(undefined, 'console=ttyS0 intel_iommu=on iommu=pt');
    expect([b.gpu, b.audio, b.igpu]).toEqual(['nouveau', 'snd_hda_intel', 'i915']);
    expect(b.loaded).toContain('nouveau');
    expect(b.loaded).toContain('drm');
    expect(b.loaded).not.toContain('vfio_pci');
  });

  it('the Phase 1 files (vfio.conf, MODULES, boot entry) give both functions to vfio-pci', () => {
    const b = boot({ '/etc/modprobe.d/vfio.conf': VFIO_CONF, '/etc/mkinitcpio.conf': MKINIT, '/boot/loader/entries/arch.conf': ENTRY });
    expect([b.gpu, b.audio, b.igpu]).toEqual(['vfio-pci', 'vfio-pci', 'i915']);
    expect(b.log).toContain('twinbox-boot: /dev/vda/boot/loader/entries/arch.conf options: root=/dev/vda rw intel_iommu=on iommu=pt');
    expect(b.log).toContain('DMAR: IOMMU enabled');
    expect(b.log).toContain('pci 0000:01:00.0: Adding to iommu group 1');
    expect(b.log).toContain('vfio_pci: add [10de:2484[ffffffff:ffffffff]] class 0x000000/00000000');
    expect(b.log).toContain('vfio-pci 0000:01:00.0: vgaarb: changed VGA decodes: olddecodes=io+mem,decodes=io+mem:owns=none');
    // udev still loads nouveau for the GPU's modalias; it finds the device taken.
    // /proc/modules lists the newest first: the initramfs's vfio_pci came before nouveau.
    expect(b.loaded.indexOf('nouveau')).toBeGreaterThanOrEqual(0);
    expect(b.loaded.indexOf('nouveau')).toBeLessThan(b.loaded.indexOf('vfio_pci'));
  });

  it('options alone do not win: nothing loads vfio-pci before nouveau', () => {
    const b = boot({ '/etc/modprobe.d/vfio.conf': 'options vfio-pci ids=10de:2484,10de:228b\n', '/etc/mkinitcpio.conf': MKINIT_EMPTY, '/boot/loader/entries/arch.conf': ENTRY });
    expect([b.gpu, b.audio]).toEqual(['nouveau', 'snd_hda_intel']);
    expect(b.loaded).not.toContain('vfio_pci');
  });

  it('the softdeps alone are enough: coldplug of the GPU pulls vfio-pci in first', () => {
    const b = boot({ '/etc/modprobe.d/vfio.conf': VFIO_CONF, '/etc/mkinitcpio.conf': MKINIT_EMPTY, '/boot/loader/entries/arch.conf': ENTRY });
    expect([b.gpu, b.audio]).toEqual(['vfio-pci', 'vfio-pci']);
  });

  it('blacklist (modprobe.d and modprobe.blacklist=) keeps coldplug from loading a driver', () => {
    const b = boot({ '/etc/modprobe.d/bl.conf': 'blacklist nouveau\n', '/boot/loader/entries/arch.conf': ENTRY }, 'console=ttyS0 modprobe.blacklist=snd_hda_intel');
    expect([b.gpu, b.audio, b.igpu]).toEqual(['(none)', '(none)', 'i915']);
    expect(b.loaded).not.toContain('nouveau');
  });

  it('module.param= on the command line reaches a module the initramfs loads', () => {
    const b = boot({ '/etc/mkinitcpio.conf': MKINIT, '/boot/loader/entries/arch.conf': ENTRY }, 'console=ttyS0 vfio-pci.ids=10de:228b');
    expect([b.gpu, b.audio]).toEqual(['nouveau', 'vfio-pci']);
  });

  it('GRUB: /etc/default/grub kernel options turn the IOMMU on', () => {
    const b = boot({ '/etc/default/grub': 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="loglevel=3 intel_iommu=on iommu=pt"\nGRUB_CMDLINE_LINUX=""\n' });
    expect(b.log).toContain('twinbox-boot: /dev/vda/etc/default/grub options: loglevel=3 intel_iommu=on iommu=pt');
    expect(b.log).toContain('DMAR: IOMMU enabled');
  });

  it('a root= that is not ext2 is reported and the boot goes on', () => {
    const base = profile();
    const r = bootMachine({
      type: 'q35', programs: userlandPrograms(), input: ['poweroff\n'],
      description: { ...base, append: 'console=ttyS0 root=/dev/vdb' },
    });
    expect(r.kernel.klog.text()).toContain('twinbox-boot: root=/dev/vdb: no such block device');
    expect(r.output).toContain('reboot: Power down');
  });
});
