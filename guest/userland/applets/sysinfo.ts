// System information applets: uname, hostname, id, env, free, dmesg, uptime (lspci is in lspci.ts).

import { strftime } from '../libc/calendar';
import { strerror } from '../libc/errno';
import type { Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { options, readInputText } from './common';
import { loadTable, nameOf } from './users';

export function* uname(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'asnrvmpio');
  if (!o) return 1;
  const u = yield* rt.sys.uname();
  if (typeof u === 'number') return 1;
  const all = o.flags.has('a');
  const fields: [string, string][] = [
    ['s', u.sysname], ['n', u.nodename], ['r', u.release], ['v', u.version], ['m', u.machine], ['o', 'GNU/Linux'],
  ];
  let picked = fields.filter(([f]) => all || o.flags.has(f)).map(([, v]) => v);
  if (!all && o.flags.has('p')) picked.push('unknown');
  if (!all && o.flags.has('i')) picked.push('unknown');
  if (picked.length === 0) picked = [u.sysname];
  rt.out.put(`${picked.join(' ')}\n`);
  return 0;
}

export function* hostname(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'sfdiF:');
  if (!o) return 1;
  const name = o.operands[0];
  if (name !== undefined) {
    const r = yield* rt.sys.sethostname(name);
    if (r < 0) {
      yield* rt.error(strerror(r));
      return 1;
    }
    return 0;
  }
  const u = yield* rt.sys.uname();
  if (typeof u === 'number') return 1;
  rt.out.put(`${o.flags.has('s') ? u.nodename.split('.')[0] : u.nodename}\n`);
  return 0;
}

export function* id(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'ugnrG');
  if (!o) return 1;
  const uid = yield* rt.sys.geteuid();
  const gid = yield* rt.sys.getegid();
  const passwd = yield* loadTable(rt, '/etc/passwd');
  const group = yield* loadTable(rt, '/etc/group');
  if (o.flags.has('u') || o.flags.has('g')) {
    const v = o.flags.has('u') ? uid : gid;
    rt.out.put(`${o.flags.has('n') ? nameOf(o.flags.has('u') ? passwd : group, v) : v}\n`);
    return 0;
  }
  rt.out.put(`uid=${uid}(${nameOf(passwd, uid)}) gid=${gid}(${nameOf(group, gid)})\n`);
  return 0;
}

/** env [-i] [-u NAME] [NAME=VALUE]... [COMMAND [ARG]...] */
export function* env(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1);
  const vars = new Map(rt.env);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a === '-') vars.clear();
    else if (a === '-u') vars.delete(args[++i] ?? '');
    else if (a.includes('=') && !a.startsWith('=')) vars.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
    else break;
  }
  const envp = [...vars].map(([k, v]) => `${k}=${v}`);
  if (i >= args.length) {
    for (const e of envp) rt.out.put(`${e}\n`);
    return 0;
  }
  const cmd = args.slice(i);
  yield* rt.flush();
  const path = cmd[0]!.includes('/') ? [cmd[0]!] : (vars.get('PATH') ?? '/sbin:/usr/sbin:/bin:/usr/bin').split(':').map((d) => `${d || '.'}/${cmd[0]}`);
  let r = -2;
  for (const p of path) {
    r = yield* rt.sys.execve(p, cmd, envp);
    if (r !== -2) break;
  }
  yield* rt.error(`can't execute '${cmd[0]}': ${strerror(r)}`);
  return r === -2 ? 127 : 126;
}

function meminfoKb(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key}:\\s+([0-9]+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

export function* free(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'bkmgh');
  if (!o) return 1;
  const si = yield* rt.sys.sysinfo();
  if (typeof si === 'number') return 1;
  const meminfo = (yield* readInputText(rt, '/proc/meminfo')) ?? '';
  const shift = o.flags.has('b') ? 1 : o.flags.has('m') ? 1 / 1024 : o.flags.has('g') ? 1 / 1024 / 1024 : 1 / 1024;
  const unit = (v: number): string => String(Math.floor(v * si.memUnit * shift));
  const kb = (k: number): number => (k * 1024) / si.memUnit;
  const cached = kb((meminfoKb(meminfo, 'Cached') ?? 0) + (meminfoKb(meminfo, 'SReclaimable') ?? 0));
  const buffCache = si.bufferram + cached;
  const used = si.totalram - si.freeram - buffCache;
  const available = meminfoKb(meminfo, 'MemAvailable');
  const col = (s: string): string => s.padStart(12);
  rt.out.put(`${' '.repeat(7)}${['total', 'used', 'free', 'shared', 'buff/cache', 'available'].map(col).join('')}\n`);
  rt.out.put(`${'Mem:'.padEnd(7)}${[si.totalram, used, si.freeram, si.sharedram, buffCache].map((v) => col(unit(v))).join('')}${col(unit(available === undefined ? si.freeram : kb(available)))}\n`);
  rt.out.put(`${'Swap:'.padEnd(7)}${[si.totalswap, si.totalswap - si.freeswap, si.freeswap].map((v) => col(unit(v))).join('')}\n`);
  return 0;
}

export function* dmesg(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'crn:s:');
  if (!o) return 1;
  const log = yield* rt.sys.readKernelLog();
  if (typeof log === 'number') {
    yield* rt.error(`klogctl: ${strerror(log)}`);
    return 1;
  }
  rt.out.put(o.flags.has('r') ? log : log.replace(/^<[0-9]+>/gm, ''));
  if (o.flags.has('c')) yield* rt.sys.raw(116, [5, 0, 0]);
  return 0;
}

export function* uptime(rt: Runtime): Sc<number> {
  const si = yield* rt.sys.sysinfo();
  if (typeof si === 'number') return 1;
  const nowS = Math.floor((yield* rt.sys.clockGettimeNs(0)) / 1e9);
  const hms = strftime('%T', nowS);
  const up = si.uptimeSec;
  const days = Math.floor(up / 86400);
  const h = Math.floor((up % 86400) / 3600);
  const m = Math.floor((up % 3600) / 60);
  const dayText = days > 0 ? `${days} day${days === 1 ? '' : 's'}, ` : '';
  const upText = h > 0 ? `${dayText}${String(h).padStart(2)}:${String(m).padStart(2, '0')}` : `${dayText}${m} min`;
  const load = si.loads.map((l) => (l / 65536).toFixed(2)).join(', ');
  rt.out.put(` ${hms} up ${upText},  0 users,  load average: ${load}\n`);
  return 0;
}
