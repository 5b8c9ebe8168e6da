// ls: BusyBox 1.35's listing — one name per line when stdout is not a terminal, columns
// when it is; -l long format with BusyBox's widths; directories listed after files with
// "name:" headers when there are several operands.

import { strerror } from '../libc/errno';
import { O_DIRECTORY, O_RDONLY, S_IFDIR, S_IFLNK, S_IFMT } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Stat } from '../libc/structs';
import type { Sc } from '../libc/sys';
import { options } from './common';
import { columns, longLine } from './ls-format';
import { loadTable, nameOf } from './users';
import type { NameTable } from './users';

interface Entry {
  name: string;
  path: string;
  st: Stat;
  linkTarget?: string;
}

interface LsContext {
  rt: Runtime;
  flags: Map<string, number>;
  tty: boolean;
  width: number;
  nowSec: number;
  passwd: NameTable;
  group: NameTable;
}

function* terminalWidth(rt: Runtime): Sc<number> {
  const buf = yield* rt.sys.ioctlWinsize(1);
  return buf === undefined || buf.cols === 0 ? 80 : buf.cols;
}

function sortEntries(ents: Entry[], flags: Map<string, number>): Entry[] {
  const byName = (a: Entry, b: Entry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  let cmp = byName;
  if (flags.has('t')) cmp = (a, b) => b.st.mtimeSec - a.st.mtimeSec || byName(a, b);
  if (flags.has('S')) cmp = (a, b) => b.st.sizeBytes - a.st.sizeBytes || byName(a, b);
  const sorted = [...ents].sort(cmp);
  return flags.has('r') ? sorted.reverse() : sorted;
}

function suffix(e: Entry, flags: Map<string, number>): string {
  const t = e.st.mode & S_IFMT;
  if (flags.has('F')) {
    if (t === S_IFDIR) return '/';
    if (t === S_IFLNK) return '@';
    if (e.st.mode & 0o111) return '*';
  } else if (flags.has('p') && t === S_IFDIR) return '/';
  return '';
}

function cell(c: LsContext, e: Entry): string {
  let s = '';
  if (c.flags.has('i')) s += `${String(e.st.ino).padStart(8)} `;
  if (c.flags.has('s')) s += `${String(Math.ceil(e.st.blocks / 2)).padStart(4)} `;
  return s + e.name + suffix(e, c.flags);
}

function* printEntries(c: LsContext, ents: Entry[]): Sc<void> {
  const sorted = sortEntries(ents, c.flags);
  if (c.flags.has('l') || c.flags.has('n')) {
    for (const e of sorted) {
      const prefix = (c.flags.has('i') ? `${String(e.st.ino).padStart(8)} ` : '') + (c.flags.has('s') ? `${String(Math.ceil(e.st.blocks / 2)).padStart(4)} ` : '');
      const numeric = c.flags.has('n');
      const line = longLine({
        mode: e.st.mode, nlink: e.st.nlink, sizeBytes: e.st.sizeBytes, rdev: e.st.rdev, mtimeSec: e.st.mtimeSec,
        owner: numeric ? String(e.st.uid) : nameOf(c.passwd, e.st.uid),
        group: numeric ? String(e.st.gid) : nameOf(c.group, e.st.gid),
        name: e.name + suffix(e, c.flags),
        human: c.flags.has('h'),
        ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
      }, c.nowSec);
      c.rt.out.put(`${prefix}${line}\n`);
    }
    return;
  }
  const cells = sorted.map((e) => cell(c, e));
  if (!c.tty || c.flags.has('1')) for (const s of cells) c.rt.out.put(`${s}\n`);
  else c.rt.out.put(columns(cells, c.width));
}

function* entryFor(c: LsContext, name: string, path: string): Sc<Entry | number> {
  const st = yield* c.rt.sys.lstat(path);
  if (typeof st === 'number') return st;
  const e: Entry = { name, path, st };
  if ((st.mode & S_IFMT) === S_IFLNK && (c.flags.has('l') || c.flags.has('n'))) {
    const t = yield* c.rt.sys.readlink(path);
    if (typeof t === 'string') e.linkTarget = t;
  }
  return e;
}

function* listDir(c: LsContext, dir: string): Sc<Entry[] | number> {
  const fd = yield* c.rt.sys.open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return fd;
  const ents = yield* c.rt.sys.getdents(fd);
  yield* c.rt.sys.close(fd);
  if (typeof ents === 'number') return ents;
  const out: Entry[] = [];
  for (const d of ents) {
    const hidden = d.name.startsWith('.');
    if (hidden && !c.flags.has('a') && !c.flags.has('A')) continue;
    if ((d.name === '.' || d.name === '..') && !c.flags.has('a')) continue;
    const e = yield* entryFor(c, d.name, dir.endsWith('/') ? dir + d.name : `${dir}/${d.name}`);
    if (typeof e !== 'number') out.push(e);
  }
  return out;
}

function blocksTotal(ents: Entry[]): number {
  return ents.reduce((n, e) => n + Math.ceil(e.st.blocks / 2), 0);
}

export function* ls(rt: Runtime): Sc<number> {
  const o = yield* options(rt, '1aAdilnsrtSFpRh');
  if (!o) return 1;
  const tty = yield* rt.sys.isatty(1);
  const c: LsContext = {
    rt, flags: o.flags, tty, width: tty ? yield* terminalWidth(rt) : 80,
    nowSec: Math.floor((yield* rt.sys.clockGettimeNs(0)) / 1e9),
    passwd: yield* loadTable(rt, '/etc/passwd'), group: yield* loadTable(rt, '/etc/group'),
  };
  const operands = o.operands.length === 0 ? ['.'] : o.operands;
  let status = 0;
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const p of operands) {
    const e = yield* entryFor(c, p, p);
    if (typeof e === 'number') {
      yield* rt.error(`${p}: ${strerror(e)}`);
      status = 1;
      continue;
    }
    let isDir = (e.st.mode & S_IFMT) === S_IFDIR;
    if (!isDir && (e.st.mode & S_IFMT) === S_IFLNK && !o.flags.has('l') && !o.flags.has('d')) {
      const target = yield* rt.sys.stat(p);
      isDir = typeof target !== 'number' && (target.mode & S_IFMT) === S_IFDIR;
    }
    if (isDir && !o.flags.has('d')) dirs.push(e);
    else files.push(e);
  }
  yield* printEntries(c, files);
  const headers = operands.length > 1 || o.flags.has('R');
  let first = files.length === 0;
  const queue = sortEntries(dirs, o.flags);
  for (let guard = 0; queue.length > 0 && guard < 100_000; guard++) {
    const d = queue.shift()!;
    const ents = yield* listDir(c, d.path);
    if (typeof ents === 'number') {
      yield* rt.error(`${d.path}: ${strerror(ents)}`);
      status = 1;
      continue;
    }
    if (headers) rt.out.put(`${first ? '' : '\n'}${d.path}:\n`);
    first = false;
    if (o.flags.has('l') || o.flags.has('n') || o.flags.has('s')) rt.out.put(`total ${blocksTotal(ents)}\n`);
    yield* printEntries(c, ents);
    if (o.flags.has('R')) {
      const subdirs = sortEntries(ents, o.flags).filter((e) => (e.st.mode & S_IFMT) === S_IFDIR && e.name !== '.' && e.name !== '..');
      queue.unshift(...subdirs);
    }
  }
  return status;
}
