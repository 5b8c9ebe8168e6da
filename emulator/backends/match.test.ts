import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { findPattern, PatternWatcher } from './match';
import { OutputLog } from './sim/output-log';

describe('findPattern', () => {
  it('reports byte offsets, also after multi-byte characters', () => {
    expect(findPattern('b', 'éab', 10)).toMatchObject({ startOffset: 13, endOffset: 14 });
    expect(findPattern(/a(?<x>b)/g, 'xxab', 0)).toMatchObject({ startOffset: 2, endOffset: 4, groups: ['ab', 'b'], named: { x: 'b' } });
    expect(findPattern('zz', 'ab', 0)).toBeUndefined();
  });
});

describe('PatternWatcher', () => {
  it('finds what one search over the whole text finds, however the output was chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\n', '😀') }), { maxLength: 12 }),
        fc.constantFrom('ab', 'é\na', '😀b', 'b'),
        fc.boolean(),
        (chunks, needle, asRegex) => {
          const log = new OutputLog();
          const bytes = Buffer.from(chunks.join(''));
          const pattern = asRegex ? new RegExp(needle.replace(/\n/, '\\n')) : needle;
          const w = new PatternWatcher(pattern, log, 0);
          let hit = w.check();
          // Feed the same bytes in arbitrary byte-sized pieces, splitting UTF-8 sequences.
          for (let i = 0; i < bytes.length && !hit; i += 3) {
            log.append(bytes.subarray(i, i + 3));
            hit = w.check();
          }
          const whole = findPattern(pattern, bytes.toString('utf8'), 0);
          expect(hit?.startOffset).toBe(whole?.startOffset);
          expect(hit?.endOffset).toBe(whole?.endOffset);
        },
      ),
    );
  });

  it('looks only after its starting offset', () => {
    const log = new OutputLog();
    log.append(Buffer.from('prompt / # echo x\nx\n/ # '));
    const w = new PatternWatcher('/ # ', log, 8);
    expect(w.check()).toMatchObject({ startOffset: 20, endOffset: 24 });
  });
});
