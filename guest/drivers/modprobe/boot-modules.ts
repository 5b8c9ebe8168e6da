// Modules at boot, in the order an Arch-style system loads them: the boot loader's options
// join the command line (bootloaderStage, before PCI comes up), then (bootModules) the
// initramfs loads mkinitcpio.conf's MODULES in order, systemd-modules-load the
// `modules-load=` list and /etc/modules-load.d, and udev's coldplug runs `modprobe -b
// MODALIAS` for every PCI device in probe order — each with /etc/modprobe.d's options,
// softdeps, blacklist and install lines and the command line's `module.param=`. A BusyBox
// initramfs has no udev: there only what its /init insmods is loaded.

import { EEXIST } from '../../kernel/errno';
import type { Kernel } from '../../kernel/kernel';
import { KERN_ERR, KERN_WARNING } from '../../kernel/klog';
import { loadedModules, loadModule, registerKernelModule } from '../../kernel/modules';
import { fileWrite } from '../../fs/tmpfs';
import type { FsNode } from '../../fs/node';
import { applyKernelCmdline, emptyConfig, mkinitcpioModules, parseModprobeConf, type ModprobeConfig } from './conf';
import { pciModalias } from './modalias';
import {
  MODULE_TREE, moduleImage, modulesAlias, modulesBuiltin, modulesDep, modulesOrder, modulesSoftdep,
} from './module-tree';
import { planModprobe, type PlanStep } from './resolve';
import { openTargetRoot, tmpfsReader, type RootReader, type TargetRoot } from './target-root';

const targetRoots = new WeakMap<Kernel, TargetRoot>();

/** Every module of the tree becomes loadable; a PCI driver's module registers its driver. */
function registerTreeModules(): void {
  for (const m of MODULE_TREE) {
    const drv = m.pciDriver;
    if (!drv) {
      registerKernelModule(m.name, {});
      continue;
    }
    registerKernelModule(m.name, {
      init: (k, params) => (k.pci ? k.pci.subsystem.registerDriver(drv, params) : 0),
      exit: (k) => k.pci?.subsystem.unregisterDriver(drv),
    });
  }
}

// Once, when the kernel is loaded (a test may replace a hook afterwards with registerKernelModule).
registerTreeModules();

/** Before PCI: `root=/dev/vdX` names an installed system; its boot entry's options join the command line. */
export function bootloaderStage(k: Kernel): void {
  const t = openTargetRoot(k, k.cmdline);
  if (t === undefined) return;
  if (typeof t === 'string') {
    k.klog.printk(`twinbox-boot: ${t}`, KERN_WARNING);
    return;
  }
  targetRoots.set(k, t);
  if (t.entry && t.entry.options !== '') {
    k.cmdline = `${k.cmdline} ${t.entry.options}`;
    k.klog.printk(`twinbox-boot: ${t.device}${t.entry.file} options: ${t.entry.options}`);
  }
}

export function targetRootOf(k: Kernel): TargetRoot | undefined {
  return targetRoots.get(k);
}

/** After the native root filesystem is built: the module tree in /lib/modules, then the boot-time loads. */
export function bootModules(k: Kernel, release: string): void {
  // An initramfs brings its own /lib/modules (and, without udev, loads only what /init insmods).
  if (k.initrd || !k.pci) return;
  installModuleTree(k, release);
  const t = targetRoots.get(k);
  const reader = t?.reader ?? tmpfsReader(k.vfs.rootRef.node);
  const cfg = applyKernelCmdline(readModprobeConfig(reader), k.cmdline);
  for (const w of cfg.warnings) k.klog.printk(`modprobe: WARNING: ${w}`, KERN_WARNING);
  const run = (name: string, useBlacklist: boolean) => runPlan(k, name, cfg, useBlacklist, release);
  if (t) for (const m of mkinitcpioModules(reader.readText('/etc/mkinitcpio.conf') ?? '')) run(m, false);
  for (const m of modulesLoadList(k.cmdline, reader)) run(m, false);
  for (const d of k.pci.subsystem.devices) {
    run(pciModalias({ ...d.dev, subVendorId: d.subVendorId, subDeviceId: d.subDeviceId }), true);
  }
}

