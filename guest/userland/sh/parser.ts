// Recursive-descent parser for the POSIX shell grammar (XCU 2.10) as ash accepts it.
// `parseCommand` returns one complete command (a list up to a newline) at a time, so a
// script runs command by command and a later syntax error does not stop earlier ones.

import type { Command, Node, Redir, RedirOp } from './ast';
import { Lexer, ShellSyntaxError } from './lexer';
import type { Token } from './lexer';

const CLOSERS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const REDIR_OPS = new Set(['<', '>', '>>', '>|', '<>', '<&', '>&', '<<', '<<-']);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGN_RE = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Bound on alias substitutions in one command (an alias may name itself). */
const MAX_ALIAS_EXPANSIONS = 32;
const ALIAS_NAME_RE = /^[A-Za-z0-9_!%,@.\/-]+$/;

export class Parser {
  private readonly lexer: Lexer;
  private peeked: Token | undefined;
  private aliasExpansions = 0;

  constructor(
    src: string,
    private readonly aliases: ReadonlyMap<string, string> = new Map(),
  ) {
    this.lexer = new Lexer(src);
  }

  /** At command position: substitutes an alias for the next word, as ash's lexer does. */
  private expandAlias(): void {
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'word' || !ALIAS_NAME_RE.test(t.text)) return;
      const value = this.aliases.get(t.text);
      if (value === undefined || this.aliasExpansions >= MAX_ALIAS_EXPANSIONS) return;
      this.aliasExpansions++;
      this.peeked = undefined;
      this.lexer.replaceAt(t.start, t.text.length, value);
    }
  }

  private peek(): Token {
    this.peeked ??= this.lexer.next();
    return this.peeked;
  }

  private take(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private isWord(text: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text === text;
  }

  private unexpected(t: Token, expecting?: string): ShellSyntaxError {
    if (t.kind === 'eof') {
      const suffix = expecting ? ` (expecting "${expecting}")` : '';
      return new ShellSyntaxError(`unexpected end of file${suffix}`, true);
    }
    if (t.kind === 'newline') return new ShellSyntaxError('unexpected newline', false);
    return new ShellSyntaxError(`unexpected "${t.text}"`, false);
  }

  private expectWord(text: string): void {
    const t = this.take();
    if (t.kind !== 'word' || t.text !== text) throw this.unexpected(t, text);
  }

  private expectOp(text: string): void {
    const t = this.take();
    if (t.kind !== 'op' || t.text !== text) throw this.unexpected(t, text);
  }

  private linebreak(): void {
    while (this.peek().kind === 'newline') this.take();
  }

  /** Line the parser has reached (where a syntax error was found). */
  currentLine(): number {
    return this.lexer.lineAt(Math.max(0, this.lexer.pos - 1));
  }

  /** The next complete command, or undefined at end of input. */
  parseCommand(): Node | undefined {
    this.aliasExpansions = 0;
    this.linebreak();
    if (this.peek().kind === 'eof') return undefined;
    const node = this.list(true);
    const t = this.peek();
    if (t.kind === 'newline') this.take();
    else if (t.kind !== 'eof') throw this.unexpected(t);
    return node;
  }

  /** A list; at top level it ends at a newline, inside compounds it spans newlines. */
  private list(topLevel: boolean): Node {
    const items: { node: Node; async: boolean }[] = [];
    for (;;) {
      if (!topLevel) this.linebreak();
      if (!topLevel && this.atListEnd()) break;
      const node = this.andOr();
      let async = false;
      if (this.isOp(';') || this.isOp('&')) {
        async = this.take().text === '&';
        items.push({ node, async });
        if (topLevel && (this.peek().kind === 'newline' || this.peek().kind === 'eof')) break;
        continue;
      }
      items.push({ node, async });
      if (topLevel || this.peek().kind !== 'newline') break;
    }
    if (items.length === 0) throw this.unexpected(this.peek());
    if (items.length === 1 && !items[0]!.async) return items[0]!.node;
    return { kind: 'list', items };
  }

  private atListEnd(): boolean {
    const t = this.peek();
    if (t.kind === 'eof') return true;
    if (t.kind === 'op') return t.text === ')' || t.text === ';;';
    return t.kind === 'word' && CLOSERS.has(t.text);
  }

  private andOr(): Node {
    const first = this.pipeline();
    const rest: { op: '&&' | '||'; node: Node }[] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = this.take().text as '&&' | '||';
      this.linebreak();
      rest.push({ op, node: this.pipeline() });
    }
    return rest.length === 0 ? first : { kind: 'andor', first, rest };
  }

  private pipeline(): Node {
    let bang = false;
    if (this.isWord('!')) {
      this.take();
      bang = true;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.take();
      this.linebreak();
      commands.push(this.command());
    }
    if (!bang && commands.length === 1) return commands[0]!;
    return { kind: 'pipeline', bang, commands };
  }

  private command(): Command {
    if (this.aliases.size > 0) this.expandAlias();
    const t = this.peek();
    if (t.kind === 'op' && t.text === '(') {
      this.take();
      const body = this.list(false);
      this.expectOp(')');
      return { kind: 'subshell', body, redirs: this.redirects() };
    }
    if (t.kind === 'word') {
      switch (t.text) {
        case '{': return this.group();
        case 'if': return this.ifClause();
        case 'while':
        case 'until': return this.loop();
        case 'for': return this.forClause();
        case 'case': return this.caseClause();
        default:
          if (CLOSERS.has(t.text)) throw this.unexpected(t);
      }
    }
    return this.simple();
  }

  private group(): Command {
    this.take();
    const body = this.list(false);
    this.expectWord('}');
    return { kind: 'group', body, redirs: this.redirects() };
  }

  private ifClause(): Command {
    this.take();
    const clauses: { cond: Node; body: Node }[] = [];
    let elseBody: Node | undefined;
    for (;;) {
      const cond = this.list(false);
      this.expectWord('then');
      const body = this.list(false);
      clauses.push({ cond, body });
      const t = this.take();
      if (t.kind === 'word' && t.text === 'elif') continue;
      if (t.kind === 'word' && t.text === 'else') {
        elseBody = this.list(false);
        this.expectWord('fi');
        break;
      }
      if (t.kind === 'word' && t.text === 'fi') break;
      throw this.unexpected(t, 'fi');
    }
    return { kind: 'if', clauses, elseBody, redirs: this.redirects() };
  }

  private loop(): Command {
    const until = this.take().text === 'until';
    const cond = this.list(false);
    this.expectWord('do');
    const body = this.list(false);
    this.expectWord('done');
    return { kind: 'loop', until, cond, body, redirs: this.redirects() };
  }

  private forClause(): Command {
    this.take();
    const nameTok = this.take();
    if (nameTok.kind !== 'word' || !NAME_RE.test(nameTok.text)) throw new ShellSyntaxError(`bad for loop variable`, false);
    let items: string[] | undefined;
    this.linebreak();
    if (this.isWord('in')) {
      this.take();
      items = [];
      while (this.peek().kind === 'word') items.push(this.take().text);
      if (this.isOp(';')) this.take();
      else if (this.peek().kind !== 'newline') throw this.unexpected(this.peek());
    } else if (this.isOp(';')) {
      this.take();
    }
    this.linebreak();
    this.expectWord('do');
    const body = this.list(false);
    this.expectWord('done');
    return { kind: 'for', name: nameTok.text, items, body, redirs: this.redirects() };
  }

  private caseClause(): Command {
    this.take();
    const wordTok = this.take();
    if (wordTok.kind !== 'word') throw this.unexpected(wordTok);
    this.linebreak();
    this.expectWord('in');
    const arms: { patterns: string[]; body: Node | undefined }[] = [];
    for (;;) {
      this.linebreak();
      if (this.isWord('esac')) break;
      if (this.isOp('(')) this.take();
      const patterns: string[] = [];
      for (;;) {
        const p = this.take();
        if (p.kind !== 'word') throw this.unexpected(p);
        patterns.push(p.text);
        if (!this.isOp('|')) break;
        this.take();
      }
      this.expectOp(')');
      this.linebreak();
      const body = this.isOp(';;') || this.isWord('esac') ? undefined : this.list(false);
      arms.push({ patterns, body });
      if (this.isOp(';;')) this.take();
      else break;
    }
    this.linebreak();
    this.expectWord('esac');
    return { kind: 'case', word: wordTok.text, arms, redirs: this.redirects() };
  }

  private redirects(): Redir[] {
    const out: Redir[] = [];
    for (;;) {
      const r = this.redirect();
      if (!r) return out;
      out.push(r);
    }
  }

  private redirect(): Redir | undefined {
    let t = this.peek();
    let fd: number | undefined;
    if (t.kind === 'ionum') {
      this.take();
      fd = Number(t.text);
      t = this.peek();
    } else if (t.kind !== 'op' || !REDIR_OPS.has(t.text)) {
      return undefined;
    }
    if (t.kind !== 'op' || !REDIR_OPS.has(t.text)) throw this.unexpected(t);
    this.take();
    const op = t.text as RedirOp;
    const target = this.take();
    if (target.kind !== 'word') throw this.unexpected(target);
    if (op === '<<' || op === '<<-') {
      const literal = /['"\\]/.test(target.text);
      const delimiter = target.text.replace(/\\(.)/g, '$1').replace(/['"]/g, '');
      const heredoc = { delimiter, literal, stripTabs: op === '<<-', body: '' };
      this.lexer.expectHereDoc(heredoc);
      return { fd, op, target: target.text, heredoc };
    }
    return { fd, op, target: target.text };
  }

  private simple(): Command {
    const assigns: string[] = [];
    const words: string[] = [];
    const redirs: Redir[] = [];
    const line = this.lexer.lineAt(this.peek().start);
    for (;;) {
      const r = this.redirect();
      if (r) {
        redirs.push(r);
        continue;
      }
      const t = this.peek();
      if (t.kind !== 'word') break;
      this.take();
      if (words.length === 0 && ASSIGN_RE.test(t.text)) {
        assigns.push(t.text);
        continue;
      }
      if (words.length === 0 && assigns.length === 0 && redirs.length === 0 && this.isOp('(')) {
        return this.funcDef(t.text);
      }
      words.push(t.text);
    }
    if (assigns.length === 0 && words.length === 0 && redirs.length === 0) throw this.unexpected(this.peek());
    return { kind: 'simple', line, assigns, words, redirs };
  }

  private funcDef(name: string): Command {
    this.take();
    this.expectOp(')');
    this.linebreak();
    if (!NAME_RE.test(name)) throw new ShellSyntaxError(`bad function name`, false);
    const body = this.command();
    return { kind: 'func', name, body };
  }
}

/** Parses a whole string (for -c, eval, command substitution, tests). */
export function parseAll(src: string, aliases?: ReadonlyMap<string, string>): Node[] {
  const p = new Parser(src, aliases);
  const out: Node[] = [];
  for (;;) {
    const n = p.parseCommand();
    if (!n) return out;
    out.push(n);
  }
}
