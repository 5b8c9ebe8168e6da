import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { formatDurationNs, parseDurationNs } from './duration';
import { interpolate } from './interpolate';
import { parseKeys, lineBytes } from './keys';
import { formatPath, pathOf } from './paths';

describe('durations', () => {
  it.each([['40ns', 40], ['3us', 3000], ['250ms', 2.5e8], ['5s', 5e9], ['1.5s', 1.5e9], ['2m', 120e9]])('%s', (t, ns) => {
    expect(parseDurationNs(t)).toBe(ns);
  });
  it.each(['5', '5 s', 's', '-1s', '1h', ''])('rejects %j', (t) => expect(parseDurationNs(t)).toBeUndefined());
  it('formats back', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (ns) => {
      const back = parseDurationNs(formatDurationNs(ns));
      expect(back).toBeDefined();
      expect(Math.abs((back ?? 0) - ns)).toBeLessThanOrEqual(Math.max(1, ns * 1e-6));
    }));
  });
});

describe('keys', () => {
  it('turns caret notation into control bytes', () => {
    expect(parseKeys('a^C^[^?^^^@')).toEqual({ ok: true, bytes: Uint8Array.from([0x61, 3, 0x1b, 0x7f, 0x5e, 0]) });
    expect(parseKeys('^c')).toEqual({ ok: true, bytes: Uint8Array.from([3]) });
    expect(parseKeys('é')).toEqual({ ok: true, bytes: Uint8Array.from([0xc3, 0xa9]) });
  });
  it('refuses what is not a control character', () => {
    expect(parseKeys('^').ok).toBe(false);
    expect(parseKeys('^1').ok).toBe(false);
  });
  it('ends a line with a newline', () => expect(lineBytes('ls')).toEqual(Uint8Array.from([0x6c, 0x73, 0x0a])));
});

describe('interpolate', () => {
  it('fills ${name} and leaves other dollars alone', () => {
    expect(interpolate('e2fsck ${disk}; echo $? $HOME', { disk: 'd.img' })).toEqual({ ok: true, text: 'e2fsck d.img; echo $? $HOME' });
  });
  it('names a missing variable', () => {
    expect(interpolate('${nope}', {})).toEqual({ ok: false, error: 'unknown variable ${nope}' });
  });
});

describe('paths', () => {
  it('prints ajv instance paths as users write them', () => {
    expect(formatPath(pathOf('/steps/3/expect'))).toBe('steps[3].expect');
    expect(formatPath(pathOf(''))).toBe('(top level)');
  });
});
