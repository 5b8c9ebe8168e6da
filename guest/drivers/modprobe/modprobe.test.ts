import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyKernelCmdline, mkinitcpioModules, moduleOptions, parseModprobeConf } from './conf';
import { fnmatch, pciAliasPattern, pciModalias } from './modalias';
import { findModule, moduleImage, modulesAlias, modulesBuiltin, modulesDep } from './module-tree';
import { planModprobe, type PlanContext } from './resolve';
import { modinfo } from '../../kernel/modules';
import { bootEntry, type RootReader } from './target-root';

const RTX3070 = { vendorId: 0x10de, deviceId: 0x2484, subVendorId: 0x10de, subDeviceId: 0x146b, classCode: 0x030000 };

describe('modalias and modules.alias (drivers/pci/pci-sysfs.c, scripts/mod/file2alias.c)', () => {
  it('formats a device modalias and driver patterns as Linux does', () => {
    expect(pciModalias(RTX3070)).toBe('pci:v000010DEd00002484sv000010DEsd0000146Bbc03sc00i00');
    expect(pciAliasPattern({ vendorId: 0x10de, deviceId: -1, classCode: 0x030000, classMask: 0xff0000 })).toBe('pci:v000010DEd*sv*sd*bc03sc*i*');
    expect(pciAliasPattern({ vendorId: -1, deviceId: -1, classCode: 0x040300, classMask: 0xffffff })).toBe('pci:v*d*sv*sd*bc04sc03i00*');
    expect(pciAliasPattern({ vendorId: 0x1002, deviceId: 0x73bf })).toBe('pci:v00001002d000073BFsv*sd*bc*sc*i*');
  });

  it('fnmatch handles *, ?, brackets and escapes', () => {
    expect(fnmatch('pci:v000010DEd*sv*sd*bc03sc*i*', pciModalias(RTX3070))).toBe(true);
    expect(fnmatch('pci:v00001002d*', pciModalias(RTX3070))).toBe(false);
    expect(fnmatch('a?c', 'abc')).toBe(true);
    expect(fnmatch('[a-c]x', 'bx')).toBe(true);
    expect(fnmatch('[!a-c]x', 'bx')).toBe(false);
    expect(fnmatch('a\\*', 'a*')).toBe(true);
    expect(fnmatch('a\\*', 'ab')).toBe(false);
    fc.assert(fc.property(fc.string(), (s) => fnmatch('*', s) && fnmatch(s.replace(/[*?[\\]/g, '\\$&'), s)));
  });

  it('the module tree: modules.alias, modules.dep, modules.builtin and .ko modinfo', () => {
    const alias = modulesAlias();
    expect(alias).toContain('alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau\n');
    expect(alias).toContain('alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n');
    expect(alias).toContain('alias pci:v*d*sv*sd*bc04sc03i00* snd_hda_intel\n');
    expect(modulesDep()).toContain('kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/pci/vfio-pci-core.ko kernel/drivers/vfio/vfio.ko\n');
    expect(modulesBuiltin()).toContain('kernel/drivers/ata/ahci.ko\n');
    const ko = moduleImage(findModule('vfio-pci')!, 'x86_64', '6.12.0-twinbox');
    expect([...ko.slice(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(modinfo(ko, 'name')).toBe('vfio_pci');
    expect(modinfo(ko, 'depends')).toBe('vfio_pci_core,vfio');
  });
});

describe('modprobe.d and the resolver', () => {
  const conf = [
    '# NeuronOS', 'options vfio-pci ids=10de:2484,10de:228b', 'options vfio_pci disable_vga=1',
    'softdep nouveau pre: vfio-pci post: snd-hda-intel', 'blacklist radeon', 'alias mygpu nouveau',
    'install amdgpu /bin/true', 'options \\', '  i915 modeset=1', 'bogus line here',
  ].join('\n');

  it('parses options, softdep, blacklist, alias, install and continued lines; warns on the rest', () => {
    const cfg = parseModprobeConf(conf, '/etc/modprobe.d/vfio.conf');
    expect(moduleOptions(cfg, 'vfio-pci')).toBe('ids=10de:2484,10de:228b disable_vga=1');
    expect(cfg.softdeps.get('nouveau')).toEqual({ pre: ['vfio_pci'], post: ['snd_hda_intel'] });
    expect([...cfg.blacklist]).toEqual(['radeon']);
    expect(cfg.aliases).toEqual([{ pattern: 'mygpu', module: 'nouveau' }]);
    expect(cfg.install.get('amdgpu')).toBe('/bin/true');
    expect(moduleOptions(cfg, 'i915')).toBe('modeset=1');
    expect(cfg.warnings).toEqual(["/etc/modprobe.d/vfio.conf line 10: ignoring bad line starting with 'bogus'"]);
    applyKernelCmdline(cfg, 'console=ttyS0 intel_iommu=on vfio-pci.ids=1234:5678 modprobe.blacklist=nouveau,snd_hda_intel');
    expect(moduleOptions(cfg, 'vfio_pci')).toBe('ids=10de:2484,10de:228b disable_vga=1 ids=1234:5678');
    expect(cfg.blacklist.has('nouveau') && cfg.blacklist.has('snd_hda_intel')).toBe(true);
  });

  it('plans softdep pre:, dependencies deepest first, the module, softdep post:', () => {
    const cfg = parseModprobeConf(conf, 'x');
    const ctx: PlanContext = { cfg, loaded: new Set(['drm']), useBlacklist: false, release: 'R' };
    const plan = planModprobe('nouveau', ctx);
    if (!plan.ok) throw new Error(plan.error);
    const names = plan.steps.map((s) => (s.kind === 'load' ? s.module.name : `install:${s.module}`));
    expect(names.slice(0, 4)).toEqual(['vfio', 'irqbypass', 'vfio_pci_core', 'vfio_pci']);
    expect(names.indexOf('nouveau')).toBeLessThan(names.indexOf('snd_hda_intel'));
    expect(names).not.toContain('drm');
    const vfio = plan.steps.find((s) => s.kind === 'load' && s.module.name === 'vfio_pci');
    expect(vfio && vfio.kind === 'load' ? vfio.params : '').toBe('ids=10de:2484,10de:228b disable_vga=1');
  });

  it('resolves modaliases (blacklist with -b/udev only), config aliases, built-ins, install, unknown names', () => {
    const cfg = parseModprobeConf(conf + '\nblacklist nouveau\n', 'x');
    const ctx = (useBlacklist: boolean): PlanContext => ({ cfg, loaded: new Set(), useBlacklist, release: 'R' });
    const viaAlias = planModprobe(pciModalias(RTX3070), ctx(true));
    expect(viaAlias.ok ? viaAlias.steps.length : -1).toBe(-1);
    const explicit = planModprobe('nouveau', ctx(true));
    expect(explicit.ok && explicit.steps.some((s) => s.kind === 'load' && s.module.name === 'nouveau')).toBe(true);
    const mine = planModprobe('mygpu', ctx(false));
    expect(mine.ok && mine.steps.some((s) => s.kind === 'load' && s.module.name === 'nouveau')).toBe(true);
    expect(planModprobe('ahci', ctx(false))).toEqual({ ok: true, steps: [], builtin: true });
    expect(planModprobe('amdgpu', ctx(false))).toEqual({ ok: true, steps: [{ kind: 'install', module: 'amdgpu', command: '/bin/true' }], builtin: false });
    expect(planModprobe('nvidia', ctx(false))).toEqual({ ok: false, error: 'Module nvidia not found in directory /lib/modules/R' });
  });

  it('mkinitcpio MODULES and boot entries', () => {
    expect(mkinitcpioModules('# c\nMODULES=(vfio_pci "vfio" vfio_iommu_type1 nvidia?)\nHOOKS=(base)\n')).toEqual(['vfio_pci', 'vfio', 'vfio_iommu_type1', 'nvidia']);
    expect(mkinitcpioModules('HOOKS=(base)\n')).toEqual([]);
    const files: Record<string, string> = {
      '/boot/loader/loader.conf': 'default arch-lts.conf\ntimeout 3\n',
      '/boot/loader/entries/arch.conf': 'options root=/dev/vda rw\n',
      '/boot/loader/entries/arch-lts.conf': 'title LTS\noptions root=/dev/vda\noptions amd_iommu=on iommu=pt\n',
    };
    const r: RootReader = {
      readText: (p) => files[p],
      list: (d) => Object.keys(files).filter((f) => f.startsWith(`${d}/`)).map((f) => f.slice(d.length + 1)).sort(),
    };
    expect(bootEntry(r)).toEqual({ file: '/boot/loader/entries/arch-lts.conf', options: 'root=/dev/vda amd_iommu=on iommu=pt' });
    delete files['/boot/loader/loader.conf'];
    expect(bootEntry(r)?.file).toBe('/boot/loader/entries/arch-lts.conf');
  });
});
