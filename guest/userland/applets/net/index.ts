// The network applets, in install order; applets/index.ts appends them to the applet table.

import type { Main } from '../../libc/runtime';
import { httpd } from './httpd';
import { ifconfig } from './ifconfig';
import { ip } from './ip';
import { route } from './route';
import { udhcpc } from './udhcpc';
import { nc } from './nc';
import { nslookup } from './nslookup';
import { ping } from './ping';
import { wget } from './wget';

export const NET_MAINS: ReadonlyArray<readonly [string, Main]> = [
  ['ping', ping],
  ['wget', wget],
  ['nc', nc],
  ['nslookup', nslookup],
  ['httpd', httpd],
  ['ip', ip],
  ['udhcpc', udhcpc],
  ['ifconfig', ifconfig],
  ['route', route],
];
