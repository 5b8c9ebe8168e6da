// Word expansion (XCU 2.6): tilde, parameter, command substitution, arithmetic, then
// field splitting on IFS and pathname expansion, then quote removal. Expansion builds
// pieces that remember whether they were quoted (no splitting, no globbing) so those
// later steps only touch the unquoted results of expansions.

import type { Sc } from '../libc/sys';
import { evaluate } from './arith';
import { unitEnd } from './lexer';
import { hasGlobChars, replacePattern, trimPattern } from './pattern';

export interface ExpandHost {
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  /** $? $$ $! $# $- $0 */
  special(name: string): string;
  positional(): readonly string[];
  /** Runs `src` in a subshell and returns its output (trailing newlines are stripped here). */
  commandSubst(src: string): Sc<string>;
  /** Pathname expansion of an escaped pattern: sorted matches, or [] for none. */
  glob(pattern: string): Sc<string[]>;
  readonly noGlob: boolean;
  /** set -u: expanding an unset variable is an error. */
  readonly noUnset: boolean;
}

/** An expansion error; the shell prints `sh: message` and fails the command with `status`. */
export class ExpandError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

type Piece = { text: string; quoted: boolean; split: boolean } | 'break';
type Mode = 'word' | 'dquote' | 'heredoc' | 'prompt';

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIALS = '?$!#@*-0';

function lit(text: string, quoted: boolean): Piece {
  return { text, quoted, split: false };
}

