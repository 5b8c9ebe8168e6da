import { describe, it, expect } from 'vitest';
import { STAT_SIZE, emitDirent, emitStat, parseDirents, parseStat, parseUtsname, shellStatus } from './structs';

describe('kernel struct codecs (aarch64 layouts)', () => {
  it('round-trips struct stat at its offsets', () => {
    const st = {
      dev: 21, ino: 7, mode: 0o100644, nlink: 1, uid: 0, gid: 0, rdev: 0, sizeBytes: 3, blksize: 4096, blocks: 8,
      atimeSec: 1, atimeNsec: 2, mtimeSec: 3, mtimeNsec: 4, ctimeSec: 5, ctimeNsec: 6,
    };
    const b = emitStat(st);
    expect(b.length).toBe(STAT_SIZE);
    expect(new DataView(b.buffer).getUint32(16, true)).toBe(0o100644);
    expect(new DataView(b.buffer).getBigInt64(48, true)).toBe(3n);
    expect(parseStat(b)).toEqual(st);
    expect(parseStat(b.subarray(0, 100))).toBeUndefined();
  });

  it('parses getdents64 records and stops at a corrupt reclen', () => {
    const a = emitDirent({ ino: 1, type: 4, name: '.' }, 1);
    const b = emitDirent({ ino: 9, type: 8, name: 'file.txt' }, 2);
    const buf = new Uint8Array(a.length + b.length + 24);
    buf.set(a);
    buf.set(b, a.length);
    expect(a.length % 8).toBe(0);
    expect(parseDirents(buf)).toEqual([{ ino: 1, type: 4, name: '.' }, { ino: 9, type: 8, name: 'file.txt' }]);
  });

  it('reads utsname fields of 65 bytes', () => {
    const b = new Uint8Array(390);
    b.set(new TextEncoder().encode('Linux'), 0);
    b.set(new TextEncoder().encode('aarch64'), 4 * 65);
    expect(parseUtsname(b)).toMatchObject({ sysname: 'Linux', machine: 'aarch64', nodename: '' });
  });

  it('maps wait statuses to shell statuses', () => {
    expect(shellStatus(42 << 8)).toBe(42);
    expect(shellStatus(15)).toBe(143);
    expect(shellStatus(9 | 0x80)).toBe(137);
  });
});
