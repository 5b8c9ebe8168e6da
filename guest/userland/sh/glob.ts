// Pathname expansion (XCU 2.13.3): each slash-separated component with pattern characters
// is matched against a directory listing; names starting with '.' match only an explicit
// leading dot. Results are sorted, as ash sorts them.

import { O_CLOEXEC, O_DIRECTORY, O_RDONLY, S_IFDIR, S_IFMT } from '../libc/numbers';
import type { Sc, Sys } from '../libc/sys';
import { hasGlobChars, patternMatch, unescapePattern } from './pattern';

/** Bound on the number of directories one pattern may open. */
const MAX_DIRS = 4096;

function* listDir(sys: Sys, dir: string): Sc<string[]> {
  const fd = yield* sys.open(dir === '' ? '.' : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return [];
  const ents = yield* sys.getdents(fd);
  yield* sys.close(fd);
  return typeof ents === 'number' ? [] : ents.map((e) => e.name);
}

export function* globPattern(sys: Sys, pattern: string): Sc<string[]> {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let paths: string[] = [absolute ? '/' : ''];
  let opened = 0;
  for (const [k, part] of parts.entries()) {
    if (part === '' && k === 0) continue;
    const next: string[] = [];
    for (const base of paths) {
      const prefix = base === '' ? '' : base.endsWith('/') ? base : `${base}/`;
      if (!hasGlobChars(part)) {
        next.push(prefix + unescapePattern(part));
        continue;
      }
      if (++opened > MAX_DIRS) return [];
      const names = yield* listDir(sys, base);
      for (const name of names) {
        if (name === '.' || name === '..') continue;
        if (name.startsWith('.') && !part.startsWith('.') && !part.startsWith('\\.')) continue;
        if (patternMatch(part, name)) next.push(prefix + name);
      }
    }
    paths = next;
    if (paths.length === 0) return [];
  }
  // Literal components after a glob may name nothing; keep only paths that exist, and
  // only directories when the pattern ends in a slash.
  const dirsOnly = pattern.endsWith('/');
  const out: string[] = [];
  for (const p of paths) {
    const st = dirsOnly ? yield* sys.stat(p) : yield* sys.lstat(p);
    if (typeof st === 'number') continue;
    if (!dirsOnly) out.push(p);
    else if ((st.mode & S_IFMT) === S_IFDIR) out.push(`${p}/`);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
