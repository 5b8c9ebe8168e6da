import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { evaluate } from './arith';

function calc(src: string, vars: Record<string, string> = {}): bigint | string {
  const store = new Map(Object.entries(vars));
  const r = evaluate(src, { get: (k) => store.get(k), set: (k, v) => void store.set(k, v) });
  return 'value' in r ? r.value : r.error;
}

describe('shell arithmetic', () => {
  it('follows C precedence and associativity', () => {
    expect(calc('1 + 2 * 3')).toBe(7n);
    expect(calc('(1 + 2) * 3')).toBe(9n);
    expect(calc('10 - 4 - 3')).toBe(3n);
    expect(calc('2 << 3 | 1')).toBe(17n);
    expect(calc('1 < 2 && 3 > 4 || 5 == 5')).toBe(1n);
    expect(calc('-7 / 2')).toBe(-3n);
    expect(calc('-7 % 2')).toBe(-1n);
    expect(calc('1 ? 2 : 3')).toBe(2n);
    expect(calc('!0 + ~0')).toBe(0n);
  });

  it('reads and assigns variables', () => {
    const store = new Map([['x', '5'], ['y', 'x']]);
    const vars = { get: (k: string) => store.get(k), set: (k: string, v: string) => void store.set(k, v) };
    expect(evaluate('x * 2', vars)).toEqual({ value: 10n });
    expect(evaluate('y + 1', vars)).toEqual({ value: 6n });
    expect(evaluate('x += 3, x++, x', vars)).toEqual({ value: 9n });
    expect(store.get('x')).toBe('9');
    expect(evaluate('unset_var + 1', vars)).toEqual({ value: 1n });
  });

  it('reads hex and octal constants', () => {
    expect(calc('0x10 + 010')).toBe(24n);
  });

  it('reports errors in ash wording', () => {
    expect(calc('1 / 0')).toBe('divide by zero');
    expect(calc('1 +')).toBe('arithmetic syntax error');
    expect(calc('08')).toBe('arithmetic syntax error');
  });

  it('wraps at 64 bits like intmax_t', () => {
    expect(calc('9223372036854775807 + 1')).toBe(-9223372036854775808n);
  });

  it('agrees with BigInt on random sums and products', () => {
    fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b) => {
      expect(calc(`${a} + ${b} * 3`)).toBe(BigInt(a) + BigInt(b) * 3n);
    }));
  });
});
