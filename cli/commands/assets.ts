// `twinbox assets fetch`: Debian's kernel and BusyBox for the QEMU backend and for BusyBox on
// twinbox's own kernel, into a cache directory (nothing is committed).

import type { Command } from 'commander';
import { assetPaths, DEFAULT_CACHE, fetchAssets } from '../../tools/assets/fetch';
import type { Arch } from '../../emulator/machine/description/types';

export function registerAssets(program: Command): void {
  const assets = program.command('assets').description('guest assets: Debian kernel + busybox-static initramfs');
  assets
    .command('fetch')
    .description('download Debian\'s cloud kernel and busybox-static with apt-get and build an initramfs')
    .option('--arch <arch>', 'aarch64, x86_64 or all', 'all')
    .option('--cache <dir>', 'cache directory (env TWINBOX_CACHE)', DEFAULT_CACHE)
    .action((opts: { arch: string; cache: string }) => {
      const arches: Arch[] = opts.arch === 'all' ? ['aarch64', 'x86_64'] : [opts.arch as Arch];
      for (const a of arches) {
        if (a !== 'aarch64' && a !== 'x86_64') {
          process.stderr.write(`twinbox assets: unknown architecture '${a}' (aarch64, x86_64 or all)\n`);
          process.exitCode = 2;
          return;
        }
        try {
          fetchAssets(a, opts.cache, (s) => process.stderr.write(s + '\n'));
        } catch (e) {
          process.stderr.write(`twinbox assets: ${(e as Error).message}\n`);
          process.exitCode = 1;
          return;
        }
      }
    });
  assets
    .command('path')
    .description('print where the kernel and initramfs of an architecture are')
    .option('--arch <arch>', 'aarch64 or x86_64', 'aarch64')
    .option('--cache <dir>', 'cache directory', DEFAULT_CACHE)
    .action((opts: { arch: Arch; cache: string }) => {
      const p = assetPaths(opts.arch, opts.cache);
      process.stdout.write(`${p.kernel}\n${p.initrd}\n`);
    });
}
