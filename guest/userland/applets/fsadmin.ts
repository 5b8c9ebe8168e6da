// File-system applets: mount, umount, df, du, stat.

import { strftime } from '../libc/calendar';
import { strerror } from '../libc/errno';
import { O_DIRECTORY, O_RDONLY, S_IFDIR, S_IFMT } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Stat } from '../libc/structs';
import type { Sc } from '../libc/sys';
import { options, readInputText, splitLines } from './common';
import { modeString } from './ls-format';
import { loadTable, nameOf } from './users';

const MOUNT_FLAGS: Readonly<Record<string, number>> = { ro: 1, nosuid: 2, nodev: 4, noexec: 8, remount: 32, bind: 4096 };

interface MountEntry {
  source: string;
  target: string;
  type: string;
  opts: string;
}

function parseMounts(text: string): MountEntry[] {
  return splitLines(text).map((l) => l.split(' ')).filter((f) => f.length >= 4)
    .map((f) => ({ source: f[0]!, target: f[1]!, type: f[2]!, opts: f[3]! }));
}

export function* mount(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 't:o:arwfnv');
  if (!o) return 1;
  if (o.operands.length === 0) {
    const text = yield* readInputText(rt, '/proc/mounts');
    if (text === undefined) return 1;
    for (const m of parseMounts(text)) rt.out.put(`${m.source} on ${m.target} type ${m.type} (${m.opts})\n`);
    return 0;
  }
  let flags = o.flags.has('r') ? 1 : 0;
  const data: string[] = [];
  for (const opt of (o.values.get('o') ?? '').split(',').filter(Boolean)) {
    if (MOUNT_FLAGS[opt] !== undefined) flags |= MOUNT_FLAGS[opt]!;
    else if (opt !== 'rw' && opt !== 'defaults') data.push(opt);
  }
  const [source, target] = o.operands.length === 1 ? ['none', o.operands[0]!] : [o.operands[0]!, o.operands[1]!];
  const type = o.values.get('t') ?? (source === 'proc' ? 'proc' : 'auto');
  const r = type === 'auto' ? yield* mountAuto(rt, source, target, flags, data.join(',')) : yield* rt.sys.mount(source, target, type, flags, data.join(','));
  if (r < 0) {
    yield* rt.error(`mounting ${source} on ${target} failed: ${strerror(r)}`);
    return 255;
  }
  return 0;
}

/** No -t: BusyBox tries each block filesystem /proc/filesystems lists (the lines without `nodev`). */
function* mountAuto(rt: Runtime, source: string, target: string, flags: number, data: string): Sc<number> {
  const text = (yield* readInputText(rt, '/proc/filesystems')) ?? '';
  let r = -19;
  for (const line of text.split('\n')) {
    if (line.startsWith('nodev') || line.trim() === '') continue;
    r = yield* rt.sys.mount(source, target, line.trim(), flags, data);
    if (r === 0) return 0;
  }
  return r;
}

