import { describe, it, expect } from 'vitest';
import { columns, longLine, lsDate, modeString } from './ls-format';

const NOW = Date.UTC(2026, 10, 23, 1, 0) / 1000;

// Lines captured from BusyBox 1.35 `ls -l`.
describe('ls formatting', () => {
  it('renders modes', () => {
    expect(modeString(0o100644)).toBe('-rw-r--r--');
    expect(modeString(0o040755)).toBe('drwxr-xr-x');
    expect(modeString(0o041777)).toBe('drwxrwxrwt');
    expect(modeString(0o104755)).toBe('-rwsr-xr-x');
    expect(modeString(0o120777)).toBe('lrwxrwxrwx');
  });

  it('prints BusyBox long lines', () => {
    const t = Date.UTC(2026, 10, 23, 0, 45) / 1000;
    expect(longLine({ mode: 0o100644, nlink: 1, owner: 'root', group: 'root', sizeBytes: 3, rdev: 0, mtimeSec: t, name: 'a' }, NOW))
      .toBe('-rw-r--r--    1 root     root             3 Nov 23 00:45 a');
    expect(longLine({ mode: 0o120777, nlink: 1, owner: 'root', group: 'root', sizeBytes: 1, rdev: 0, mtimeSec: t, name: 'l', linkTarget: 'a' }, NOW))
      .toBe('lrwxrwxrwx    1 root     root             1 Nov 23 00:45 l -> a');
    expect(longLine({ mode: 0o020666, nlink: 1, owner: 'root', group: 'root', sizeBytes: 0, rdev: 0x103, mtimeSec: t, name: '/dev/null' }, NOW))
      .toBe('crw-rw-rw-    1 root     root        1,   3 Nov 23 00:45 /dev/null');
  });

  it('shows the year for old files', () => {
    expect(lsDate(Date.UTC(2024, 0, 5, 10, 0) / 1000, NOW)).toBe('Jan  5  2024');
  });

  it('lays out columns top to bottom', () => {
    expect(columns(['a', 'd', 'l'], 80)).toBe('a  d  l\n');
    expect(columns(['aaaa', 'b', 'c', 'd', 'e'], 14)).toBe('aaaa  d\nb     e\nc\n');
  });
});
