// Line filters: sort, uniq, cut, tr, sed.

import { O_CREAT, O_TRUNC, O_WRONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';
import { forEachInput, options, readInputText, splitLines } from './common';
import { parseSed, runSed } from './sed-script';

function numericKey(s: string): number {
  const m = /^\s*[-+]?[0-9]*\.?[0-9]+/.exec(s);
  return m ? Number(m[0]) : 0;
}

export function sortLines(lines: string[], flags: Map<string, number>, values: Map<string, string>): string[] {
  const sep = values.get('t');
  const keySpec = values.get('k');
  const keyOf = (line: string): string => {
    if (keySpec === undefined) return line;
    const field = Number(keySpec.split(/[,.]/)[0]) - 1;
    const parts = sep !== undefined ? line.split(sep) : line.trim().split(/\s+/);
    return parts.slice(field).join(sep ?? ' ');
  };
  const fold = flags.has('f');
  const cmp = (a: string, b: string): number => {
    let ka = keyOf(a);
    let kb = keyOf(b);
    if (flags.has('n')) return numericKey(ka) - numericKey(kb) || (a < b ? -1 : a > b ? 1 : 0);
    if (fold) {
      ka = ka.toUpperCase();
      kb = kb.toUpperCase();
    }
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
  let out = [...lines].sort(cmp);
  if (flags.has('r')) out.reverse();
  if (flags.has('u')) out = out.filter((l, i) => i === 0 || cmp(out[i - 1]!, l) !== 0);
  return out;
}

export function* sort(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'nrufbk:t:o:s');
  if (!o) return 1;
  const lines: string[] = [];
  const status = yield* forEachInput(rt, o.operands, function* (data) {
    lines.push(...splitLines(fromUtf8(data)));
  });
  const text = sortLines(lines, o.flags, o.values).map((l) => `${l}\n`).join('');
  const outFile = o.values.get('o');
  if (outFile !== undefined) {
    const fd = yield* rt.sys.open(outFile, O_WRONLY | O_CREAT | O_TRUNC);
    if (fd >= 0) {
      yield* rt.sys.write(fd, new TextEncoder().encode(text));
      yield* rt.sys.close(fd);
    }
  } else rt.out.put(text);
  return status;
}

export function uniqLines(lines: readonly string[], flags: Map<string, number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    const same = (a: string, b: string): boolean => (flags.has('i') ? a.toLowerCase() === b.toLowerCase() : a === b);
    while (j < lines.length && same(lines[j]!, lines[i]!)) j++;
    const count = j - i;
    const keep = flags.has('d') ? count > 1 : flags.has('u') ? count === 1 : true;
    if (keep) out.push(flags.has('c') ? `${String(count).padStart(7)} ${lines[i]}` : lines[i]!);
    i = j;
  }
  return out;
}

export function* uniq(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'cdui');
  if (!o) return 1;
  const text = yield* readInputText(rt, o.operands[0] ?? '-');
  if (text === undefined) return 1;
  for (const l of uniqLines(splitLines(text), o.flags)) rt.out.put(`${l}\n`);
  return 0;
}

/** "1,3-5,7-" → a membership test (1-based). */
export function parseList(spec: string): ((n: number) => boolean) | undefined {
  const ranges: [number, number][] = [];
  for (const part of spec.split(',')) {
    const m = /^([0-9]*)(-?)([0-9]*)$/.exec(part);
    if (!m || part === '' || part === '-') return undefined;
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? Infinity : Number(m[3]);
    ranges.push([lo, hi]);
  }
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

export function cutLine(line: string, mode: 'f' | 'c', keep: (n: number) => boolean, delim: string, onlyDelimited: boolean): string | undefined {
  if (mode === 'c') return [...line].filter((_, i) => keep(i + 1)).join('');
  if (!line.includes(delim)) return onlyDelimited ? undefined : line;
  return line.split(delim).filter((_, i) => keep(i + 1)).join(delim);
}

export function* cut(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'f:c:b:d:s');
  if (!o) return 1;
  const mode = o.values.has('f') ? 'f' : 'c';
  const spec = o.values.get('f') ?? o.values.get('c') ?? o.values.get('b');
  const keep = spec === undefined ? undefined : parseList(spec);
  if (keep === undefined) {
    yield* rt.error(spec === undefined ? 'expected a list of bytes, characters, or fields' : `invalid byte or character range`);
    return 1;
  }
  const delim = o.values.get('d') ?? '\t';
  return yield* forEachInput(rt, o.operands, function* (data) {
    for (const line of splitLines(fromUtf8(data))) {
      const r = cutLine(line, mode, keep, delim, o.flags.has('s'));
      if (r !== undefined) rt.out.put(`${r}\n`);
    }
  });
}

