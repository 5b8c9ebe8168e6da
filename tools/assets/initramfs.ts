// The initramfs both backends boot: Debian's static BusyBox, the kernel modules for the
// devices twinbox models (in load order), and an /init that mounts proc/sys/dev, loads
// them and starts a shell on the console. The same archive boots real Linux under QEMU and
// twinbox's own kernel on the AArch64 CPU.

import { emitCpio } from '../../guest/fs/cpio';
import type { ResolvedModule } from './modules';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const NONE = new Uint8Array(0);

type Entry = Parameters<typeof emitCpio>[0][number];

export interface InitramfsInput {
  busybox: Uint8Array;
  kernelRelease: string;
  modules: ResolvedModule[];
  /** Extra `insmod` arguments per module (e.g. vfio_pci: `ids=10de:2484`). */
  moduleParams?: Record<string, string>;
}

export function initScript(input: InitramfsInput): string {
  const lines = [
    '#!/bin/sh',
    '# twinbox initramfs /init: mount the kernel filesystems, load drivers, start a shell.',
    '/bin/busybox --install -s /bin',
    'export PATH=/bin:/sbin:/usr/bin:/usr/sbin',
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t devtmpfs devtmpfs /dev',
    'mkdir -p /dev/pts && mount -t devpts devpts /dev/pts',
    ...input.modules.map((m) => `insmod /lib/modules/${input.kernelRelease}/${m.name}.ko ${input.moduleParams?.[m.name] ?? ''} 2>/dev/null`.trimEnd()),
    '[ -x /etc/init.d/rcS ] && /etc/init.d/rcS',
    '# setsid + cttyhack give the shell a controlling terminal, so job control and ^C work.',
    'while true; do setsid cttyhack /bin/sh; done',
    '',
  ];
  return lines.join('\n');
}

export function buildInitramfs(input: InitramfsInput): Uint8Array {
  const enc = new TextEncoder();
  const dir = (name: string): Entry => ({ name, mode: S_IFDIR | 0o755, data: NONE, nlink: 2 });
  const modDir = `lib/modules/${input.kernelRelease}`;
  const entries: Entry[] = [
    dir('bin'), dir('sbin'), dir('usr'), dir('usr/bin'), dir('usr/sbin'), dir('dev'), dir('proc'), dir('sys'),
    dir('tmp'), dir('root'), dir('etc'), dir('lib'), dir('lib/modules'), dir(modDir), dir('mnt'),
    // The kernel opens /dev/console for init before anything is mounted.
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdevMajor: 5, rdevMinor: 1, data: NONE },
    { name: 'bin/busybox', mode: S_IFREG | 0o755, data: input.busybox },
    { name: 'bin/sh', mode: S_IFLNK | 0o777, data: enc.encode('busybox') },
    { name: 'init', mode: S_IFREG | 0o755, data: enc.encode(initScript(input)) },
    { name: 'etc/passwd', mode: S_IFREG | 0o644, data: enc.encode('root:x:0:0:root:/root:/bin/sh\n') },
    { name: 'etc/group', mode: S_IFREG | 0o644, data: enc.encode('root:x:0:\n') },
    { name: 'etc/hostname', mode: S_IFREG | 0o644, data: enc.encode('twinbox\n') },
    ...input.modules.map((m): Entry => ({ name: `${modDir}/${m.name}.ko`, mode: S_IFREG | 0o644, data: m.bytes })),
  ];
  return emitCpio(entries);
}
