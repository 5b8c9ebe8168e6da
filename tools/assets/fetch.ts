// `twinbox assets fetch`: Debian's cloud kernel and busybox-static for an architecture,
// downloaded with apt-get into a cache directory, and an initramfs built from them.
// Result: CACHE/ARCH/{vmlinuz, initramfs.cpio.gz, manifest.json}.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { Arch } from '../../emulator/machine/description/types';
import { AptArch, extractDeb, requireTools, type DebArch } from './debian';
import { buildInitramfs } from './initramfs';
import { indexModules, resolveModules } from './modules';

export const DEFAULT_CACHE = resolve(process.env.TWINBOX_CACHE ?? '.cache/assets');

const DEB_ARCH: Record<Arch, DebArch> = { aarch64: 'arm64', x86_64: 'amd64' };
/** The drivers for the devices twinbox models; built-in ones are skipped. */
const MODULES: Record<Arch, string[]> = {
  aarch64: ['virtio_mmio', 'virtio_blk', 'virtio_net', 'virtio_gpu'],
  x86_64: ['virtio_blk', 'virtio_net', 'virtio_gpu', 'vfio', 'vfio_iommu_type1', 'vfio_pci'],
};

export interface AssetManifest {
  arch: Arch;
  kernelPackage: string;
  kernelVersion: string;
  kernelRelease: string;
  busyboxVersion: string;
  modules: string[];
  builtin: string[];
  unavailable: string[];
  sha256: { vmlinuz: string; initramfs: string };
}

export interface AssetPaths {
  dir: string;
  kernel: string;
  initrd: string;
  manifest: string;
}

export function assetPaths(arch: Arch, cache = DEFAULT_CACHE): AssetPaths {
  const dir = join(cache, arch);
  return { dir, kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initramfs.cpio.gz'), manifest: join(dir, 'manifest.json') };
}

export function haveAssets(arch: Arch, cache = DEFAULT_CACHE): boolean {
  const p = assetPaths(arch, cache);
  return existsSync(p.kernel) && existsSync(p.initrd) && existsSync(p.manifest);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function fetchAssets(arch: Arch, cache = DEFAULT_CACHE, log: (s: string) => void = () => {}): AssetManifest {
  const missing = requireTools(['apt-get', 'apt-cache', 'dpkg-deb', 'xz']);
  if (missing) throw new Error(missing);
  const paths = assetPaths(arch, cache);
  const apt = new AptArch(DEB_ARCH[arch], join(cache, 'apt', DEB_ARCH[arch]));
  log(`assets: apt-get update (${DEB_ARCH[arch]})`);
  apt.update();
  const meta = `linux-image-6.12-cloud-${DEB_ARCH[arch]}`;
  const kernelPackage = apt.resolveDependency(meta) ?? apt.resolveDependency(`linux-image-cloud-${DEB_ARCH[arch]}`);
  if (!kernelPackage) throw new Error(`assets: no ${meta} in the package lists`);
  const debs = join(cache, 'debs', DEB_ARCH[arch]);
  log(`assets: downloading ${kernelPackage} and busybox-static`);
  const kernelDeb = apt.download(kernelPackage, debs);
  const busyboxDeb = apt.download('busybox-static', debs);
  const work = join(cache, 'extract', arch);
  rmSync(work, { recursive: true, force: true });
  extractDeb(kernelDeb, join(work, 'kernel'));
  extractDeb(busyboxDeb, join(work, 'busybox'));
  const release = readdirSync(join(work, 'kernel/lib/modules'))[0];
  const modulesRoot = join(work, 'kernel/lib/modules', release);
  const builtinText = existsSync(join(modulesRoot, 'modules.builtin')) ? readFileSync(join(modulesRoot, 'modules.builtin'), 'utf8') : '';
  const builtin = new Set(builtinText.split('\n').filter(Boolean).map((l) => l.replace(/^.*\//, '').replace(/\.ko$/, '').replace(/-/g, '_')));
  const resolved = resolveModules(MODULES[arch], indexModules(modulesRoot), builtin);
  const busybox = readFileSync(join(work, 'busybox/bin/busybox'));
  const initramfs = gzipSync(buildInitramfs({ busybox, kernelRelease: release, modules: resolved.modules }), { level: 9 });
  const vmlinuz = readFileSync(join(work, 'kernel/boot', `vmlinuz-${release}`));
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.kernel, vmlinuz);
  writeFileSync(paths.initrd, initramfs);
  // The bare binary too: the CPU and kernel oracle suites run it directly.
  writeFileSync(join(paths.dir, 'busybox'), busybox, { mode: 0o755 });
  const manifest: AssetManifest = {
    arch,
    kernelPackage,
    kernelVersion: apt.version(kernelPackage) ?? 'unknown',
    kernelRelease: release,
    busyboxVersion: apt.version('busybox-static') ?? 'unknown',
    modules: resolved.modules.map((m) => m.name),
    builtin: resolved.builtin,
    unavailable: resolved.unavailable,
    sha256: { vmlinuz: sha256(vmlinuz), initramfs: sha256(initramfs) },
  };
  writeFileSync(paths.manifest, JSON.stringify(manifest, null, 2) + '\n');
  rmSync(work, { recursive: true, force: true });
  log(`assets: ${paths.kernel}, ${paths.initrd} (${(initramfs.length / 1024).toFixed(0)} KiB, modules: ${manifest.modules.join(' ') || 'none'})`);
  return manifest;
}
