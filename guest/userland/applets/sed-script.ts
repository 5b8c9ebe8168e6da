// sed as pure functions: parse a script (addresses: N, $, /RE/, ranges, !; commands s, d,
// p, q, =, y, a, i, c, n, { }) and run it over text with the pattern-space cycle.

import { compile } from './regex';

type Address = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: RegExp };

export interface SedCommand {
  a1?: Address;
  a2?: Address;
  negate: boolean;
  cmd: string;
  /** s: [regex, replacement, global, print, occurrence]; y: [from, to]; a/i/c: text; {: index of matching } */
  re?: RegExp;
  replacement?: string;
  global?: boolean;
  print?: boolean;
  occurrence?: number;
  text?: string;
  from?: string;
  to?: string;
  blockEnd?: number;
  /** Range state: inside the range. */
  active?: boolean;
}

export type SedParse = { commands: SedCommand[] } | { error: string };

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  peek(): string | undefined {
    return this.s[this.i];
  }
  skipSpace(): void {
    while (this.i < this.s.length && /[ \t;]/.test(this.s[this.i]!)) this.i++;
  }
  /** Text up to an unescaped delimiter; \delim becomes delim, \n a newline (in replacements). */
  until(delim: string): string | undefined {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!;
      if (c === '\\' && this.i < this.s.length) {
        const n = this.s[this.i++]!;
        out += n === delim ? n : n === 'n' ? '\\n' : `\\${n}`;
      } else if (c === delim) return out;
      else out += c;
    }
    return undefined;
  }
}

function parseAddress(r: Reader, extended: boolean): Address | string | undefined {
  const c = r.peek();
  if (c === '$') {
    r.i++;
    return { kind: 'last' };
  }
  if (c !== undefined && /[0-9]/.test(c)) {
    const m = /^[0-9]+/.exec(r.s.slice(r.i))![0];
    r.i += m.length;
    return { kind: 'line', n: Number(m) };
  }
  if (c === '/' || c === '\\') {
    r.i++;
    const delim = c === '\\' ? r.s[r.i++]! : '/';
    const src = r.until(delim);
    if (src === undefined) return 'unterminated address regex';
    const re = compile(src.replace(/\\n/g, '\n'), extended, '');
    return typeof re === 'string' ? re : { kind: 're', re };
  }
  return undefined;
}

function parseSubstitute(r: Reader, cmd: SedCommand, extended: boolean): string | undefined {
  const delim = r.s[r.i++];
  if (delim === undefined) return 'unterminated `s\' command';
  const re = r.until(delim);
  const repl = re === undefined ? undefined : r.until(delim);
  if (re === undefined || repl === undefined) return "unterminated `s' command";
  let flags = '';
  while (r.i < r.s.length && /[gpiI0-9]/.test(r.s[r.i]!)) flags += r.s[r.i++];
  const compiled = compile(re.replace(/\\n/g, '\n'), extended, /[iI]/.test(flags) ? 'i' : '');
  if (typeof compiled === 'string') return compiled;
  cmd.re = compiled;
  cmd.replacement = repl;
  cmd.global = flags.includes('g');
  cmd.print = flags.includes('p');
  cmd.occurrence = Number(/[0-9]+/.exec(flags)?.[0] ?? '1');
  return undefined;
}

function parseText(r: Reader): string {
  if (r.peek() === '\\') r.i++;
  if (r.peek() === '\n') r.i++;
  while (r.peek() === ' ' || r.peek() === '\t') r.i++;
  const end = r.s.indexOf('\n', r.i);
  const text = r.s.slice(r.i, end < 0 ? r.s.length : end);
  r.i = end < 0 ? r.s.length : end;
  return text.replace(/\\(.)/g, '$1');
}

export function parseSed(script: string, extended = false): SedParse {
  const r = new Reader(script);
  const commands: SedCommand[] = [];
  const open: number[] = [];
  for (let guard = 0; guard < 100_000; guard++) {
    while (r.i < r.s.length && /[ \t;\n]/.test(r.s[r.i]!)) r.i++;
    if (r.i >= r.s.length) break;
    const cmd: SedCommand = { negate: false, cmd: '' };
    const a1 = parseAddress(r, extended);
    if (typeof a1 === 'string') return { error: a1 };
    if (a1) cmd.a1 = a1;
    if (a1 && r.peek() === ',') {
      r.i++;
      const a2 = parseAddress(r, extended);
      if (typeof a2 === 'string' || a2 === undefined) return { error: 'unexpected `,\'' };
      cmd.a2 = a2;
    }
    while (r.peek() === ' ') r.i++;
    if (r.peek() === '!') {
      cmd.negate = true;
      r.i++;
    }
    cmd.cmd = r.s[r.i++] ?? '';
    const err = parseBody(r, cmd, extended, commands.length, open, commands);
    if (err !== undefined) return { error: err };
    commands.push(cmd);
  }
  if (open.length > 0) return { error: 'unmatched `{\'' };
  return { commands };
}

