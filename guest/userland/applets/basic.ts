// Small applets: echo, printf, true, false, yes, seq, basename, dirname, clear, sleep, sync.

import { strftime } from '../libc/calendar';
import { strerror } from '../libc/errno';
import { NR } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { basename, dirname } from './common';
import { echoText, printfText } from './printf-format';

export function* echo(rt: Runtime): Sc<number> {
  rt.out.put(echoText(rt.argv.slice(1)));
  return 0;
}

export function* printf(rt: Runtime): Sc<number> {
  if (rt.argv.length < 2) {
    yield* rt.error('usage: printf FORMAT [ARGUMENT]...');
    return 1;
  }
  const r = printfText(rt.argv[1]!, rt.argv.slice(2));
  rt.out.put(r.out);
  for (const e of r.errors) yield* rt.error(e);
  return r.status;
}

export function* trueMain(): Sc<number> {
  return 0;
}

export function* falseMain(): Sc<number> {
  return 1;
}

/** yes [STRING...]: until the write fails (EPIPE / SIGPIPE ends it). */
export function* yes(rt: Runtime): Sc<number> {
  const line = `${rt.argv.length > 1 ? rt.argv.slice(1).join(' ') : 'y'}\n`;
  const block = line.repeat(Math.max(1, Math.floor(4096 / line.length)));
  for (;;) {
    rt.out.put(block);
    yield* rt.out.flush();
    if (rt.out.error !== 0) return 1;
  }
}

export function* seq(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1);
  let sep = '\n';
  let width = false;
  while (args[0] === '-s' || args[0] === '-w') {
    if (args.shift() === '-s') sep = args.shift() ?? '\n';
    else width = true;
  }
  const nums = args.map(Number);
  if (nums.length < 1 || nums.length > 3 || nums.some((n) => !Number.isFinite(n))) {
    yield* rt.error(nums.length === 0 ? 'usage: seq [-w] [-s SEP] [FIRST [INC]] LAST' : `invalid number '${args.find((a) => !Number.isFinite(Number(a)))}'`);
    return 1;
  }
  const [first, inc, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  const decimals = Math.max(...args.map((a) => (a.includes('.') ? a.length - a.indexOf('.') - 1 : 0)));
  const fmt = (v: number): string => v.toFixed(decimals);
  const w = width ? Math.max(fmt(first).length, fmt(last).length) : 0;
  const out: string[] = [];
  for (let v = first, i = 0; inc > 0 ? v <= last : v >= last; i++, v = first + i * inc) {
    if (inc === 0 || out.length > 10_000_000) break;
    out.push(fmt(v).padStart(w, '0'));
    if (out.length % 1024 === 0) {
      rt.out.put(out.splice(0).join(sep) + sep);
      yield* rt.out.flush();
      if (rt.out.error !== 0) return 1;
    }
  }
  if (out.length > 0) rt.out.put(out.join(sep) + '\n');
  return 0;
}

export function* basenameMain(rt: Runtime): Sc<number> {
  const [p, suffix] = rt.argv.slice(1);
  if (p === undefined) {
    yield* rt.error('usage: basename FILE [SUFFIX]');
    return 1;
  }
  let b = basename(p);
  if (suffix !== undefined && b !== suffix && b.endsWith(suffix)) b = b.slice(0, -suffix.length);
  rt.out.put(`${b}\n`);
  return 0;
}

export function* dirnameMain(rt: Runtime): Sc<number> {
  const p = rt.argv[1];
  if (p === undefined) {
    yield* rt.error('usage: dirname FILENAME');
    return 1;
  }
  rt.out.put(`${dirname(p)}\n`);
  return 0;
}

export function* clear(rt: Runtime): Sc<number> {
  rt.out.put('\x1b[H\x1b[J');
  return 0;
}

/** sleep N[smhd]... (fractions allowed, as BusyBox's FANCY_SLEEP). */
export function* sleep(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1);
  if (args.length === 0) {
    yield* rt.error('usage: sleep [N]...');
    return 1;
  }
  let ns = 0;
  for (const a of args) {
    const m = /^([0-9]*\.?[0-9]+)([smhd]?)$/.exec(a);
    if (!m) {
      yield* rt.error(`invalid number '${a}'`);
      return 1;
    }
    const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    ns += Number(m[1]) * mult * 1e9;
  }
  const r = yield* rt.sys.nanosleep(Math.round(ns));
  return r < 0 ? 1 : 0;
}

export function* sync(rt: Runtime): Sc<number> {
  yield* rt.sys.raw(NR.sync, []);
  return 0;
}


/** date [-u] [-d @SECONDS] [+FORMAT]: UTC, from CLOCK_REALTIME (the virtual clock). */
export function* date(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1);
  let sec = Math.floor((yield* rt.sys.clockGettimeNs(0)) / 1e9);
  let fmt = '%a %b %e %H:%M:%S %Z %Y';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-u' || a === '-R') continue;
    if (a === '-d' && /^@-?[0-9]+$/.test(args[i + 1] ?? '')) sec = Number(args[++i]!.slice(1));
    else if (a.startsWith('+')) fmt = a.slice(1);
    else {
      yield* rt.error(`invalid date '${a}'`);
      return 1;
    }
  }
  rt.out.put(`${strftime(fmt, sec)}\n`);
  return 0;
}

export function* pwd(rt: Runtime): Sc<number> {
  const cwd = yield* rt.sys.getcwd();
  if (typeof cwd === 'number') {
    yield* rt.error(`getcwd: ${strerror(cwd)}`);
    return 1;
  }
  rt.out.put(`${cwd}\n`);
  return 0;
}
