// Pure decoders for the kernel structures the userland reads, in their aarch64 (LP64,
// asm-generic) layouts: struct stat, linux_dirent64, utsname, sysinfo, statfs, and the
// wait status word.

import { fromUtf8, untilNul } from './text';

export interface Stat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  sizeBytes: number;
  blksize: number;
  blocks: number;
  atimeSec: number;
  atimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  ctimeSec: number;
  ctimeNsec: number;
}

/** struct stat (asm-generic/stat.h) is 128 bytes on aarch64. */
export const STAT_SIZE = 128;

function u64(v: DataView, off: number): number {
  return Number(v.getBigUint64(off, true));
}

function i64(v: DataView, off: number): number {
  return Number(v.getBigInt64(off, true));
}

export function parseStat(b: Uint8Array): Stat | undefined {
  if (b.length < STAT_SIZE) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    dev: u64(v, 0),
    ino: u64(v, 8),
    mode: v.getUint32(16, true),
    nlink: v.getUint32(20, true),
    uid: v.getUint32(24, true),
    gid: v.getUint32(28, true),
    rdev: u64(v, 32),
    sizeBytes: i64(v, 48),
    blksize: v.getInt32(56, true),
    blocks: i64(v, 64),
    atimeSec: i64(v, 72),
    atimeNsec: u64(v, 80),
    mtimeSec: i64(v, 88),
    mtimeNsec: u64(v, 96),
    ctimeSec: i64(v, 104),
    ctimeNsec: u64(v, 112),
  };
}

/** Inverse of parseStat, for tests and stand-in kernels. */
export function emitStat(s: Stat): Uint8Array {
  const b = new Uint8Array(STAT_SIZE);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(s.dev), true);
  v.setBigUint64(8, BigInt(s.ino), true);
  v.setUint32(16, s.mode, true);
  v.setUint32(20, s.nlink, true);
  v.setUint32(24, s.uid, true);
  v.setUint32(28, s.gid, true);
  v.setBigUint64(32, BigInt(s.rdev), true);
  v.setBigInt64(48, BigInt(s.sizeBytes), true);
  v.setInt32(56, s.blksize, true);
  v.setBigInt64(64, BigInt(s.blocks), true);
  v.setBigInt64(72, BigInt(s.atimeSec), true);
  v.setBigUint64(80, BigInt(s.atimeNsec), true);
  v.setBigInt64(88, BigInt(s.mtimeSec), true);
  v.setBigUint64(96, BigInt(s.mtimeNsec), true);
  v.setBigInt64(104, BigInt(s.ctimeSec), true);
  v.setBigUint64(112, BigInt(s.ctimeNsec), true);
  return b;
}

export interface Dirent {
  ino: number;
  type: number;
  name: string;
}

/** d_type values (DT_*). */
export const DT_DIR = 4;
export const DT_REG = 8;
export const DT_LNK = 10;

/** A getdents64 buffer: records of {u64 ino, s64 off, u16 reclen, u8 type, name\0}. */
export function parseDirents(b: Uint8Array): Dirent[] {
  const out: Dirent[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  while (at + 19 <= b.length) {
    const reclen = v.getUint16(at + 16, true);
    if (reclen < 20 || at + reclen > b.length) break;
    out.push({
      ino: u64(v, at),
      type: v.getUint8(at + 18),
      name: fromUtf8(untilNul(b.subarray(at + 19, at + reclen))),
    });
    at += reclen;
  }
  return out;
}

export function emitDirent(d: Dirent, offset: number): Uint8Array {
  const name = new TextEncoder().encode(d.name);
  const reclen = (19 + name.length + 1 + 7) & ~7;
  const b = new Uint8Array(reclen);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(d.ino), true);
  v.setBigInt64(8, BigInt(offset), true);
  v.setUint16(16, reclen, true);
  v.setUint8(18, d.type);
  b.set(name, 19);
  return b;
}

export interface Utsname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  domainname: string;
}

/** struct new_utsname: six 65-byte fields. */
export const UTSNAME_SIZE = 6 * 65;

export function parseUtsname(b: Uint8Array): Utsname | undefined {
  if (b.length < UTSNAME_SIZE) return undefined;
  const field = (i: number): string => fromUtf8(untilNul(b.subarray(i * 65, (i + 1) * 65)));
  return {
    sysname: field(0),
    nodename: field(1),
    release: field(2),
    version: field(3),
    machine: field(4),
    domainname: field(5),
  };
}

export interface Sysinfo {
  uptimeSec: number;
  loads: [number, number, number];
  totalram: number;
  freeram: number;
  sharedram: number;
  bufferram: number;
  totalswap: number;
  freeswap: number;
  procs: number;
  memUnit: number;
}

/** struct sysinfo on LP64: 112 bytes. */
export const SYSINFO_SIZE = 112;

export function parseSysinfo(b: Uint8Array): Sysinfo | undefined {
  if (b.length < SYSINFO_SIZE) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    uptimeSec: i64(v, 0),
    loads: [u64(v, 8), u64(v, 16), u64(v, 24)],
    totalram: u64(v, 32),
    freeram: u64(v, 40),
    sharedram: u64(v, 48),
    bufferram: u64(v, 56),
    totalswap: u64(v, 64),
    freeswap: u64(v, 72),
    procs: v.getUint16(80, true),
    memUnit: v.getUint32(104, true) || 1,
  };
}

export interface Statfs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  frsize: number;
}

/** struct statfs (asm-generic/statfs.h, 64-bit): 120 bytes. */
export const STATFS_SIZE = 120;

export function parseStatfs(b: Uint8Array): Statfs | undefined {
  if (b.length < STATFS_SIZE) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    type: i64(v, 0),
    bsize: i64(v, 8),
    blocks: u64(v, 16),
    bfree: u64(v, 24),
    bavail: u64(v, 32),
    files: u64(v, 40),
    ffree: u64(v, 48),
    frsize: i64(v, 72),
  };
}

/** The wait4 status word (W* macros). */
export function waitExited(status: number): boolean {
  return (status & 0x7f) === 0;
}

export function waitExitCode(status: number): number {
  return (status >> 8) & 0xff;
}

export function waitSignaled(status: number): boolean {
  const sig = status & 0x7f;
  return sig !== 0 && sig !== 0x7f;
}

export function waitTermSig(status: number): number {
  return status & 0x7f;
}

export function waitStopped(status: number): boolean {
  return (status & 0xff) === 0x7f;
}

/** The shell's view of a wait status: exit code, or 128 + signal. */
export function shellStatus(status: number): number {
  if (waitSignaled(status)) return 128 + waitTermSig(status);
  if (waitStopped(status)) return 128 + ((status >> 8) & 0xff);
  return waitExitCode(status);
}
