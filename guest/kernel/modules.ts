// Loadable kernel modules. twinbox cannot run a real .ko's code, but an initramfs that runs
// `insmod virtio_blk.ko` must work on both backends: init_module/finit_module accept the
// real .ko files of modules twinbox models, recognised by the `name=` string in their
// .modinfo section, check their dependencies are loaded and call an in-kernel init hook
// with the module parameters. Any other module fails with ENOEXEC and a log line.
// /proc/modules lists what is loaded, in the format lsmod reads.

import { EAGAIN, EEXIST, ENOENT, ENOEXEC } from './errno';
import type { Kernel } from './kernel';
import { KERN_DEBUG, KERN_ERR } from './klog';

export interface KernelModuleHooks {
  /** Runs at load with the parsed parameters (`ids=10de:2684 x=1`): 0 or -errno (the load then fails). */
  init?(k: Kernel, params: ReadonlyMap<string, string>): number;
  exit?(k: Kernel): void;
}

export interface LoadedModule {
  name: string;
  sizeBytes: number;
  /** Modules it needs (its modinfo `depends`). */
  depends: string[];
  params: ReadonlyMap<string, string>;
}

/**
 * The modules twinbox models. Their drivers are built into the TypeScript kernel, so most
 * need no init work; a subsystem that does (vfio-pci binding `ids=`, say) registers a hook.
 */
const KNOWN = new Map<string, KernelModuleHooks>();
for (const name of [
  'virtio', 'virtio_ring', 'virtio_pci', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_mmio', 'virtio_blk',
  'virtio_net', 'net_failover', 'failover', 'virtio_console', 'virtio_rng', 'vfio', 'vfio_iommu_type1', 'vfio_pci_core',
  'vfio_pci', 'vfio_virqfd', 'irqbypass', 'iommufd', 'ext2', 'mbcache', 'crc32c_generic', 'libcrc32c',
]) KNOWN.set(name, {});

/** Adds (or replaces) the in-kernel init/exit hooks for a module name (dashes and underscores alike). */
export function registerKernelModule(name: string, hooks: KernelModuleHooks): void {
  KNOWN.set(canonicalName(name), hooks);
}

export function isKnownModule(name: string): boolean {
  return KNOWN.has(canonicalName(name));
}

export function canonicalName(name: string): string {
  return name.replace(/-/g, '_');
}

const loadedByKernel = new WeakMap<Kernel, LoadedModule[]>();

export function loadedModules(k: Kernel): LoadedModule[] {
  let l = loadedByKernel.get(k);
  if (!l) {
    l = [];
    loadedByKernel.set(k, l);
  }
  return l;
}

/** A `key=value` string of a .ko's .modinfo section (NUL-separated strings). */
export function modinfo(image: Uint8Array, key: string): string | undefined {
  const text = Buffer.from(image).toString('latin1');
  const needle = `\0${key}=`;
  const at = text.indexOf(needle);
  if (at < 0) return undefined;
  const end = text.indexOf('\0', at + needle.length);
  return text.slice(at + needle.length, end < 0 ? undefined : end);
}

/** Module parameters as the kernel parses them: space-separated `name[=value]`, quotes allowed. */
export function parseModuleParams(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/([^\s=]+)(?:=("[^"]*"|\S*))?/g)) {
    const v = m[2] ?? '';
    out.set(canonicalName(m[1]!), v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v);
  }
  return out;
}

const EM_AARCH64 = 183, EM_X86_64 = 62, ET_REL = 1;

/** load_module: checks the image, its dependencies, runs the init hook. 0 or -errno. */
export function loadModule(k: Kernel, image: Uint8Array, paramText: string): number {
  const isElf = image.length >= 64 && image[0] === 0x7f && image[1] === 0x45 && image[2] === 0x4c && image[3] === 0x46;
  const d = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const machine = k.arch === 'aarch64' ? EM_AARCH64 : EM_X86_64;
  if (!isElf || d.getUint16(16, true) !== ET_REL || d.getUint16(18, true) !== machine) {
    k.klog.printk('module: invalid ELF header or architecture', KERN_ERR);
    return -ENOEXEC;
  }
  const rawName = modinfo(image, 'name');
  if (!rawName) {
    k.klog.printk('module: no name in .modinfo', KERN_ERR);
    return -ENOEXEC;
  }
  const name = canonicalName(rawName);
  const hooks = KNOWN.get(name);
  if (!hooks) {
    k.klog.printk(`${name}: twinbox does not model this module; its code cannot run here`, KERN_ERR);
    return -ENOEXEC;
  }
  const loaded = loadedModules(k);
  if (loaded.some((m) => m.name === name)) return -EEXIST;
  const depends = (modinfo(image, 'depends') ?? '').split(',').filter((s) => s !== '').map(canonicalName);
  const missing = depends.find((dep) => !loaded.some((m) => m.name === dep));
  if (missing) {
    k.klog.printk(`${name}: Unknown symbol (module ${missing} is not loaded)`, KERN_ERR);
    return -ENOENT;
  }
  const params = parseModuleParams(paramText);
  const r = hooks.init?.(k, params) ?? 0;
  if (r < 0) return r;
  loaded.push({ name, sizeBytes: Math.ceil(image.length / 4096) * 4096, depends, params });
  k.klog.printk(`${name}: loaded`, KERN_DEBUG);
  return 0;
}

/** delete_module: fails while another loaded module depends on it. */
export function unloadModule(k: Kernel, rawName: string): number {
  const name = canonicalName(rawName);
  const loaded = loadedModules(k);
  const i = loaded.findIndex((m) => m.name === name);
  if (i < 0) return -ENOENT;
  if (loaded.some((m) => m.depends.includes(name))) return -EAGAIN;
  KNOWN.get(name)?.exit?.(k);
  loaded.splice(i, 1);
  return 0;
}

/** /proc/modules: name, size, use count, users, state, address (hidden as lsmod sees it without kallsyms access). */
export function procModules(k: Kernel): string {
  const loaded = loadedModules(k);
  return [...loaded].reverse().map((m) => {
    const users = loaded.filter((o) => o.depends.includes(m.name)).map((o) => `${o.name},`);
    return `${m.name} ${m.sizeBytes} ${users.length} ${users.length ? users.join('') : '-'} Live 0x0000000000000000\n`;
  }).join('');
}
