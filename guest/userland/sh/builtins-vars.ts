// Variable builtins: export, readonly, unset, set, shift, read, local.

import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';
import type { Builtin } from './builtins';
import type { Shell } from './shell';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function sortedVars(sh: Shell): [string, string][] {
  return [...sh.state.vars].map(([k, v]) => [k, v.value] as [string, string]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** export / readonly: NAME[=VALUE]..., or list with -p / no operands. */
function* exportLike(sh: Shell, argv: string[]): Sc<number> {
  const isExport = argv[0] === 'export';
  const args = argv.slice(1).filter((a) => a !== '-p');
  if (args.length === 0) {
    for (const [k] of sortedVars(sh)) {
      const v = sh.state.vars.get(k)!;
      if (isExport ? v.exported : v.readonly) sh.out.put(`${argv[0]} ${k}=${quote(v.value)}\n`);
    }
    return 0;
  }
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!NAME_RE.test(name)) {
      yield* sh.diag(`${name}: bad variable name`);
      return 2;
    }
    const cur = sh.state.vars.get(name);
    if (eq >= 0 && cur?.readonly) {
      yield* sh.diag(`${name}: is read only`);
      return 2;
    }
    const value = eq >= 0 ? a.slice(eq + 1) : cur?.value;
    if (value === undefined && !isExport) {
      sh.state.vars.set(name, { value: '', exported: false, readonly: true });
      continue;
    }
    if (value === undefined) {
      // export of an unset name marks it for later; ash keeps it unset until assigned.
      sh.state.vars.set(name, { value: '', exported: true, readonly: false });
      continue;
    }
    sh.state.vars.set(name, {
      value,
      exported: isExport || (cur?.exported ?? false),
      readonly: !isExport || (cur?.readonly ?? false),
    });
  }
  return 0;
}

function* unset(sh: Shell, argv: string[]): Sc<number> {
  let funcs = false;
  for (const a of argv.slice(1)) {
    if (a === '-f') {
      funcs = true;
      continue;
    }
    if (a === '-v') continue;
    if (funcs) {
      sh.state.functions.delete(a);
      continue;
    }
    if (sh.state.vars.get(a)?.readonly) {
      yield* sh.diag(`${a}: is read only`);
      return 1;
    }
    sh.state.vars.delete(a);
  }
  return 0;
}

const SET_FLAGS: Readonly<Record<string, 'errexit' | 'noglob' | 'xtrace' | 'nounset'>> = {
  e: 'errexit',
  f: 'noglob',
  x: 'xtrace',
  u: 'nounset',
};

function* set(sh: Shell, argv: string[]): Sc<number> {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const [k, v] of sortedVars(sh)) sh.out.put(`${k}=${quote(v)}\n`);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      sh.state.positional = args.slice(i);
      return 0;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    for (const f of a.slice(1)) {
      const opt = SET_FLAGS[f];
      if (opt === undefined) {
        yield* sh.diag(`illegal option ${a[0]}${f}`);
        return 2;
      }
      sh.state.options[opt] = a[0] === '-';
    }
  }
  if (i < args.length) sh.state.positional = args.slice(i);
  return 0;
}

function* shift(sh: Shell, argv: string[]): Sc<number> {
  const n = argv[1] === undefined ? 1 : /^[0-9]+$/.test(argv[1]) ? Number(argv[1]) : -1;
  if (n < 0) {
    yield* sh.diag(`Illegal number: ${argv[1]}`);
    return 2;
  }
  if (n > sh.state.positional.length) return 1;
  sh.state.positional = sh.state.positional.slice(n);
  return 0;
}

/** Reads one line from fd 0 a byte at a time, so the rest stays for the next reader. */
function* readLine(sh: Shell, raw: boolean): Sc<{ line: string; eof: boolean }> {
  const bytes: number[] = [];
  for (let guard = 0; guard < 1 << 20; guard++) {
    const r = yield* sh.sys.read(0, 1);
    if (typeof r === 'number' || r.length === 0) return { line: fromUtf8(new Uint8Array(bytes)), eof: true };
    const b = r[0]!;
    if (b === 10) {
      if (!raw && bytes[bytes.length - 1] === 92) {
        bytes.pop();
        continue;
      }
      break;
    }
    bytes.push(b);
  }
  return { line: fromUtf8(new Uint8Array(bytes)), eof: false };
}

function* read(sh: Shell, argv: string[]): Sc<number> {
  let raw = false;
  let i = 1;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    if (argv[i] === '-r') raw = true;
    else if (argv[i] === '-p' && i + 1 < argv.length) {
      sh.err.put(argv[++i]!);
      yield* sh.err.flush();
    }
  }
  const names = argv.slice(i);
  if (names.length === 0) names.push('REPLY');
  const { line, eof } = yield* readLine(sh, raw);
  const ifs = sh.state.get('IFS') ?? ' \t\n';
  let rest = raw ? line : line.replace(/\\(.)/g, '$1');
  const isWs = (c: string): boolean => ifs.includes(c) && /\s/.test(c);
  for (const [k, name] of names.entries()) {
    while (rest !== '' && isWs(rest[0]!)) rest = rest.slice(1);
    let value: string;
    if (k === names.length - 1) {
      value = rest;
      while (value !== '' && isWs(value[value.length - 1]!)) value = value.slice(0, -1);
    } else {
      let j = 0;
      while (j < rest.length && !ifs.includes(rest[j]!)) j++;
      value = rest.slice(0, j);
      rest = rest.slice(j + (j < rest.length && !isWs(rest[j]!) ? 1 : 0));
    }
    if (!sh.state.set(name, value)) {
      yield* sh.diag(`${name}: is read only`);
      return 2;
    }
  }
  return eof ? 1 : 0;
}

function* local(sh: Shell, argv: string[]): Sc<number> {
  const frame = sh.localFrames[sh.localFrames.length - 1];
  if (frame === undefined) {
    yield* sh.diag('not in a function');
    return 2;
  }
  for (const a of argv.slice(1)) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!frame.has(name)) frame.set(name, sh.state.vars.get(name));
    if (eq >= 0) sh.state.set(name, a.slice(eq + 1));
  }
  return 0;
}

export const VAR_BUILTINS: [string, Builtin][] = [
  ['export', { special: true, run: exportLike }],
  ['readonly', { special: true, run: exportLike }],
  ['unset', { special: true, run: unset }],
  ['set', { special: true, run: set }],
  ['shift', { special: true, run: shift }],
  ['read', { special: false, run: read }],
  ['local', { special: false, run: local }],
];
