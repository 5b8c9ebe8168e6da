import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SpmTokenizer } from './tokenizer';
import { byteVocabulary, SPM_SPACE, TOKEN_TYPE } from './vocab';

// Fixed seed: the same cases on every run (failures print the seed and path to replay).
fc.configureGlobal({ seed: 1009 });

function byteTokenizer(addSpacePrefix = false): SpmTokenizer {
  const v = byteVocabulary();
  return new SpmTokenizer({
    tokens: v.map((e) => e.text), scores: v.map((e) => e.score), types: v.map((e) => e.type),
    unk: 0, bos: 1, eos: 2, addBos: true, addSpacePrefix,
  });
}

describe('SpmTokenizer (byte vocabulary)', () => {
  it('tokenizes as llama.cpp does for the twinbox vocabulary', () => {
    // Checked against node-llama-cpp on the same vocabulary: 'H' = 0x48 -> 3 + 0x48, ' ' -> "▁" (259).
    expect(byteTokenizer().encode('Hello world é')).toEqual([1, 75, 104, 111, 111, 114, 259, 122, 114, 117, 111, 103, 259, 198, 172]);
    expect(byteTokenizer().encode('', false)).toEqual([]);
    expect(byteTokenizer(true).encode('a', false)).toEqual([259, 3 + 0x61]);
  });
  it('decodes byte tokens to bytes and ▁ to a space, control tokens to nothing', () => {
    const t = byteTokenizer();
    expect(t.decode([1, 75, 259, 198, 172, 2])).toBe('H é');
    expect(Array.from(t.tokenBytes(259))).toEqual([0x20]);
    expect(t.tokenBytes(999).length).toBe(0);
  });
  it('round trips any text', () => {
    const t = byteTokenizer();
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
      const ids = t.encode(s, false);
      if (typeof ids === 'string') throw new Error(ids);
      expect(t.decode(ids)).toBe(s);
    }));
  });
  it('merges pieces by score, leftmost first on ties', () => {
    const tokens = ['<unk>', '<s>', '</s>', 'a', 'b', 'ab', 'bb', SPM_SPACE, `${SPM_SPACE}ab`];
    const t = new SpmTokenizer({
      tokens, scores: [0, 0, 0, -1, -1, -2, -1, -1, -3], types: tokens.map((_, i) => (i < 3 ? TOKEN_TYPE.CONTROL : TOKEN_TYPE.NORMAL)),
      unk: 0, bos: 1, eos: 2, addBos: false, addSpacePrefix: true,
    });
    // ▁,a,b,b,b: "bb" (-1) beats "ab" (-2) and the leftmost "bb" merges first -> ▁,a,bb,b; nothing more merges.
    expect(t.encode('abbb')).toEqual([7, 3, 6, 4]);
    expect(t.encode('ab')).toEqual([8]);
  });
});
