import { describe, expect, it } from 'vitest';
import { OnlcrUndo } from './onlcr';

describe('OnlcrUndo', () => {
  it('gives back the guest bytes from pty output with ONLCR applied', () => {
    const u = new OnlcrUndo();
    expect(u.feed('two\r\r\n/ # ')).toBe('two\r\n/ # ');
    expect(u.feed('bare\r\n')).toBe('bare\n');
  });

  it('handles a line end split across chunks', () => {
    const u = new OnlcrUndo();
    expect(u.feed('a\r\r')).toBe('a\r');
    expect(u.feed('\nb')).toBe('\nb');
    expect(u.feed('x\r')).toBe('x');
    expect(u.feed('y')).toBe('\ry');
  });
});
