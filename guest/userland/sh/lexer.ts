// Shell tokens (POSIX 2.3 token recognition): operators, words with their quoting kept
// raw, IO numbers, newlines. Here-document bodies are read at the newline that follows
// their operator, which the parser announces with `expectHereDoc`.

import type { HereDoc } from './ast';

export type TokenKind = 'word' | 'op' | 'ionum' | 'newline' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token's first character in the source. */
  start: number;
}

/** A syntax error; `incomplete` means more input could complete it (PS2 continuation). */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly incomplete: boolean,
  ) {
    super(message);
  }
}

const OPERATORS = ['&&', '||', ';;', '<<-', '<<', '>>', '<&', '>&', '<>', '>|', ';', '&', '|', '(', ')', '<', '>'];
const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

export class Lexer {
  pos = 0;
  private pendingHereDocs: HereDoc[] = [];

  constructor(public src: string) {}

  /** Alias substitution: the word at [start, start+len) is replaced by `text` and lexed again. */
  replaceAt(start: number, len: number, text: string): void {
    this.src = this.src.slice(0, start) + text + this.src.slice(start + len);
    this.pos = start;
  }

  expectHereDoc(doc: HereDoc): void {
    this.pendingHereDocs.push(doc);
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  next(): Token {
    this.skipBlanks();
    const start = this.pos;
    return { ...this.nextToken(), start };
  }

  /** 1-based line number of a source offset. */
  lineAt(offset: number): number {
    let line = 1;
    for (let i = 0; i < offset && i < this.src.length; i++) if (this.src.charCodeAt(i) === 10) line++;
    return line;
  }

  private nextToken(): Omit<Token, 'start'> {
    if (this.pos >= this.src.length) {
      if (this.pendingHereDocs.length > 0) this.readHereDocs();
      return { kind: 'eof', text: '' };
    }
    const c = this.src[this.pos]!;
    if (c === '\n') {
      this.pos++;
      this.readHereDocs();
      return { kind: 'newline', text: '\n' };
    }
    for (const op of OPERATORS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { kind: 'op', text: op };
      }
    }
    const start = this.pos;
    this.scanWord();
    const text = this.src.slice(start, this.pos);
    const nc = this.src[this.pos];
    if (/^[0-9]+$/.test(text) && (nc === '<' || nc === '>')) return { kind: 'ionum', text };
    return { kind: 'word', text };
  }

  private scanWord(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (META.has(c)) return;
      this.scanUnit();
    }
  }

  /** One character or one quoted/substituted unit inside a word. */
  scanUnit(): void {
    const c = this.src[this.pos]!;
    if (c === '\\') {
      this.pos += 2;
      if (this.pos > this.src.length) throw new ShellSyntaxError('unexpected end of file', true);
    } else if (c === "'") {
      const end = this.src.indexOf("'", this.pos + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string', true);
      this.pos = end + 1;
    } else if (c === '"') {
      this.scanDouble();
    } else if (c === '`') {
      this.scanBackquote();
    } else if (c === '$') {
      this.scanDollar();
    } else {
      this.pos++;
    }
  }

  private scanDouble(): void {
    this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') this.pos += 2;
      else if (c === '`') this.scanBackquote();
      else if (c === '$') this.scanDollar();
      else this.pos++;
    }
    throw new ShellSyntaxError('unterminated quoted string', true);
  }

  private scanBackquote(): void {
    this.pos++;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '`') {
        this.pos++;
        return;
      }
      this.pos += c === '\\' ? 2 : 1;
    }
    throw new ShellSyntaxError('unterminated quoted string', true);
  }

  private scanDollar(): void {
    const n = this.src[this.pos + 1];
    if (n === '(') {
      this.pos += 2;
      this.scanBalanced(')');
    } else if (n === '{') {
      this.pos += 2;
      this.scanBalanced('}');
    } else {
      this.pos++;
    }
  }

  /** Up to the matching close bracket, skipping quotes and nested substitutions. */
  private scanBalanced(close: string): void {
    const open = close === ')' ? '(' : '{';
    let depth = 1;
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === close) {
        depth--;
        this.pos++;
        if (depth === 0) return;
      } else if (c === open) {
        depth++;
        this.pos++;
      } else if (c === '\\' || c === "'" || c === '"' || c === '`' || c === '$') {
        this.scanUnit();
      } else {
        this.pos++;
      }
    }
    throw new ShellSyntaxError(`unexpected end of file (expecting "${close}")`, true);
  }

  private readHereDocs(): void {
    const docs = this.pendingHereDocs;
    this.pendingHereDocs = [];
    for (const doc of docs) {
      const lines: string[] = [];
      for (;;) {
        if (this.pos >= this.src.length) throw new ShellSyntaxError('unexpected EOF in here-document', true);
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let line = this.src.slice(this.pos, end);
        this.pos = Math.min(end + 1, this.src.length);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) break;
        lines.push(line + '\n');
      }
      doc.body = lines.join('');
    }
  }
}

/** End index of the quoted or substituted unit starting at src[pos] (throws ShellSyntaxError if unterminated). */
export function unitEnd(src: string, pos: number): number {
  const l = new Lexer(src);
  l.pos = pos;
  l.scanUnit();
  return Math.min(l.pos, src.length);
}
