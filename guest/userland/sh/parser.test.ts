import { describe, it, expect } from 'vitest';
import { ShellSyntaxError } from './lexer';
import { Parser, parseAll } from './parser';

describe('shell parser', () => {
  it('parses lists, and-or lists and pipelines', () => {
    const [n] = parseAll('a | b && c || d; e &');
    expect(n?.kind).toBe('list');
    if (n?.kind !== 'list') return;
    expect(n.items.map((i) => i.async)).toEqual([false, true]);
    const first = n.items[0]!.node;
    expect(first.kind).toBe('andor');
    if (first.kind !== 'andor') return;
    expect(first.first.kind).toBe('pipeline');
    expect(first.rest.map((r) => r.op)).toEqual(['&&', '||']);
  });

  it('keeps words raw, quotes and substitutions included', () => {
    const [n] = parseAll(`echo "a b" 'c d' $(echo ")") \${x:-"y z"} \`q\``);
    expect(n?.kind === 'simple' && n.words).toEqual(['echo', '"a b"', "'c d'", '$(echo ")")', '${x:-"y z"}', '`q`']);
  });

  it('reads redirections with io numbers and here-documents', () => {
    const [n] = parseAll('cat 2>&1 >out <<EOF <<-"T"\nhello $x\nEOF\n\tlit\nT\n');
    expect(n?.kind).toBe('simple');
    if (n?.kind !== 'simple') return;
    expect(n.redirs.map((r) => [r.fd, r.op, r.target])).toEqual([[2, '>&', '1'], [undefined, '>', 'out'], [undefined, '<<', 'EOF'], [undefined, '<<-', '"T"']]);
    expect(n.redirs[2]!.heredoc).toMatchObject({ body: 'hello $x\n', literal: false });
    expect(n.redirs[3]!.heredoc).toMatchObject({ body: 'lit\n', literal: true });
  });

  it('parses compound commands and functions', () => {
    const src = 'if a; then b; elif c; then d; else e; fi\nwhile x; do y; done\nfor i in 1 2; do :; done\ncase $v in a|b) x;; *) ;; esac\nf() { g; }\n(sub)';
    expect(parseAll(src).map((n) => n.kind)).toEqual(['if', 'loop', 'for', 'case', 'func', 'subshell']);
  });

  it('records source lines of simple commands', () => {
    const nodes = parseAll('a\n\nb\n');
    expect(nodes.map((n) => (n.kind === 'simple' ? n.line : 0))).toEqual([1, 3]);
  });

  it('reports ash-style syntax errors', () => {
    const err = (src: string): ShellSyntaxError => {
      try {
        parseAll(src);
      } catch (e) {
        if (e instanceof ShellSyntaxError) return e;
      }
      throw new Error(`no syntax error for ${src}`);
    };
    expect(err('if then').message).toBe('unexpected "then"');
    expect(err('fi').message).toBe('unexpected "fi"');
    expect(err('echo (').message).toBe('unexpected end of file (expecting ")")');
    expect(err('echo "abc').message).toBe('unterminated quoted string');
    expect(err('if true; then echo').incomplete).toBe(true);
    expect(err('a &&').incomplete).toBe(true);
    expect(err(';').incomplete).toBe(false);
  });

  it('parses one complete command at a time', () => {
    const p = new Parser('echo a\nfi\n');
    expect(p.parseCommand()?.kind).toBe('simple');
    expect(() => p.parseCommand()).toThrow(ShellSyntaxError);
  });
});
