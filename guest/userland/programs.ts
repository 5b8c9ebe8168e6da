// Every native program of the userland with the paths it is installed at (BusyBox's
// layout: /bin for most applets, /sbin for system ones), for the kernel's registry.

import type { NativeEntry } from '../abi/native';
import { AI_PROGRAMS } from './ai/index';
import { APPLETS } from './applets/index';
import { initMain } from './init';
import { shMain } from './sh/main';
import { program } from './libc/runtime';
import { system1 } from './ai/system1';

export interface UserlandProgram {
  name: string;
  main: NativeEntry;
  paths: string[];
}

const SBIN = new Set(['init', 'mount', 'umount', 'poweroff', 'reboot', 'halt', 'lspci', 'sysctl', 'ifconfig', 'modprobe', 'insmod', 'rmmod', 'lsmod', 'route', 'ip', 'udhcpc', 'httpd']);

export const USERLAND_PROGRAMS: readonly UserlandProgram[] = [
  { name: 'sh', main: shMain, paths: ['/bin/sh', '/bin/ash'] },
  // The native root's /init is a script (./rootfs.ts) run by sh, as in the real initramfs.
  { name: 'init', main: initMain, paths: ['/sbin/init'] },
  ...APPLETS.map(([name, main]) => ({ name, main, paths: [SBIN.has(name) ? `/sbin/${name}` : `/bin/${name}`] })),
  ...AI_PROGRAMS,
  { name: 'system1', main: program(system1), paths: ['/usr/bin/system1'] },
];
