// The twinbox kernel's module tree as depmod leaves it in /lib/modules/$(uname -r): which
// drivers are loadable modules (and their paths, dependencies and PCI aliases, the aliases
// generated from the same ID tables the PCI core matches with), which are built in
// (modules.builtin), and the text of modules.dep / modules.alias / modules.builtin /
// modules.order. The .ko files hold what load_module reads of a real one: an ELF
// relocatable header and a .modinfo section (name, depends, alias, license, vermagic).

import { BUILTIN_DRIVERS } from '../pci/driver-table';
import { pciAliasPattern } from './modalias';

export interface ModuleSpec {
  /** Module name (underscores, as /proc/modules shows it). */
  name: string;
  /** Path under /lib/modules/RELEASE, e.g. kernel/drivers/vfio/pci/vfio-pci.ko. */
  path: string;
  depends: string[];
  /** The PCI driver this module registers (driver-table.ts), if any. */
  pciDriver?: string;
  /** Aliases the module declares besides its PCI ID table. */
  extraAliases?: string[];
  /** Soft dependencies the module declares itself (MODULE_SOFTDEP). */
  softdep?: { pre: string[]; post: string[] };
}

export const MODULE_TREE: readonly ModuleSpec[] = [
  { name: 'irqbypass', path: 'kernel/virt/lib/irqbypass.ko', depends: [] },
  { name: 'vfio', path: 'kernel/drivers/vfio/vfio.ko', depends: [], extraAliases: ['devname:vfio/vfio', 'char-major-10-196'] },
  { name: 'vfio_iommu_type1', path: 'kernel/drivers/vfio/vfio_iommu_type1.ko', depends: ['vfio'] },
  { name: 'vfio_pci_core', path: 'kernel/drivers/vfio/pci/vfio-pci-core.ko', depends: ['vfio', 'irqbypass'] },
  {
    name: 'vfio_pci', path: 'kernel/drivers/vfio/pci/vfio-pci.ko', depends: ['vfio_pci_core', 'vfio'], pciDriver: 'vfio-pci',
    extraAliases: ['vfio_pci:v*d*sv*sd*bc*sc*i*'],
  },
  { name: 'drm', path: 'kernel/drivers/gpu/drm/drm.ko', depends: [] },
  { name: 'drm_kms_helper', path: 'kernel/drivers/gpu/drm/drm_kms_helper.ko', depends: ['drm'] },
  { name: 'drm_display_helper', path: 'kernel/drivers/gpu/drm/display/drm_display_helper.ko', depends: ['drm', 'drm_kms_helper'] },
  { name: 'ttm', path: 'kernel/drivers/gpu/drm/ttm/ttm.ko', depends: ['drm'] },
  { name: 'drm_ttm_helper', path: 'kernel/drivers/gpu/drm/drm_ttm_helper.ko', depends: ['ttm', 'drm'] },
  { name: 'i2c_algo_bit', path: 'kernel/drivers/i2c/algos/i2c-algo-bit.ko', depends: [] },
  { name: 'video', path: 'kernel/drivers/acpi/video.ko', depends: [] },
  { name: 'mxm_wmi', path: 'kernel/drivers/platform/x86/mxm-wmi.ko', depends: [] },
  { name: 'gpu_sched', path: 'kernel/drivers/gpu/drm/scheduler/gpu-sched.ko', depends: ['drm'] },
  {
    name: 'i915', path: 'kernel/drivers/gpu/drm/i915/i915.ko', pciDriver: 'i915',
    depends: ['drm_display_helper', 'drm_kms_helper', 'i2c_algo_bit', 'ttm', 'video', 'drm'],
  },
  {
    name: 'nouveau', path: 'kernel/drivers/gpu/drm/nouveau/nouveau.ko', pciDriver: 'nouveau',
    depends: ['drm_ttm_helper', 'ttm', 'drm_display_helper', 'drm_kms_helper', 'i2c_algo_bit', 'mxm_wmi', 'video', 'drm'],
  },
  {
    name: 'amdgpu', path: 'kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko', pciDriver: 'amdgpu',
    depends: ['gpu_sched', 'drm_ttm_helper', 'ttm', 'drm_display_helper', 'drm_kms_helper', 'i2c_algo_bit', 'video', 'drm'],
  },
  {
    name: 'radeon', path: 'kernel/drivers/gpu/drm/radeon/radeon.ko', pciDriver: 'radeon',
    depends: ['drm_ttm_helper', 'ttm', 'drm_display_helper', 'drm_kms_helper', 'i2c_algo_bit', 'video', 'drm'],
  },
  { name: 'soundcore', path: 'kernel/sound/soundcore.ko', depends: [] },
  { name: 'snd', path: 'kernel/sound/core/snd.ko', depends: ['soundcore'] },
  { name: 'snd_pcm', path: 'kernel/sound/core/snd-pcm.ko', depends: ['snd'] },
  { name: 'snd_hda_core', path: 'kernel/sound/hda/snd-hda-core.ko', depends: ['snd_pcm', 'snd'] },
  { name: 'snd_hda_codec', path: 'kernel/sound/pci/hda/snd-hda-codec.ko', depends: ['snd_hda_core', 'snd_pcm', 'snd'] },
  {
    name: 'snd_hda_intel', path: 'kernel/sound/pci/hda/snd-hda-intel.ko', pciDriver: 'snd_hda_intel',
    depends: ['snd_hda_codec', 'snd_hda_core', 'snd_pcm', 'snd'],
  },
];

