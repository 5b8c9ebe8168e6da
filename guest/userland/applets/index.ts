// The applet table: name → program, in a fixed order (the install order in /bin, /sbin).

import type { NativeEntry } from '../../abi/native';
import { program } from '../libc/runtime';
import type { Main } from '../libc/runtime';
import * as basic from './basic';
import { dd } from './dd';
import * as files from './fileops';
import * as filters from './filters';
import { find, xargs } from './find';
import * as fsadmin from './fsadmin';
import { grep } from './grep';
import { ls } from './ls';
import * as power from './power';
import * as procps from './procps';
import * as sysinfo from './sysinfo';
import { cttyhack, setsid } from './session';
import * as lspci from './lspci';
import { twinboxHw } from './hw';
import { MODULE_APPLETS } from './modprobe';
import { twinboxVm } from './vm';
import * as view from './view';
import { NET_MAINS } from './net/index';

const MAINS: ReadonlyArray<readonly [string, Main]> = [
  ['echo', basic.echo],
  ['printf', basic.printf],
  ['true', basic.trueMain],
  ['false', basic.falseMain],
  ['yes', basic.yes],
  ['seq', basic.seq],
  ['basename', basic.basenameMain],
  ['dirname', basic.dirnameMain],
  ['clear', basic.clear],
  ['sleep', basic.sleep],
  ['sync', basic.sync],
  ['date', basic.date],
  ['pwd', basic.pwd],
  ['cat', view.cat],
  ['head', view.head],
  ['tail', view.tail],
  ['tee', view.tee],
  ['wc', view.wc],
  ['ls', ls],
  ['ps', procps.ps],
  ['kill', procps.kill],
  ['poweroff', power.poweroff],
  ['reboot', power.reboot],
  ['halt', power.halt],
  ['mkdir', files.mkdir],
  ['rmdir', files.rmdir],
  ['rm', files.rm],
  ['touch', files.touch],
  ['ln', files.ln],
  ['readlink', files.readlink],
  ['chmod', files.chmod],
  ['chown', files.chown],
  ['cp', files.cp],
  ['mv', files.mv],
  ['sort', filters.sort],
  ['uniq', filters.uniq],
  ['cut', filters.cut],
  ['tr', filters.tr],
  ['sed', filters.sed],
  ['grep', grep],
  ['egrep', grep],
  ['find', find],
  ['xargs', xargs],
  ['dd', dd],
  ['mount', fsadmin.mount],
  ['umount', fsadmin.umount],
  ['df', fsadmin.df],
  ['du', fsadmin.du],
  ['stat', fsadmin.stat],
  ['uname', sysinfo.uname],
  ['hostname', sysinfo.hostname],
  ['id', sysinfo.id],
  ['env', sysinfo.env],
  ['setsid', setsid],
  ['cttyhack', cttyhack],
  ['free', sysinfo.free],
  ['dmesg', sysinfo.dmesg],
  ['uptime', sysinfo.uptime],
  ['lspci', lspci.lspci],
  ['twinbox-hw', twinboxHw],
  ...NET_MAINS,
];

export const APPLETS: ReadonlyArray<readonly [string, NativeEntry]> = [
  ...MAINS.map(([name, main]) => [name, program(main)] as const),
  ...MODULE_APPLETS,
  ['twinbox-vm', twinboxVm],
];
