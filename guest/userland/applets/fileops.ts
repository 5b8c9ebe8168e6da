// File applets: mkdir, rmdir, rm, touch, ln, readlink, chmod, chown, cp, mv. Messages
// follow BusyBox 1.35 ("mkdir: can't create directory 'a': File exists").

import { EEXIST, EISDIR, ENOENT, EXDEV, strerror } from '../libc/errno';
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY, S_IFDIR, S_IFLNK, S_IFMT } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { InStream } from '../libc/stdio';
import type { Sc } from '../libc/sys';
import { basename, options } from './common';
import { applyMode } from './mode';
import { loadTable } from './users';

export function* mkdir(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'pm:v');
  if (!o) return 1;
  const mode = o.values.has('m') ? applyMode(o.values.get('m')!, 0o777) : 0o777;
  if (mode === undefined) {
    yield* rt.error(`invalid mode '${o.values.get('m')}'`);
    return 1;
  }
  let status = 0;
  for (const dir of o.operands) {
    const targets = o.flags.has('p') ? dir.split('/').map((_, i, a) => a.slice(0, i + 1).join('/')).filter((p) => p !== '' && p !== '.') : [dir];
    for (const t of targets) {
      const r = yield* rt.sys.mkdir(t, mode);
      if (r === -EEXIST && o.flags.has('p')) continue;
      if (r < 0) {
        yield* rt.error(`can't create directory '${t}': ${strerror(r)}`);
        status = 1;
        break;
      }
      if (o.values.has('m')) yield* rt.sys.chmod(t, mode);
    }
  }
  return status;
}

export function* rmdir(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'p');
  if (!o) return 1;
  let status = 0;
  for (const dir of o.operands) {
    let d = dir.replace(/\/+$/, '');
    for (;;) {
      const r = yield* rt.sys.rmdir(d);
      if (r < 0) {
        yield* rt.error(`'${d}': ${strerror(r)}`);
        status = 1;
        break;
      }
      if (!o.flags.has('p') || !d.includes('/')) break;
      d = d.slice(0, d.lastIndexOf('/'));
      if (d === '') break;
    }
  }
  return status;
}

function* removeTree(rt: Runtime, path: string, force: boolean): Sc<boolean> {
  const st = yield* rt.sys.lstat(path);
  if (typeof st === 'number') {
    if (force && st === -ENOENT) return true;
    yield* rt.error(`can't remove '${path}': ${strerror(st)}`);
    return false;
  }
  if ((st.mode & S_IFMT) === S_IFDIR) {
    const fd = yield* rt.sys.open(path, O_RDONLY | O_DIRECTORY);
    const ents = fd < 0 ? fd : yield* rt.sys.getdents(fd);
    if (fd >= 0) yield* rt.sys.close(fd);
    let ok = true;
    if (typeof ents !== 'number') {
      for (const e of ents) if (e.name !== '.' && e.name !== '..') ok = (yield* removeTree(rt, `${path}/${e.name}`, force)) && ok;
    }
    const r = yield* rt.sys.rmdir(path);
    if (r < 0) {
      yield* rt.error(`can't remove '${path}': ${strerror(r)}`);
      return false;
    }
    return ok;
  }
  const r = yield* rt.sys.unlink(path);
  if (r < 0) {
    yield* rt.error(`can't remove '${path}': ${strerror(r)}`);
    return false;
  }
  return true;
}