/** Built-in drivers as modules.builtin names them (drivers without a `module` in the table). */
export const BUILTIN_MODULE_PATHS: readonly string[] = [
  'kernel/drivers/pci/pci-stub.ko', 'kernel/drivers/mfd/lpc_ich.ko', 'kernel/drivers/i2c/busses/i2c-i801.ko',
  'kernel/drivers/ata/ahci.ko', 'kernel/drivers/nvme/host/nvme.ko', 'kernel/drivers/usb/host/xhci-pci.ko',
  'kernel/drivers/net/ethernet/intel/e1000/e1000.ko', 'kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko',
  'kernel/drivers/net/ethernet/intel/igb/igb.ko', 'kernel/drivers/virtio/virtio_pci.ko', 'kernel/drivers/gpu/drm/tiny/bochs.ko',
];

export function canonicalModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

export function findModule(name: string): ModuleSpec | undefined {
  const c = canonicalModuleName(name);
  return MODULE_TREE.find((m) => m.name === c);
}

/** The name a built-in path gives (kernel/drivers/ata/ahci.ko → ahci), for `modprobe ahci`. */
export function builtinModuleNames(): string[] {
  return BUILTIN_MODULE_PATHS.map((p) => canonicalModuleName(p.slice(p.lastIndexOf('/') + 1).replace(/\.ko$/, '')));
}

/** Every alias a module declares: its PCI ID table as modules.alias patterns, then its extras. */
export function moduleAliases(m: ModuleSpec): string[] {
  const drv = m.pciDriver ? BUILTIN_DRIVERS.find((d) => d.name === m.pciDriver) : undefined;
  return [...(drv?.ids.map((id) => pciAliasPattern(id)) ?? []), ...(m.extraAliases ?? [])];
}

/** modules.dep: "path: dep-path dep-path ...", dependencies in load-reverse order as depmod writes them. */
export function modulesDep(): string {
  const pathOf = (n: string) => MODULE_TREE.find((m) => m.name === n)?.path ?? n;
  return MODULE_TREE.map((m) => `${m.path}:${m.depends.map((d) => ` ${pathOf(d)}`).join('')}\n`).join('');
}

export function modulesAlias(): string {
  const lines = ['# Aliases extracted from modules themselves.'];
  for (const m of MODULE_TREE) for (const a of moduleAliases(m)) lines.push(`alias ${a} ${m.name}`);
  return lines.join('\n') + '\n';
}

export function modulesSoftdep(): string {
  const lines = ['# Soft dependencies extracted from modules themselves.'];
  for (const m of MODULE_TREE) {
    if (!m.softdep) continue;
    const pre = m.softdep.pre.length ? ` pre: ${m.softdep.pre.join(' ')}` : '';
    const post = m.softdep.post.length ? ` post: ${m.softdep.post.join(' ')}` : '';
    lines.push(`softdep ${m.name}${pre}${post}`);
  }
  return lines.join('\n') + '\n';
}

export function modulesBuiltin(): string {
  return BUILTIN_MODULE_PATHS.map((p) => `${p}\n`).join('');
}

export function modulesOrder(): string {
  return MODULE_TREE.map((m) => `${m.path}\n`).join('');
}

const EM_AARCH64 = 183, EM_X86_64 = 62, ET_REL = 1, SHT_PROGBITS = 1, SHT_STRTAB = 3;

/** A module file: ELF64 relocatable with .modinfo and .shstrtab sections, for this architecture. */
export function moduleImage(m: ModuleSpec, arch: 'aarch64' | 'x86_64', release: string): Uint8Array {
  const info = [
    ...moduleAliases(m).map((a) => `alias=${a}`), `depends=${m.depends.join(',')}`, 'intree=Y', `name=${m.name}`,
    'license=GPL', `vermagic=${release} SMP preempt mod_unload`,
  ].map((f) => `${f}\0`).join('');
  const modinfo = new TextEncoder().encode(`\0${info}`);
  const shstr = new TextEncoder().encode('\0.modinfo\0.shstrtab\0');
  const infoOff = 64, strOff = infoOff + modinfo.length, shOff = (strOff + shstr.length + 7) & ~7;
  const out = new Uint8Array(shOff + 3 * 64);
  const d = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  d.setUint16(16, ET_REL, true);
  d.setUint16(18, arch === 'aarch64' ? EM_AARCH64 : EM_X86_64, true);
  d.setUint32(20, 1, true);
  d.setBigUint64(40, BigInt(shOff), true);
  d.setUint16(52, 64, true);
  d.setUint16(58, 64, true);
  d.setUint16(60, 3, true);
  d.setUint16(62, 2, true);
  out.set(modinfo, infoOff);
  out.set(shstr, strOff);
  const section = (i: number, name: number, type: number, off: number, size: number) => {
    const b = shOff + i * 64;
    d.setUint32(b, name, true);
    d.setUint32(b + 4, type, true);
    d.setBigUint64(b + 24, BigInt(off), true);
    d.setBigUint64(b + 32, BigInt(size), true);
    d.setBigUint64(b + 48, 1n, true);
  };
  section(1, 1, SHT_PROGBITS, infoOff, modinfo.length);
  section(2, 10, SHT_STRTAB, strOff, shstr.length);
  return out;
}