/** kmod's configuration directories, files in name order (a later directory's same-named file wins). */
export function readModprobeConfig(r: RootReader): ModprobeConfig {
  const byName = new Map<string, string>();
  for (const dir of ['/usr/lib/modprobe.d', '/lib/modprobe.d', '/etc/modprobe.d']) {
    for (const n of r.list(dir)) if (n.endsWith('.conf')) byName.set(n, `${dir}/${n}`);
  }
  const cfg = emptyConfig();
  for (const n of [...byName.keys()].sort()) {
    const path = byName.get(n)!;
    parseModprobeConf(r.readText(path) ?? '', path, cfg);
  }
  return cfg;
}

/** systemd-modules-load: `modules-load=`/`modules_load=`/`rd.modules-load=` words, then /etc/modules-load.d/*.conf lines. */
export function modulesLoadList(cmdline: string, r: RootReader): string[] {
  const out: string[] = [];
  for (const m of cmdline.matchAll(/(?:^|\s)(?:rd\.)?modules[-_]load=(\S+)/g)) out.push(...m[1]!.split(',').filter((x) => x));
  for (const n of r.list('/etc/modules-load.d').filter((x) => x.endsWith('.conf'))) {
    for (const line of (r.readText(`/etc/modules-load.d/${n}`) ?? '').split('\n')) {
      const t = line.trim();
      if (t && !t.startsWith('#') && !t.startsWith(';')) out.push(t);
    }
  }
  return out;
}

function runPlan(k: Kernel, name: string, cfg: ModprobeConfig, useBlacklist: boolean, release: string): void {
  const loaded = new Set(loadedModules(k).map((m) => m.name));
  const plan = planModprobe(name, { cfg, loaded, useBlacklist, release });
  if (!plan.ok) {
    // udev stays quiet about modaliases no module claims; a named module that is missing is an error.
    if (!name.includes(':')) k.klog.printk(`modprobe: FATAL: ${plan.error}`, KERN_ERR);
    return;
  }
  for (const s of plan.steps) runStep(k, s, release);
}

function runStep(k: Kernel, s: PlanStep, release: string): void {
  if (s.kind === 'install') {
    k.klog.printk(`modprobe: install command for ${s.module} not run at boot by twinbox (${s.command})`, KERN_WARNING);
    return;
  }
  const arch = k.arch === 'aarch64' ? 'aarch64' : 'x86_64';
  const r = loadModule(k, moduleImage(s.module, arch, release), s.params);
  if (r < 0 && r !== -EEXIST) k.klog.printk(`modprobe: ERROR: could not insert '${s.module.name}': error ${-r}`, KERN_ERR);
}

/** /lib/modules/RELEASE with the .ko files and depmod's indexes, unless the initramfs brought its own. */
function installModuleTree(k: Kernel, release: string): void {
  const root = k.vfs.rootRef.node;
  const lib = dirIn(k, root, 'lib'), mods = dirIn(k, lib, 'modules');
  if (mods.children?.has(release)) return;
  const base = dirIn(k, mods, release);
  const arch = k.arch === 'aarch64' ? 'aarch64' : 'x86_64';
  const write = (rel: string, data: Uint8Array | string) => {
    const parts = rel.split('/');
    let dir = base;
    for (const p of parts.slice(0, -1)) dir = dirIn(k, dir, p);
    const node = k.vfs.createNode(dir, parts[parts.length - 1]!, 'file', 0o644);
    fileWrite(node, 0, typeof data === 'string' ? new TextEncoder().encode(data) : data, k.now);
  };
  for (const m of MODULE_TREE) write(m.path, moduleImage(m, arch, release));
  write('modules.dep', modulesDep());
  write('modules.alias', modulesAlias());
  write('modules.softdep', modulesSoftdep());
  write('modules.builtin', modulesBuiltin());
  write('modules.order', modulesOrder());
}

function dirIn(k: Kernel, parent: FsNode, name: string): FsNode {
  const existing = parent.children?.get(name);
  if (existing && existing.kind === 'dir') return existing;
  return k.vfs.createNode(parent, name, 'dir', 0o755);
}
