import { describe, it, expect } from 'vitest';
import { getopt } from './getopt';

describe('getopt', () => {
  it('bundles flags and takes option arguments attached or separate', () => {
    const r = getopt(['-la', '-n5', '-e', 'x', '-e', 'y', 'file'], 'lan:e:');
    expect(r).toMatchObject({ operands: ['file'] });
    if ('error' in r) return;
    expect([...r.flags.keys()]).toEqual(['l', 'a']);
    expect(r.values.get('n')).toBe('5');
    expect(r.lists.get('e')).toEqual(['x', 'y']);
  });

  it('stops at -- and (without permutation) at the first operand', () => {
    expect(getopt(['a', '-l'], 'l')).toMatchObject({ operands: ['a', '-l'] });
    expect(getopt(['a', '-l'], 'l', true)).toMatchObject({ operands: ['a'] });
    expect(getopt(['--', '-l'], 'l')).toMatchObject({ operands: ['-l'] });
    expect(getopt(['-'], 'l')).toMatchObject({ operands: ['-'] });
  });

  it('reports BusyBox-style errors', () => {
    expect(getopt(['-z'], 'l')).toEqual({ error: "invalid option -- 'z'" });
    expect(getopt(['-n'], 'n:')).toEqual({ error: "option requires an argument -- 'n'" });
  });
});
