import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoteShellWord, splitShellWords } from './shell-words';

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['-M q35  -m 1G', ['-M', 'q35', '-m', '1G']],
    [`-append 'console=ttyS0 root=/dev/vda'`, ['-append', 'console=ttyS0 root=/dev/vda']],
    [`-append "a \\"b\\" \\$HOME"`, ['-append', 'a "b" $HOME']],
    [`-append ''`, ['-append', '']],
    ['a\\ b c', ['a b', 'c']],
    ['\n -M\tvirt\n', ['-M', 'virt']],
    ['$HOME *', ['$HOME', '*']],
  ])('%j', (text, words) => {
    expect(splitShellWords(text)).toEqual({ ok: true, value: words });
  });

  it('reports an unterminated quote', () => {
    expect(splitShellWords(`-append 'oops`)).toEqual({ ok: false, error: 'unterminated single quote' });
  });

  it('splits back what quoteShellWord quoted', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 10 }), { maxLength: 6 }), (words) => {
        expect(splitShellWords(words.map(quoteShellWord).join(' '))).toEqual({ ok: true, value: words });
      }),
    );
  });
});
