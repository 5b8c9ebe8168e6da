import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sh } from '../testing/harness';
import { ShellSyntaxError } from './lexer';
import { parseAll } from './parser';

// Guest input never crashes the host: any text either parses or gives a ShellSyntaxError,
// and running it ends with a status, never an exception out of the program.
const TOKENS = [
  'echo', 'x', 'y=1', 'if', 'then', 'else', 'fi', 'for', 'in', 'do', 'done', 'case', 'esac', '$x', '${x', '${x:-', '}', '$((', '))',
  '$(', ')', '(', '`', "'", '"', '|', '||', '&&', '&', ';', ';;', '\n', '{', '<<', 'EOF', '>', '<', '2>&1', '>&-', '*', '\\', '#',
  '$?', '$@', '"$@"', 'alias', 'x=x', 'x="echo x"', 'f()', 'return', 'break', 'exit', 'shift', 'set', '--', 'test', '[', ']', '-z', '!', 'cat', 'true', 'false',
];
const script = fc.array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom('', ' ')), { maxLength: 14 })
  .map((parts) => parts.map(([t, sep]) => t + sep).join(''));

describe('sh on arbitrary input', () => {
  it('parses or reports a syntax error', () => {
    fc.assert(fc.property(script, (src) => {
      try {
        parseAll(src);
      } catch (e) {
        expect(e).toBeInstanceOf(ShellSyntaxError);
      }
    }), { numRuns: 400 });
  });

  it('runs to an exit status without throwing', () => {
    fc.assert(fc.property(script, (src) => {
      const r = sh(src);
      expect(r.status).toBeGreaterThanOrEqual(0);
      expect(r.status).toBeLessThan(256);
    }), { numRuns: 150 });
  });
});
