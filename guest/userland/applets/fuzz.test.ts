import { describe, it } from 'vitest';
import fc from 'fast-check';
import { expandSet, parseList, sortLines, trText } from './filters';
import { printfText, echoText } from './printf-format';
import { compile } from './regex';
import { parseSed, runSed } from './sed-script';

// Hostile arguments never throw out of the pure applet logic.
const text = fc.string({ unit: fc.constantFrom('a', 'b', '\\', '%', '/', '[', ']', '(', ')', '*', '+', '{', '}', '1', '-', ':', '$', '^', 'n', 's', 'd', '.', ' ', '\n', 'x', 'g', 'p', ';', '!', '=') , maxLength: 16 });

describe('applet logic on arbitrary input', () => {
  it('printf and echo', () => {
    fc.assert(fc.property(text, fc.array(text, { maxLength: 3 }), (f, args) => {
      printfText(f, args);
      echoText([f, ...args]);
    }), { numRuns: 1000 });
  });

  it('regex translation, sed scripts', () => {
    fc.assert(fc.property(text, fc.boolean(), fc.array(text, { maxLength: 3 }), (re, ext, lines) => {
      compile(re, ext, '');
      const parsed = parseSed(re, ext);
      if ('commands' in parsed) runSed(parsed.commands, lines, false);
    }), { numRuns: 1000 });
  });

  it('tr sets, cut lists, sort keys', () => {
    fc.assert(fc.property(text, text, fc.array(text, { maxLength: 4 }), (a, b, lines) => {
      trText(lines.join('\n'), expandSet(a), expandSet(b), new Map([['s', 1]]));
      parseList(a);
      sortLines(lines, new Map([['n', 1]]), new Map([['k', a], ['t', ':']]));
    }), { numRuns: 1000 });
  });
});
