import { describe, expect, it } from 'vitest';
import { humanSize, longLine } from './ls-format';

describe('ls -h sizes (BusyBox make_human_readable_str(size, 1, 0))', () => {
  it('keeps bytes below 1 KiB, else one rounded decimal and a unit', () => {
    expect([0, 12, 1023, 1024, 1536, 4096, 1048575, 64 << 20, 134217728, 1.5 * 2 ** 30].map(humanSize))
      .toEqual(['0', '12', '1023', '1.0K', '1.5K', '4.0K', '1024.0K', '64.0M', '128.0M', '1.5G']);
  });

  it('puts the size in a 7-wide column in the long listing', () => {
    const line = longLine({ mode: 0o100644, nlink: 1, owner: 'root', group: 'root', sizeBytes: 64 << 20, rdev: 0, mtimeSec: 0, name: 'big', human: true }, 0);
    expect(line).toBe('-rw-r--r--    1 root     root       64.0M Jan  1 00:00 big');
  });
});