export function* umount(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'flrna');
  if (!o) return 1;
  let status = 0;
  for (const t of o.operands) {
    const r = yield* rt.sys.umount(t, o.flags.has('l') ? 2 : o.flags.has('f') ? 1 : 0);
    if (r < 0) {
      yield* rt.error(`can't unmount ${t}: ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

export function* df(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'kPahmT');
  if (!o) return 1;
  const text = yield* readInputText(rt, '/proc/mounts');
  if (text === undefined) return 1;
  const wanted = o.operands;
  rt.out.put('Filesystem           1K-blocks      Used Available Use% Mounted on\n');
  for (const m of parseMounts(text)) {
    if (wanted.length > 0 && !wanted.includes(m.target)) continue;
    const s = yield* rt.sys.statfs(m.target);
    if (typeof s === 'number' || (s.blocks === 0 && !o.flags.has('a'))) continue;
    const k = (n: number): number => Math.floor((n * s.bsize) / 1024);
    const used = s.blocks - s.bfree;
    const pct = used + s.bavail === 0 ? 0 : Math.ceil((used * 100) / (used + s.bavail));
    rt.out.put(`${m.source.padEnd(20)} ${String(k(s.blocks)).padStart(9)} ${String(k(used)).padStart(9)} ${String(k(s.bavail)).padStart(9)} ${String(pct).padStart(3)}% ${m.target}\n`);
  }
  return 0;
}

function* duWalk(rt: Runtime, path: string, depth: number, o: { summary: boolean; all: boolean }): Sc<number> {
  const st = yield* rt.sys.lstat(path);
  if (typeof st === 'number') {
    yield* rt.error(`${path}: ${strerror(st)}`);
    return 0;
  }
  let kb = Math.ceil(st.blocks / 2);
  if ((st.mode & S_IFMT) === S_IFDIR && depth < 256) {
    const fd = yield* rt.sys.open(path, O_RDONLY | O_DIRECTORY);
    const ents = fd < 0 ? fd : yield* rt.sys.getdents(fd);
    if (fd >= 0) yield* rt.sys.close(fd);
    if (typeof ents !== 'number') {
      for (const e of ents) if (e.name !== '.' && e.name !== '..') kb += yield* duWalk(rt, `${path}/${e.name}`, depth + 1, o);
    }
    if (!o.summary || depth === 0) rt.out.put(`${kb}\t${path}\n`);
  } else if (o.all || depth === 0) rt.out.put(`${kb}\t${path}\n`);
  return kb;
}

export function* du(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'sakhmcd:');
  if (!o) return 1;
  for (const p of o.operands.length === 0 ? ['.'] : o.operands) yield* duWalk(rt, p, 0, { summary: o.flags.has('s'), all: o.flags.has('a') });
  return 0;
}

function fileType(mode: number): string {
  const t = mode & S_IFMT;
  return ({ [0o040000]: 'directory', [0o100000]: 'regular file', [0o120000]: 'symbolic link', [0o020000]: 'character special file', [0o060000]: 'block special file', [0o010000]: 'fifo', [0o140000]: 'socket' } as Record<number, string>)[t] ?? 'unknown';
}

function isoTime(sec: number, nsec: number): string {
  return strftime('%Y-%m-%d %H:%M:%S.%N %z', sec, nsec);
}

export function statFormat(fmt: string, name: string, st: Stat, user: string, group: string): string {
  return fmt.replace(/%(-?)(0?)([0-9]*)([%nsaAFhiugUGyYxXzZbBdDo])/g, (_, left: string, zero: string, width: string, c: string) => {
    const v = statField(c, name, st, user, group);
    const w = Number(width || 0);
    return left ? v.padEnd(w) : v.padStart(w, zero ? '0' : ' ');
  });
}

function statField(c: string, name: string, st: Stat, user: string, group: string): string {
  switch (c) {
    case '%': return '%';
    case 'n': return name;
    case 's': return String(st.sizeBytes);
    case 'a': return (st.mode & 0o7777).toString(8);
    case 'A': return modeString(st.mode);
    case 'F': return fileType(st.mode);
    case 'h': return String(st.nlink);
    case 'i': return String(st.ino);
    case 'u': return String(st.uid);
    case 'g': return String(st.gid);
    case 'U': return user;
    case 'G': return group;
    case 'b': return String(st.blocks);
    case 'B': return '512';
    case 'o': return String(st.blksize);
    case 'd': return String(st.dev);
    case 'D': return st.dev.toString(16);
    case 'x': return isoTime(st.atimeSec, st.atimeNsec);
    case 'y': return isoTime(st.mtimeSec, st.mtimeNsec);
    case 'z': return isoTime(st.ctimeSec, st.ctimeNsec);
    case 'X': return String(st.atimeSec);
    case 'Y': return String(st.mtimeSec);
    default: return String(st.ctimeSec);
  }
}

export function* stat(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'c:Lft');
  if (!o) return 1;
  const passwd = yield* loadTable(rt, '/etc/passwd');
  const group = yield* loadTable(rt, '/etc/group');
  let status = 0;
  for (const f of o.operands) {
    const st = o.flags.has('L') ? yield* rt.sys.stat(f) : yield* rt.sys.lstat(f);
    if (typeof st === 'number') {
      yield* rt.error(`can't stat '${f}': ${strerror(st)}`);
      status = 1;
      continue;
    }
    const user = nameOf(passwd, st.uid);
    const grp = nameOf(group, st.gid);
    const fmt = o.values.get('c');
    if (fmt !== undefined) {
      rt.out.put(`${statFormat(fmt, f, st, user, grp)}\n`);
      continue;
    }
    rt.out.put(statFormat(
      `  File: %n\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Dh/%dd\tInode: %-10i  Links: %h\n` +
      `Access: (%04a/%A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n`, f, st, user, grp,
    ));
  }
  return status;
}
