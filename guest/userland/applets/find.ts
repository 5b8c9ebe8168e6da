// find (paths, -name, -iname, -type, -maxdepth, -mindepth, -print, -exec ... ;) and xargs.

import { strerror } from '../libc/errno';
import { O_DIRECTORY, O_RDONLY, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { shellStatus } from '../libc/structs';
import type { Sc } from '../libc/sys';
import { patternMatch } from '../sh/pattern';
import { readInputText } from './common';

type Test = { kind: 'name'; pat: string; fold: boolean } | { kind: 'type'; type: string } | { kind: 'exec'; argv: string[] } | { kind: 'print' };

interface FindSpec {
  paths: string[];
  tests: Test[];
  maxDepth: number;
  minDepth: number;
}

export function parseFind(args: readonly string[]): FindSpec | string {
  const spec: FindSpec = { paths: [], tests: [], maxDepth: Infinity, minDepth: 0 };
  let i = 0;
  while (i < args.length && !args[i]!.startsWith('-')) spec.paths.push(args[i++]!);
  if (spec.paths.length === 0) spec.paths.push('.');
  while (i < args.length) {
    const a = args[i++]!;
    const v = args[i];
    if (a === '-print') spec.tests.push({ kind: 'print' });
    else if (a === '-exec') {
      const end = args.indexOf(';', i);
      if (end < 0) return "-exec requires an argument";
      spec.tests.push({ kind: 'exec', argv: args.slice(i, end) });
      i = end + 1;
    } else if (v === undefined) return `missing argument to '${a}'`;
    else if (a === '-name' || a === '-iname') spec.tests.push({ kind: 'name', pat: v, fold: a === '-iname' }), i++;
    else if (a === '-type') spec.tests.push({ kind: 'type', type: v }), i++;
    else if (a === '-maxdepth') spec.maxDepth = Number(v), i++;
    else if (a === '-mindepth') spec.minDepth = Number(v), i++;
    else return `unrecognized: ${a}`;
  }
  return spec;
}

function typeLetter(mode: number): string {
  const t = mode & S_IFMT;
  return t === S_IFDIR ? 'd' : t === S_IFREG ? 'f' : t === S_IFLNK ? 'l' : t === 0o020000 ? 'c' : t === 0o060000 ? 'b' : t === 0o010000 ? 'p' : 's';
}

function* runExec(rt: Runtime, argv: string[], path: string): Sc<boolean> {
  const cmd = argv.map((a) => a.replace(/\{\}/g, path));
  return (yield* spawnWait(rt, cmd)) === 0;
}

/** fork + execve (PATH search) + wait: the command's shell status. */
export function* spawnWait(rt: Runtime, cmd: string[]): Sc<number> {
  yield* rt.flush();
  const sys = rt.sys;
  const envp = rt.envp();
  const dirs = cmd[0]!.includes('/') ? [''] : (rt.env.get('PATH') ?? '/sbin:/usr/sbin:/bin:/usr/bin').split(':');
  const pid = yield* sys.fork(function* (ctx) {
    const child = sys.forChild(ctx.mem);
    let r = -2;
    for (const d of dirs) {
      r = yield* child.execve(d === '' ? cmd[0]! : `${d}/${cmd[0]}`, cmd, envp);
      if (r !== -2) break;
    }
    yield* child.write(2, new TextEncoder().encode(`${rt.name}: can't execute '${cmd[0]}': ${strerror(r)}\n`));
    yield* child.exit(r === -2 ? 127 : 126);
    return 127;
  });
  if (pid < 0) return 127;
  const w = yield* sys.wait4(pid, 0);
  return typeof w === 'number' ? 127 : shellStatus(w.status);
}

function* visit(rt: Runtime, spec: FindSpec, path: string, depth: number): Sc<boolean> {
  const st = yield* rt.sys.lstat(path);
  if (typeof st === 'number') {
    yield* rt.error(`${path}: ${strerror(st)}`);
    return false;
  }
  if (depth >= spec.minDepth) {
    let ok = true;
    let printed = false;
    for (const t of spec.tests) {
      if (!ok) break;
      if (t.kind === 'name') {
        const base = path === '/' ? '/' : path.replace(/\/+$/, '').slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1);
        ok = t.fold ? patternMatch(t.pat.toLowerCase(), base.toLowerCase()) : patternMatch(t.pat, base);
      } else if (t.kind === 'type') ok = typeLetter(st.mode) === t.type;
      else if (t.kind === 'print') {
        rt.out.put(`${path}\n`);
        printed = true;
      } else {
        ok = yield* runExec(rt, t.argv, path);
        printed = true;
      }
    }
    if (ok && !printed && !spec.tests.some((t) => t.kind === 'print' || t.kind === 'exec')) rt.out.put(`${path}\n`);
  }
  let good = true;
  if ((st.mode & S_IFMT) === S_IFDIR && depth < spec.maxDepth && depth < 256) {
    const fd = yield* rt.sys.open(path, O_RDONLY | O_DIRECTORY);
    const ents = fd < 0 ? fd : yield* rt.sys.getdents(fd);
    if (fd >= 0) yield* rt.sys.close(fd);
    if (typeof ents === 'number') {
      yield* rt.error(`${path}: ${strerror(ents)}`);
      return false;
    }
    for (const e of ents) {
      if (e.name === '.' || e.name === '..') continue;
      good = (yield* visit(rt, spec, path.endsWith('/') ? path + e.name : `${path}/${e.name}`, depth + 1)) && good;
    }
  }
  return good;
}

export function* find(rt: Runtime): Sc<number> {
  const spec = parseFind(rt.argv.slice(1));
  if (typeof spec === 'string') {
    yield* rt.error(spec);
    return 1;
  }
  let status = 0;
  for (const p of spec.paths) if (!(yield* visit(rt, spec, p, 0))) status = 1;
  return status;
}

export function* xargs(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1);
  let maxArgs = Infinity;
  while (args[0] === '-n' || args[0] === '-t' || args[0] === '-r') {
    const f = args.shift();
    if (f === '-n') maxArgs = Number(args.shift() ?? 'x');
  }
  const cmd = args.length === 0 ? ['echo'] : args;
  const text = yield* readInputText(rt, '-');
  if (text === undefined) return 1;
  const words = text.split(/[ \t\n]+/).filter((w) => w !== '');
  let status = 0;
  for (let i = 0; i === 0 || i < words.length; i += maxArgs) {
    const chunk = words.slice(i, i + (Number.isFinite(maxArgs) ? maxArgs : words.length));
    const st = yield* spawnWait(rt, [...cmd, ...chunk]);
    if (st !== 0) status = st === 127 ? 127 : 123;
    if (words.length === 0) break;
  }
  return status;
}