function parseBody(r: Reader, cmd: SedCommand, extended: boolean, index: number, open: number[], commands: SedCommand[]): string | undefined {
  switch (cmd.cmd) {
    case 's': return parseSubstitute(r, cmd, extended);
    case 'y': {
      const d = r.s[r.i++] ?? '/';
      const from = r.until(d);
      const to = from === undefined ? undefined : r.until(d);
      if (from === undefined || to === undefined || [...from].length !== [...to].length) return "strings for `y' command are different lengths";
      cmd.from = from;
      cmd.to = to;
      return undefined;
    }
    case 'a':
    case 'i':
    case 'c':
      cmd.text = parseText(r);
      return undefined;
    case '{':
      open.push(index);
      return undefined;
    case '}': {
      const start = open.pop();
      if (start === undefined) return 'unexpected `}\'';
      commands[start]!.blockEnd = index;
      return undefined;
    }
    case 'd': case 'D': case 'p': case 'P': case 'q': case 'Q': case '=': case 'n': case 'N': case 'h': case 'H': case 'g': case 'G': case 'x': case 'l':
      return undefined;
    default:
      return `unknown command: \`${cmd.cmd}'`;
  }
}

function matchAddr(a: Address, line: string, n: number, last: boolean): boolean {
  if (a.kind === 'line') return n === a.n;
  if (a.kind === 'last') return last;
  a.re.lastIndex = 0;
  return a.re.test(line);
}

function selected(c: SedCommand, line: string, n: number, last: boolean): boolean {
  let hit: boolean;
  if (!c.a1) hit = true;
  else if (!c.a2) hit = matchAddr(c.a1, line, n, last);
  else if (c.active) {
    hit = true;
    const end = c.a2.kind === 'line' ? n >= c.a2.n : matchAddr(c.a2, line, n, last);
    if (end) c.active = false;
  } else if (matchAddr(c.a1, line, n, last)) {
    hit = true;
    c.active = !(c.a2.kind === 'line' && c.a2.n <= n) && !(c.a2.kind === 'last' && last);
  } else hit = false;
  return hit !== c.negate;
}

function expandReplacement(repl: string, groups: readonly (string | undefined)[]): string {
  return repl.replace(/\\([0-9&n\\])|&/g, (all, d: string | undefined) => {
    if (all === '&') return groups[0] ?? '';
    if (d === '&') return '&';
    if (d === 'n') return '\n';
    if (d === '\\') return '\\';
    return groups[Number(d)] ?? '';
  });
}

/** s///: POSIX rules for empty matches (none right after a previous match), Nth occurrence, g. */
export function substitute(c: SedCommand, line: string): { text: string; done: boolean } {
  const re = new RegExp(c.re!.source, c.re!.flags.replace('g', '') + 'g');
  let out = '';
  let pos = 0;
  let k = 0;
  let done = false;
  let lastEnd = -1;
  for (let guard = 0; pos <= line.length && guard <= line.length + 1; guard++) {
    re.lastIndex = pos;
    const m = re.exec(line);
    if (!m) break;
    if (m[0] === '' && m.index === lastEnd) {
      if (m.index >= line.length) break;
      out += line.slice(pos, m.index + 1);
      pos = m.index + 1;
      continue;
    }
    k++;
    const replace = k >= c.occurrence! && (!done || c.global!);
    out += line.slice(pos, m.index) + (replace ? expandReplacement(c.replacement!, m) : m[0]);
    if (replace) done = true;
    lastEnd = m.index + m[0].length;
    if (m[0] === '') {
      if (m.index >= line.length) {
        pos = line.length + 1;
        break;
      }
      out += line[m.index];
      pos = m.index + 1;
    } else pos = lastEnd;
    if (done && !c.global) break;
  }
  if (pos <= line.length) out += line.slice(pos);
  return { text: out, done };
}

/** Runs the script over the lines; returns output and whether q ended it early. */
export function runSed(commands: SedCommand[], lines: readonly string[], quiet: boolean): string {
  let out = '';
  let hold = '';
  for (const c of commands) c.active = false;
  for (let n = 1; n <= lines.length; n++) {
    let ps = lines[n - 1]!;
    let append = '';
    let deleted = false;
    let quit = false;
    for (let pc = 0; pc < commands.length; pc++) {
      const c = commands[pc]!;
      const last = n === lines.length;
      if (c.cmd === '}') continue;
      if (!selected(c, ps, n, last)) {
        if (c.cmd === '{') pc = c.blockEnd ?? pc;
        continue;
      }
      switch (c.cmd) {
        case 's': {
          const r = substitute(c, ps);
          ps = r.text;
          if (r.done && c.print) out += `${ps}\n`;
          break;
        }
        case 'y': ps = [...ps].map((ch) => { const i = [...c.from!].indexOf(ch); return i < 0 ? ch : [...c.to!][i]!; }).join(''); break;
        case 'd': deleted = true; break;
        case 'p': out += `${ps}\n`; break;
        case '=': out += `${n}\n`; break;
        case 'a': append += `${c.text}\n`; break;
        case 'i': out += `${c.text}\n`; break;
        case 'c': out += `${c.text}\n`; deleted = true; break;
        case 'q': quit = true; break;
        case 'Q': return out;
        case 'n':
          if (!quiet) out += `${ps}\n`;
          if (n < lines.length) ps = lines[n++]!;
          else quit = true;
          break;
        case 'N':
          if (n < lines.length) ps += `\n${lines[n++]}`;
          else quit = true;
          break;
        case 'h': hold = ps; break;
        case 'H': hold += `\n${ps}`; break;
        case 'g': ps = hold; break;
        case 'G': ps += `\n${hold}`; break;
        case 'x': [ps, hold] = [hold, ps]; break;
      }
      if (deleted || quit) break;
    }
    if (!deleted && !quiet) out += `${ps}\n`;
    out += append;
    if (quit) break;
  }
  return out;
}
