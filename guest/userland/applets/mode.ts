// chmod mode parsing: octal, or symbolic clauses ([ugoa]*[-+=][rwxXst]*), comma-separated.

import { S_IFDIR, S_IFMT } from '../libc/numbers';

/** The new mode, or undefined for an invalid mode string. */
export function applyMode(spec: string, current: number, umask = 0): number | undefined {
  if (/^[0-7]+$/.test(spec)) {
    const v = parseInt(spec, 8);
    return v > 0o7777 ? undefined : v;
  }
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=][rwxXst]*)+$/.exec(clause);
    if (!m) return undefined;
    const who = m[1] === '' ? 'a' : m[1]!;
    let mask = 0;
    if (/[ua]/.test(who)) mask |= 0o4700;
    if (/[ga]/.test(who)) mask |= 0o2070;
    if (/[oa]/.test(who)) mask |= 0o1007;
    const ops = clause.slice(m[1]!.length).match(/[-+=][rwxXst]*/g) ?? [];
    for (const op of ops) {
      let bits = 0;
      for (const p of op.slice(1)) {
        if (p === 'r') bits |= 0o444;
        if (p === 'w') bits |= 0o222;
        if (p === 'x' || (p === 'X' && ((current & S_IFMT) === S_IFDIR || (current & 0o111) !== 0))) bits |= 0o111;
        if (p === 's') bits |= 0o6000;
        if (p === 't') bits |= 0o1000;
      }
      bits &= mask;
      if (m[1] === '') bits &= ~umask;
      if (op[0] === '+') mode |= bits;
      else if (op[0] === '-') mode &= ~bits;
      else mode = (mode & ~mask) | bits;
    }
  }
  return mode;
}
