// Files the native userland puts into the root filesystem besides its programs: the
// /init script, the same shape as the real initramfs's (tools/assets/initramfs.ts), so
// the native root starts exactly as real Linux with BusyBox does: the kernel runs
// `/bin/sh /init` (comm "init"), which mounts the kernel filesystems and keeps
// `setsid cttyhack /bin/sh` on the console. /sbin/init (BusyBox-style init) stays
// installed for a root that asks for it with init=/sbin/init.

export interface UserlandFile {
  path: string;
  content: string;
}

export const INIT_SCRIPT = [
  '#!/bin/sh',
  '# twinbox native root /init: mount the kernel filesystems, start a shell on the console.',
  'export PATH=/bin:/sbin:/usr/bin:/usr/sbin',
  'mount -t proc proc /proc',
  'mount -t sysfs sysfs /sys',
  'mount -t devtmpfs devtmpfs /dev',
  'mkdir -p /dev/pts && mount -t devpts devpts /dev/pts',
  '[ -x /etc/init.d/rcS ] && /etc/init.d/rcS',
  '# setsid + cttyhack give the shell a controlling terminal, so job control and ^C work.',
  'while true; do setsid cttyhack /bin/sh; done',
  '',
].join('\n');

export const USERLAND_FILES: readonly UserlandFile[] = [{ path: '/init', content: INIT_SCRIPT }];
