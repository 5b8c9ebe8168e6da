import { describe, it, expect } from 'vitest';
import { hasGlobChars, patternMatch, trimPattern } from './pattern';

describe('shell patterns', () => {
  it('matches *, ? and bracket expressions', () => {
    expect(patternMatch('a*c', 'abbbc')).toBe(true);
    expect(patternMatch('a?c', 'abc')).toBe(true);
    expect(patternMatch('a?c', 'abbc')).toBe(false);
    expect(patternMatch('[a-c]x', 'bx')).toBe(true);
    expect(patternMatch('[!a-c]x', 'bx')).toBe(false);
    expect(patternMatch('[[:digit:]]*', '9lives')).toBe(true);
    expect(patternMatch('\\*', '*')).toBe(true);
    expect(patternMatch('\\*', 'a')).toBe(false);
    expect(patternMatch('a.b', 'axb')).toBe(false);
  });

  it('trims prefixes and suffixes, shortest and longest', () => {
    expect(trimPattern('/a/b/c.txt', '*/', '#')).toBe('a/b/c.txt');
    expect(trimPattern('/a/b/c.txt', '*/', '##')).toBe('c.txt');
    expect(trimPattern('x.tar.gz', '.*', '%')).toBe('x.tar');
    expect(trimPattern('x.tar.gz', '.*', '%%')).toBe('x');
  });

  it('sees glob characters only when unescaped', () => {
    expect(hasGlobChars('*.c')).toBe(true);
    expect(hasGlobChars('\\*.c')).toBe(false);
  });
});