function joinText(pieces: readonly Piece[]): string {
  return pieces.map((p) => (p === 'break' ? ' ' : p.text)).join('');
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

export class Expander {
  constructor(private readonly host: ExpandHost) {}

  private ifs(): string {
    return this.host.getVar('IFS') ?? ' \t\n';
  }

  /** Full expansion of one word into fields. */
  *fields(raw: string): Sc<string[]> {
    const pieces = yield* this.pieces(raw, 'word');
    const out: string[] = [];
    for (const f of this.split(pieces)) {
      if (!this.host.noGlob && hasGlobChars(f.pattern)) {
        const matches = yield* this.host.glob(f.pattern);
        if (matches.length > 0) {
          out.push(...matches);
          continue;
        }
      }
      out.push(f.text);
    }
    return out;
  }

  /** Expansion without splitting or globbing (assignments, redirection targets, case words). */
  *text(raw: string): Sc<string> {
    return joinText(yield* this.pieces(raw, 'word'));
  }

  /** Expansion to a pattern: quoted characters are escaped so they match literally. */
  *pattern(raw: string): Sc<string> {
    const pieces = yield* this.pieces(raw, 'word');
    return pieces.map((p) => (p === 'break' ? ' ' : p.quoted ? escapeGlob(p.text) : p.text)).join('');
  }

  *hereDoc(body: string): Sc<string> {
    return joinText(yield* this.pieces(body, 'heredoc'));
  }

  /** PS1/PS2: parameter, command and arithmetic expansion; backslashes kept for the prompt escapes. */
  *prompt(ps: string): Sc<string> {
    return joinText(yield* this.pieces(ps, 'prompt'));
  }

  private split(pieces: readonly Piece[]): { text: string; pattern: string }[] {
    const ifs = this.ifs();
    const fields: { text: string; pattern: string }[] = [];
    let text = '';
    let pattern = '';
    let exists = false;
    const finish = (): void => {
      fields.push({ text, pattern });
      text = '';
      pattern = '';
      exists = false;
    };
    for (const p of pieces) {
      if (p === 'break') {
        finish();
        continue;
      }
      if (!p.split) {
        text += p.text;
        pattern += p.quoted ? escapeGlob(p.text) : p.text;
        if (p.quoted) exists = true;
        continue;
      }
      for (const c of p.text) {
        if (ifs.includes(c)) {
          if (/\s/.test(c)) {
            if (text !== '' || exists) finish();
          } else {
            finish();
          }
        } else {
          text += c;
          pattern += c;
        }
      }
    }
    if (text !== '' || exists) finish();
    return fields;
  }

  private *pieces(raw: string, mode: Mode): Sc<Piece[]> {
    const out: Piece[] = [];
    const quoted = mode !== 'word';
    let i = 0;
    while (i < raw.length) {
      const c = raw[i]!;
      if (c === "'" && mode === 'word') {
        const end = raw.indexOf("'", i + 1);
        const stop = end < 0 ? raw.length : end;
        out.push(lit(raw.slice(i + 1, stop), true));
        i = stop + 1;
      } else if (c === '"' && mode === 'word') {
        const end = unitEnd(raw, i);
        const inner = raw.slice(i + 1, end - 1);
        if (!(/^\$\{?@\}?$/.test(inner) && this.host.positional().length === 0)) {
          out.push(lit('', true), ...(yield* this.pieces(inner, 'dquote')));
        }
        i = end;
      } else if (c === '\\') {
        i = this.backslash(raw, i, mode, out);
      } else if (c === '$') {
        i = yield* this.dollar(raw, i, quoted, out);
      } else if (c === '`') {
        const end = unitEnd(raw, i);
        const inner = raw.slice(i + 1, end - 1).replace(/\\([$`\\])/g, '$1');
        out.push(...this.valuePieces(yield* this.subst(inner), quoted));
        i = end;
      } else if (c === '~' && i === 0 && mode === 'word') {
        i = this.tilde(raw, out);
      } else {
        out.push(lit(c, quoted));
        i++;
      }
    }
    return out;
  }

  private backslash(raw: string, i: number, mode: Mode, out: Piece[]): number {
    const n = raw[i + 1];
    if (n === undefined) {
      out.push(lit('\\', true));
      return i + 1;
    }
    if (n === '\n') return i + 2;
    if (mode === 'prompt') {
      out.push(lit('\\', true));
      return i + 1;
    }
    if (mode === 'word' || '$`\\'.includes(n) || (mode === 'dquote' && n === '"')) {
      out.push(lit(n, true));
      return i + 2;
    }
    out.push(lit('\\', true));
    return i + 1;
  }

  private tilde(raw: string, out: Piece[]): number {
    const slash = raw.indexOf('/');
    const end = slash < 0 ? raw.length : slash;
    if (end === 1) {
      out.push(lit(this.host.getVar('HOME') ?? '/', true));
      return 1;
    }
    out.push(lit('~', false));
    return 1;
  }

  private requote(pieces: Piece[], quoted: boolean): Piece[] {
    return quoted ? pieces.map((p) => (p === 'break' ? p : { text: p.text, quoted: true, split: false })) : pieces;
  }

  private valuePieces(text: string, quoted: boolean): Piece[] {
    return [{ text, quoted, split: !quoted }];
  }

  private *subst(src: string): Sc<string> {
    const output = yield* this.host.commandSubst(src);
    return output.replace(/\n+$/, '');
  }

  private *dollar(raw: string, i: number, quoted: boolean, out: Piece[]): Sc<number> {
    const n = raw[i + 1];
    if (n === '(' && raw[i + 2] === '(') {
      const end = unitEnd(raw, i);
      const inner = joinText(yield* this.pieces(raw.slice(i + 3, end - 2), 'heredoc'));
      const r = evaluate(inner, { get: (k) => this.host.getVar(k), set: (k, v) => this.host.setVar(k, v) });
      if ('error' in r) throw new ExpandError(r.error, 2);
      out.push(...this.valuePieces(r.value.toString(), quoted));
      return end;
    }
    if (n === '(') {
      const end = unitEnd(raw, i);
      out.push(...this.valuePieces(yield* this.subst(raw.slice(i + 2, end - 1)), quoted));
      return end;
    }
    if (n === '{') {
      const end = unitEnd(raw, i);
      out.push(...(yield* this.braced(raw.slice(i + 2, end - 1), quoted)));
      return end;
    }
    if (n !== undefined && NAME_START.test(n)) {
      let j = i + 1;
      while (j < raw.length && NAME_CHAR.test(raw[j]!)) j++;
      out.push(...this.valuePieces(this.lookup(raw.slice(i + 1, j)) ?? '', quoted));
      return j;
    }
    if (n !== undefined && (/[0-9]/.test(n) || SPECIALS.includes(n))) {
      out.push(...this.paramPieces(n, quoted));
      return i + 2;
    }
    out.push(lit('$', quoted));
    return i + 1;
  }

  /** $@ / $* and plain parameters. */
  private paramPieces(name: string, quoted: boolean): Piece[] {
    if (name === '@' || name === '*') {
      const params = this.host.positional();
      if (!quoted) return this.valuePieces(params.join(' '), false);
      if (name === '*') return this.valuePieces(params.join(this.ifs().slice(0, 1)), true);
      const out: Piece[] = [];
      params.forEach((p, k) => {
        if (k > 0) out.push('break');
        out.push(lit(p, true));
      });
      return out;
    }
    return this.valuePieces(this.lookup(name) ?? '', quoted);
  }

  private lookup(name: string, strict = true): string | undefined {
    if (/^[0-9]+$/.test(name)) {
      if (name === '0') return this.host.special('0');
      return this.host.positional()[Number(name) - 1];
    }
    if (name.length === 1 && SPECIALS.includes(name)) {
      if (name === '@' || name === '*') return this.host.positional().join(' ');
      return this.host.special(name);
    }
    const v = this.host.getVar(name);
    if (v === undefined && strict && this.host.noUnset) throw new ExpandError(`${name}: parameter not set`, 2);
    return v;
  }

  private *braced(expr: string, quoted: boolean): Sc<Piece[]> {
    const m = /^(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$!#@*\-0])([\s\S]*)$/.exec(expr);
    if (!m || (m[1] === '#' && m[3] !== '')) {
      if (expr === '#') return this.valuePieces(this.host.special('#'), quoted);
      throw new ExpandError('syntax error: bad substitution', 2);
    }
    const name = m[2]!;
    const rest = m[3]!;
    const value = this.lookup(name, rest === '' || rest.startsWith('/') || rest.startsWith('#') || rest.startsWith('%') || m[1] === '#');
    if (m[1] === '#') return this.valuePieces(String([...(value ?? '')].length), quoted);
    if (rest === '') return (name === '@' || name === '*') ? this.paramPieces(name, quoted) : this.valuePieces(value ?? '', quoted);
    if (rest.startsWith('/')) return this.valuePieces(yield* this.replace(value ?? '', rest), quoted);
    const op = /^(:?[-=?+]|##?|%%?|:)/.exec(rest)?.[1];
    if (op === undefined) throw new ExpandError('syntax error: bad substitution', 2);
    const word = rest.slice(op.length);
    return yield* this.paramOp(name, value, op, word, quoted);
  }

  private *paramOp(name: string, value: string | undefined, op: string, word: string, quoted: boolean): Sc<Piece[]> {
    // Inside "${x:-word}" quotes in word still group (ash); the result stays quoted.
    const mode: Mode = 'word';
    const unsetOrNull = value === undefined || (op.startsWith(':') && value === '');
    switch (op) {
      case '-':
      case ':-':
        return unsetOrNull ? this.requote(yield* this.pieces(word, mode), quoted) : this.valuePieces(value ?? '', quoted);
      case '=':
      case ':=': {
        if (!unsetOrNull) return this.valuePieces(value ?? '', quoted);
        const v = joinText(yield* this.pieces(word, mode));
        this.host.setVar(name, v);
        return this.valuePieces(v, quoted);
      }
      case '?':
      case ':?': {
        if (!unsetOrNull) return this.valuePieces(value ?? '', quoted);
        const msg = joinText(yield* this.pieces(word, mode));
        throw new ExpandError(`${name}: ${msg === '' ? 'parameter not set' : msg}`, 1);
      }
      case '+':
      case ':+':
        return unsetOrNull ? [] : this.requote(yield* this.pieces(word, mode), quoted);
      case ':':
        return this.valuePieces(yield* this.substring(value ?? '', word), quoted);
      default: {
        const pat = yield* this.pattern(word);
        return this.valuePieces(trimPattern(value ?? '', pat, op as '#' | '##' | '%' | '%%'), quoted);
      }
    }
  }

  /** ${x/pat/rep} and ${x//pat/rep} (ash 1.35 takes /# and /% literally, as here). */
  private *replace(value: string, spec: string): Sc<string> {
    const mode = spec.startsWith('//') ? '//' : '/';
    const body = spec.slice(mode.length);
    let slash = -1;
    for (let i = 0; i < body.length; i++) {
      if (body[i] === '\\') i++;
      else if (body[i] === '/') {
        slash = i;
        break;
      }
    }
    const pat = yield* this.pattern(slash < 0 ? body : body.slice(0, slash));
    const rep = slash < 0 ? '' : yield* this.text(body.slice(slash + 1));
    return replacePattern(value, pat, rep, mode);
  }

  /** ${x:offset[:length]} (ash's bash-compatible substring). */
  private *substring(value: string, spec: string): Sc<string> {
    const [offRaw, lenRaw] = spec.split(':', 2);
    const vars = { get: (k: string) => this.host.getVar(k), set: (k: string, v: string) => this.host.setVar(k, v) };
    const off = evaluate(yield* this.text(offRaw ?? '0'), vars);
    if ('error' in off) throw new ExpandError(off.error, 2);
    let start = Number(off.value);
    if (start < 0) start = Math.max(0, value.length + start);
    if (lenRaw === undefined) return value.slice(start);
    const len = evaluate(yield* this.text(lenRaw), vars);
    if ('error' in len) throw new ExpandError(len.error, 2);
    const n = Number(len.value);
    return n < 0 ? value.slice(start, Math.max(start, value.length + n)) : value.slice(start, start + n);
  }
}

