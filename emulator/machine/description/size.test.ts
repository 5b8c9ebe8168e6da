import { describe, expect, it } from 'vitest';
import { formatSize, parseRamSize, parseSize } from './size';

// Byte counts observed with qemu-system-x86_64 7.2 `-m X` and `info memory_size_summary`.
describe('parseRamSize (as -m reads it)', () => {
  const cases: Array<[string, number]> = [
    ['512', 512 * 2 ** 20],
    ['512M', 512 * 2 ** 20],
    ['1G', 2 ** 30],
    ['1g', 2 ** 30],
    ['1.5G', 1610612736],
    ['100k', 106496],
    ['1000000001b', 1000005632],
    ['0x100', 268435456],
    ['0', 134217728],
    ['2T', 2 * 2 ** 40],
  ];
  it.each(cases)('%s → %d bytes', (text, bytes) => {
    expect(parseRamSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(['1X', '-5', '', 'G', '1.5.5G', '1 G'])('refuses %j', (text) => {
    const parsed = parseRamSize(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(`invalid size '${text}'`);
  });

  it('refuses sizes beyond exact integers', () => {
    expect(parseSize('99999E', 20).ok).toBe(false);
  });
});

describe('formatSize', () => {
  it.each([
    [2 ** 30, '1G'],
    [1536 * 2 ** 20, '1536M'],
    [106496, '104K'],
    [2 ** 40, '1T'],
    [100, '100B'],
  ])('%d → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
    expect(parseSize(text, 20)).toEqual({ ok: true, value: bytes });
  });
});