export function* rm(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'rRfiv');
  if (!o) return 1;
  const recursive = o.flags.has('r') || o.flags.has('R');
  const force = o.flags.has('f');
  let status = 0;
  for (const p of o.operands) {
    if (recursive) {
      if (!(yield* removeTree(rt, p, force))) status = 1;
      continue;
    }
    const r = yield* rt.sys.unlink(p);
    if (r === -ENOENT && force) continue;
    if (r === -EISDIR) {
      yield* rt.error(`'${p}' is a directory`);
      status = 1;
    } else if (r < 0) {
      yield* rt.error(`can't remove '${p}': ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

export function* touch(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'c');
  if (!o) return 1;
  let status = 0;
  for (const p of o.operands) {
    let r = yield* rt.sys.touchNow(p);
    if (r === -ENOENT && !o.flags.has('c')) {
      const fd = yield* rt.sys.open(p, O_WRONLY | O_CREAT, 0o666);
      r = fd < 0 ? fd : yield* rt.sys.close(fd);
    }
    if (r < 0 && !(r === -ENOENT && o.flags.has('c'))) {
      yield* rt.error(`${p}: ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

export function* ln(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'sfnv');
  if (!o) return 1;
  const ops = o.operands;
  if (ops.length === 0) {
    yield* rt.error('usage: ln [-sfnv] TARGET... LINK|DIR');
    return 1;
  }
  const target = ops.length === 1 ? ['.'] : ops.slice(-1);
  const sources = ops.length === 1 ? ops : ops.slice(0, -1);
  const dst = target[0]!;
  const dstStat = yield* rt.sys.stat(dst);
  const intoDir = typeof dstStat !== 'number' && (dstStat.mode & S_IFMT) === S_IFDIR && !o.flags.has('n');
  let status = 0;
  for (const src of sources) {
    const link = intoDir ? `${dst}/${basename(src)}` : dst;
    if (o.flags.has('f')) yield* rt.sys.unlink(link);
    const r = o.flags.has('s') ? yield* rt.sys.symlink(src, link) : yield* rt.sys.link(src, link);
    if (r < 0) {
      yield* rt.error(`${link}: ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

/** readlink [-f]: -f canonicalises by walking each component. */
export function* readlink(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'fnv');
  if (!o) return 1;
  const p = o.operands[0];
  if (p === undefined) return 1;
  if (!o.flags.has('f')) {
    const t = yield* rt.sys.readlink(p);
    if (typeof t === 'number') return 1;
    rt.out.put(`${t}${o.flags.has('n') ? '' : '\n'}`);
    return 0;
  }
  const cwd = yield* rt.sys.getcwd();
  const parts = (p.startsWith('/') ? p : `${typeof cwd === 'string' ? cwd : '/'}/${p}`).split('/');
  const out: string[] = [];
  for (let guard = 0; parts.length > 0 && guard < 256; guard++) {
    const c = parts.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      out.pop();
      continue;
    }
    const path = `/${[...out, c].join('/')}`;
    const t = yield* rt.sys.readlink(path);
    if (typeof t === 'string') {
      if (t.startsWith('/')) out.length = 0;
      parts.unshift(...t.split('/'));
    } else out.push(c);
  }
  rt.out.put(`/${out.join('/')}${o.flags.has('n') ? '' : '\n'}`);
  return 0;
}

export function* chmod(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1).filter((a) => a !== '-R' && a !== '-v' && a !== '-f');
  const [spec, ...files] = args;
  if (spec === undefined || files.length === 0) {
    yield* rt.error('usage: chmod [-R] MODE[,MODE]... FILE...');
    return 1;
  }
  let status = 0;
  for (const f of files) {
    const st = yield* rt.sys.stat(f);
    if (typeof st === 'number') {
      yield* rt.error(`${f}: ${strerror(st)}`);
      status = 1;
      continue;
    }
    const mode = applyMode(spec, st.mode);
    if (mode === undefined) {
      yield* rt.error(`invalid mode '${spec}'`);
      return 1;
    }
    const r = yield* rt.sys.chmod(f, mode);
    if (r < 0) {
      yield* rt.error(`${f}: ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

export function* chown(rt: Runtime): Sc<number> {
  const args = rt.argv.slice(1).filter((a) => !/^-[RhfLHPv]+$/.test(a));
  const [spec, ...files] = args;
  if (spec === undefined || files.length === 0) {
    yield* rt.error('usage: chown [-Rh] USER[:[GRP]] FILE...');
    return 1;
  }
  const [user, group] = spec.split(/[:.]/, 2);
  const passwd = yield* loadTable(rt, '/etc/passwd');
  const groups = yield* loadTable(rt, '/etc/group');
  const uid = user === '' || user === undefined ? -1 : /^[0-9]+$/.test(user) ? Number(user) : passwd.byName.get(user);
  const gid = group === undefined || group === '' ? -1 : /^[0-9]+$/.test(group) ? Number(group) : groups.byName.get(group);
  if (uid === undefined) {
    yield* rt.error(`unknown user ${user}`);
    return 1;
  }
  if (gid === undefined) {
    yield* rt.error(`unknown group ${group}`);
    return 1;
  }
  let status = 0;
  for (const f of files) {
    const r = yield* rt.sys.chown(f, uid >>> 0, gid >>> 0);
    if (r < 0) {
      yield* rt.error(`${f}: ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

function* copyFile(rt: Runtime, src: string, dst: string, mode: number): Sc<boolean> {
  const in_ = yield* rt.sys.open(src, O_RDONLY);
  if (in_ < 0) {
    yield* rt.error(`can't open '${src}': ${strerror(in_)}`);
    return false;
  }
  const out = yield* rt.sys.open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 0o7777);
  if (out < 0) {
    yield* rt.sys.close(in_);
    yield* rt.error(`can't create '${dst}': ${strerror(out)}`);
    return false;
  }
  const s = new InStream(rt.sys, in_);
  for (;;) {
    const c = yield* s.chunk();
    if (c.length === 0) break;
    yield* rt.sys.write(out, c);
  }
  yield* rt.sys.close(in_);
  yield* rt.sys.close(out);
  return true;
}

function* copyTree(rt: Runtime, src: string, dst: string, recursive: boolean): Sc<boolean> {
  const st = yield* rt.sys.lstat(src);
  if (typeof st === 'number') {
    yield* rt.error(`can't stat '${src}': ${strerror(st)}`);
    return false;
  }
  const type = st.mode & S_IFMT;
  if (type === S_IFLNK && recursive) {
    const t = yield* rt.sys.readlink(src);
    return typeof t === 'string' && (yield* rt.sys.symlink(t, dst)) >= 0;
  }
  if (type !== S_IFDIR) return yield* copyFile(rt, src, dst, st.mode);
  if (!recursive) {
    yield* rt.error(`omitting directory '${src}'`);
    return false;
  }
  const r = yield* rt.sys.mkdir(dst, st.mode & 0o7777);
  if (r < 0 && r !== -EEXIST) {
    yield* rt.error(`can't create directory '${dst}': ${strerror(r)}`);
    return false;
  }
  const fd = yield* rt.sys.open(src, O_RDONLY | O_DIRECTORY);
  const ents = fd < 0 ? fd : yield* rt.sys.getdents(fd);
  if (fd >= 0) yield* rt.sys.close(fd);
  let ok = true;
  if (typeof ents !== 'number') {
    for (const e of ents) if (e.name !== '.' && e.name !== '..') ok = (yield* copyTree(rt, `${src}/${e.name}`, `${dst}/${e.name}`, true)) && ok;
  }
  return ok;
}

/** Destination for each source: into DIR when the last operand is a directory. */
function* destinations(rt: Runtime, ops: string[]): Sc<[string, string][] | undefined> {
  if (ops.length < 2) {
    yield* rt.error('missing file operand');
    return undefined;
  }
  const dst = ops[ops.length - 1]!;
  const st = yield* rt.sys.stat(dst);
  const isDir = typeof st !== 'number' && (st.mode & S_IFMT) === S_IFDIR;
  if (ops.length > 2 && !isDir) {
    yield* rt.error(`'${dst}' is not a directory`);
    return undefined;
  }
  return ops.slice(0, -1).map((s) => [s, isDir ? `${dst}/${basename(s)}` : dst]);
}

export function* cp(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'rRapfdPLv');
  if (!o) return 1;
  const pairs = yield* destinations(rt, o.operands);
  if (!pairs) return 1;
  const recursive = o.flags.has('r') || o.flags.has('R') || o.flags.has('a');
  let status = 0;
  for (const [s, d] of pairs) if (!(yield* copyTree(rt, s, d, recursive))) status = 1;
  return status;
}

export function* mv(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'fin');
  if (!o) return 1;
  const pairs = yield* destinations(rt, o.operands);
  if (!pairs) return 1;
  let status = 0;
  for (const [s, d] of pairs) {
    const r = yield* rt.sys.rename(s, d);
    if (r === -EXDEV) {
      if ((yield* copyTree(rt, s, d, true)) && (yield* removeTreeQuiet(rt, s))) continue;
      status = 1;
    } else if (r < 0) {
      yield* rt.error(`can't rename '${s}': ${strerror(r)}`);
      status = 1;
    }
  }
  return status;
}

function* removeTreeQuiet(rt: Runtime, p: string): Sc<boolean> {
  return yield* removeTree(rt, p, true);
}
