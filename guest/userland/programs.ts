// Every native program of the userland with the paths it is installed at (BusyBox's
// layout: /bin for most applets, /sbin for system ones), for the kernel's registry.

import type { NativeEntry } from '../abi/native';
import { APPLETS } from './applets/index';
import { initMain } from './init';
import { shMain } from './sh/main';

export interface UserlandProgram {
  name: string;
  main: NativeEntry;
  paths: string[];
}

const SBIN = new Set(['init', 'mount', 'umount', 'poweroff', 'reboot', 'halt', 'lspci', 'sysctl', 'ifconfig']);

export const USERLAND_PROGRAMS: readonly UserlandProgram[] = [
  { name: 'sh', main: shMain, paths: ['/bin/sh', '/bin/ash'] },
  { name: 'init', main: initMain, paths: ['/sbin/init'] },
  ...APPLETS.map(([name, main]) => ({ name, main, paths: [SBIN.has(name) ? `/sbin/${name}` : `/bin/${name}`] })),
];
