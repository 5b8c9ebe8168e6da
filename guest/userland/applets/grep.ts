// grep -i -v -c -n -q -l -h -H -s -E -F -w -x -o -e PATTERN.

import { strerror } from '../libc/errno';
import type { Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';
import { options, splitLines } from './common';
import { posixToJs } from './regex';
import { InStream } from '../libc/stdio';

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export function* grep(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'ivcnqlLhHsEFwxoe:f:r');
  if (!o) return 1;
  const operands = [...o.operands];
  const patterns = o.lists.has('e') ? [...o.lists.get('e')!] : operands.length > 0 ? [operands.shift()!] : [];
  if (patterns.length === 0) {
    yield* rt.error('usage: grep [-HhnlLoqvsriwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...');
    return 2;
  }
  const extended = o.flags.has('E') || rt.name === 'egrep';
  const fixed = o.flags.has('F');
  const sources = patterns.flatMap((p) => p.split('\n')).map((p) => (fixed ? escapeLiteral(p) : posixToJs(p, extended)));
  let src = sources.join('|');
  if (o.flags.has('w')) src = `\\b(?:${src})\\b`;
  if (o.flags.has('x')) src = `^(?:${src})$`;
  let re: RegExp;
  try {
    re = new RegExp(src, o.flags.has('i') ? 'i' : '');
  } catch {
    yield* rt.error(`bad regex '${patterns[0]}'`);
    return 2;
  }
  const files = operands.length === 0 ? ['-'] : operands;
  const showName = (files.length > 1 || o.flags.has('H')) && !o.flags.has('h');
  let matchedAny = false;
  let error = false;
  for (const f of files) {
    const fd = f === '-' ? 0 : yield* rt.sys.open(f, 0);
    if (fd < 0) {
      if (!o.flags.has('s')) yield* rt.error(`${f}: ${strerror(fd)}`);
      error = true;
      continue;
    }
    const data = yield* new InStream(rt.sys, fd).all();
    if (fd !== 0) yield* rt.sys.close(fd);
    const name = f === '-' ? '(standard input)' : f;
    const r = scan(rt, fromUtf8(data), re, o.flags, showName ? name : undefined);
    if (r) matchedAny = true;
    if (r && o.flags.has('q')) return 0;
  }
  return error && !matchedAny ? 2 : matchedAny ? 0 : 1;
}

function scan(rt: Runtime, text: string, re: RegExp, flags: Map<string, number>, name: string | undefined): boolean {
  const invert = flags.has('v');
  let count = 0;
  const prefix = name === undefined ? '' : `${name}:`;
  for (const [i, line] of splitLines(text).entries()) {
    re.lastIndex = 0;
    if (re.test(line) === invert) continue;
    count++;
    if (flags.has('q') || flags.has('l') || flags.has('L') || flags.has('c')) continue;
    const num = flags.has('n') ? `${i + 1}:` : '';
    if (flags.has('o') && !invert) {
      const g = new RegExp(re.source, `${re.flags}g`);
      for (const m of line.matchAll(g)) if (m[0] !== '') rt.out.put(`${prefix}${num}${m[0]}\n`);
    } else rt.out.put(`${prefix}${num}${line}\n`);
  }
  if (flags.has('c')) rt.out.put(`${prefix}${count}\n`);
  if (flags.has('l') && count > 0) rt.out.put(`${name ?? '(standard input)'}\n`);
  if (flags.has('L') && count === 0) rt.out.put(`${name ?? '(standard input)'}\n`);
  return count > 0;
}