/** A tr set with ranges, escapes and [:class:] expanded to its characters. */
export function expandSet(spec: string): string[] {
  const classes: Record<string, string> = {
    alpha: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', digit: '0123456789', lower: 'abcdefghijklmnopqrstuvwxyz',
    upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', space: ' \t\n\r\f\v', blank: ' \t',
  };
  classes['alnum'] = classes['alpha']! + classes['digit']!;
  const chars: string[] = [];
  const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };
  for (let i = 0; i < spec.length; i++) {
    const cls = /^\[:([a-z]+):\]/.exec(spec.slice(i));
    if (cls && classes[cls[1]!] !== undefined) {
      chars.push(...classes[cls[1]!]!);
      i += cls[0].length - 1;
      continue;
    }
    let c = spec[i]!;
    if (c === '\\' && i + 1 < spec.length) {
      const n = spec[++i]!;
      const oct = /^[0-7]{1,3}/.exec(spec.slice(i));
      if (oct) {
        c = String.fromCharCode(parseInt(oct[0], 8));
        i += oct[0].length - 1;
      } else c = esc[n] ?? n;
    }
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const end = spec[i + 2]!;
      for (let k = c.charCodeAt(0); k <= end.charCodeAt(0); k++) chars.push(String.fromCharCode(k));
      i += 2;
    } else chars.push(c);
  }
  return chars;
}

export function trText(text: string, set1: string[], set2: string[], flags: Map<string, number>): string {
  const del = flags.has('d');
  const squeeze = flags.has('s');
  const squeezeSet = new Set(del || set2.length === 0 ? set1 : set2);
  const map = new Map<string, string>();
  set1.forEach((c, i) => map.set(c, set2[Math.min(i, set2.length - 1)] ?? c));
  let out = '';
  let prev = '';
  for (const c of text) {
    if (del && set1.includes(c)) continue;
    const t = del ? c : map.get(c) ?? c;
    if (squeeze && t === prev && squeezeSet.has(t)) continue;
    out += t;
    prev = t;
  }
  return out;
}

export function* tr(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'dsc', false);
  if (!o) return 1;
  const [a, b] = o.operands;
  if (a === undefined) {
    yield* rt.error('usage: tr [-cds] STRING1 [STRING2]');
    return 1;
  }
  const text = yield* readInputText(rt, '-');
  if (text === undefined) return 1;
  rt.out.put(trText(text, expandSet(a), b === undefined ? [] : expandSet(b), o.flags));
  return 0;
}

export function* sed(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'ne:f:Eri');
  if (!o) return 1;
  const operands = [...o.operands];
  const script = o.lists.has('e') ? o.lists.get('e')!.join('\n') : operands.shift();
  if (script === undefined) {
    yield* rt.error('no script specified');
    return 1;
  }
  const parsed = parseSed(script, o.flags.has('E') || o.flags.has('r'));
  if ('error' in parsed) {
    yield* rt.error(`-e expression #1, char 0: ${parsed.error}`);
    return 1;
  }
  if (o.flags.has('i')) return yield* sedInPlace(rt, parsed.commands, operands, o.flags.has('n'));
  const lines: string[] = [];
  const status = yield* forEachInput(rt, operands, function* (data) {
    lines.push(...splitLines(fromUtf8(data)));
  });
  rt.out.put(runSed(parsed.commands, lines, o.flags.has('n')));
  return status;
}

function* sedInPlace(rt: Runtime, commands: Parameters<typeof runSed>[0], files: string[], quiet: boolean): Sc<number> {
  let status = 0;
  for (const f of files) {
    const text = yield* readInputText(rt, f);
    if (text === undefined) {
      status = 1;
      continue;
    }
    const out = runSed(commands, splitLines(text), quiet);
    const fd = yield* rt.sys.open(f, O_WRONLY | O_TRUNC);
    if (fd >= 0) {
      yield* rt.sys.write(fd, new TextEncoder().encode(out));
      yield* rt.sys.close(fd);
    }
  }
  return status;
}
