// Linux structure layouts as pure encode/decode functions (little-endian, LP64): the
// asm-generic layouts aarch64 uses, and x86_64's where it differs (struct stat).
// Field offsets follow the uapi headers named beside each function.

import type { SyscallAbi } from './syscalls/types';

function view(size: number): [Uint8Array, DataView] {
  const b = new Uint8Array(size);
  return [b, new DataView(b.buffer)];
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const i64 = (d: DataView, off: number, v: number) => d.setBigInt64(off, BigInt(Math.trunc(v)), true);
const u64 = (d: DataView, off: number, v: number) => d.setBigUint64(off, BigInt.asUintN(64, BigInt(Math.trunc(v))), true);

/** struct timespec { time_t tv_sec; long tv_nsec; } (16 bytes). */
export const TIMESPEC_SIZE = 16;
export function encodeTimespec(ns: number): Uint8Array {
  const [b, d] = view(TIMESPEC_SIZE);
  i64(d, 0, Math.floor(ns / 1e9));
  i64(d, 8, ns - Math.floor(ns / 1e9) * 1e9);
  return b;
}

export function decodeTimespec(b: Uint8Array): { sec: number; nsec: number } {
  const d = dv(b);
  return { sec: Number(d.getBigInt64(0, true)), nsec: Number(d.getBigInt64(8, true)) };
}

/** struct timeval { time_t tv_sec; suseconds_t tv_usec; } (16 bytes). */
export function encodeTimeval(ns: number): Uint8Array {
  const [b, d] = view(16);
  i64(d, 0, Math.floor(ns / 1e9));
  i64(d, 8, Math.floor((ns % 1e9) / 1000));
  return b;
}

export interface StatInfo {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeNs: number;
  mtimeNs: number;
  ctimeNs: number;
  /** Seconds to add to the times (they are relative to this epoch); 0 when they are absolute. */
  epochS?: number;
}

function putTime(d: DataView, off: number, ns: number, epochS = 0): void {
  i64(d, off, Math.floor(ns / 1e9) + epochS);
  i64(d, off + 8, ns - Math.floor(ns / 1e9) * 1e9);
}

/** asm-generic struct stat (128 bytes) or x86_64 struct stat (144 bytes). */
export function encodeStat(s: StatInfo, abi: SyscallAbi): Uint8Array {
  if (abi === 'x86_64') {
    const [b, d] = view(144);
    u64(d, 0, s.dev); u64(d, 8, s.ino); u64(d, 16, s.nlink);
    d.setUint32(24, s.mode, true); d.setUint32(28, s.uid, true); d.setUint32(32, s.gid, true);
    u64(d, 40, s.rdev); i64(d, 48, s.size); i64(d, 56, s.blksize); i64(d, 64, s.blocks);
    putTime(d, 72, s.atimeNs, s.epochS); putTime(d, 88, s.mtimeNs, s.epochS); putTime(d, 104, s.ctimeNs, s.epochS);
    return b;
  }
  const [b, d] = view(128);
  u64(d, 0, s.dev); u64(d, 8, s.ino);
  d.setUint32(16, s.mode, true); d.setUint32(20, s.nlink, true); d.setUint32(24, s.uid, true); d.setUint32(28, s.gid, true);
  u64(d, 32, s.rdev); i64(d, 48, s.size); d.setInt32(56, s.blksize, true); i64(d, 64, s.blocks);
  putTime(d, 72, s.atimeNs, s.epochS); putTime(d, 88, s.mtimeNs, s.epochS); putTime(d, 104, s.ctimeNs, s.epochS);
  return b;
}

export function decodeStat(b: Uint8Array, abi: SyscallAbi): StatInfo {
  const d = dv(b);
  const t = (off: number) => Number(d.getBigInt64(off, true)) * 1e9 + Number(d.getBigInt64(off + 8, true));
  if (abi === 'x86_64') {
    return {
      dev: Number(d.getBigUint64(0, true)), ino: Number(d.getBigUint64(8, true)), nlink: Number(d.getBigUint64(16, true)),
      mode: d.getUint32(24, true), uid: d.getUint32(28, true), gid: d.getUint32(32, true), rdev: Number(d.getBigUint64(40, true)),
      size: Number(d.getBigInt64(48, true)), blksize: Number(d.getBigInt64(56, true)), blocks: Number(d.getBigInt64(64, true)),
      atimeNs: t(72), mtimeNs: t(88), ctimeNs: t(104),
    };
  }
  return {
    dev: Number(d.getBigUint64(0, true)), ino: Number(d.getBigUint64(8, true)), mode: d.getUint32(16, true),
    nlink: d.getUint32(20, true), uid: d.getUint32(24, true), gid: d.getUint32(28, true), rdev: Number(d.getBigUint64(32, true)),
    size: Number(d.getBigInt64(48, true)), blksize: d.getInt32(56, true), blocks: Number(d.getBigInt64(64, true)),
    atimeNs: t(72), mtimeNs: t(88), ctimeNs: t(104),
  };
}

export const STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800;

/** struct statx (256 bytes, include/uapi/linux/stat.h). */
export function encodeStatx(s: StatInfo, mask: number): Uint8Array {
  const [b, d] = view(256);
  d.setUint32(0, mask & (STATX_BASIC_STATS | STATX_BTIME), true);
  d.setUint32(4, s.blksize, true);
  d.setUint32(16, s.nlink, true); d.setUint32(20, s.uid, true); d.setUint32(24, s.gid, true);
  d.setUint16(28, s.mode, true);
  u64(d, 32, s.ino); u64(d, 40, s.size); u64(d, 48, s.blocks);
  const ts = (off: number, ns: number) => {
    i64(d, off, Math.floor(ns / 1e9) + (s.epochS ?? 0));
    d.setUint32(off + 8, ns - Math.floor(ns / 1e9) * 1e9, true);
  };
  ts(64, s.atimeNs); ts(80, s.ctimeNs); ts(96, s.ctimeNs); ts(112, s.mtimeNs);
  const { major: rmaj, minor: rmin } = splitDev(s.rdev);
  const { major: dmaj, minor: dmin } = splitDev(s.dev);
  d.setUint32(128, rmaj, true); d.setUint32(132, rmin, true); d.setUint32(136, dmaj, true); d.setUint32(140, dmin, true);
  return b;
}

/** new_decode_dev. */
export function splitDev(dev: number): { major: number; minor: number } {
  return { major: (dev & 0xfff00) >>> 8, minor: (dev & 0xff) | ((dev >>> 12) & 0xfff00) };
}

/** struct new_utsname: six 65-byte NUL-padded fields (390 bytes). */
export function encodeUtsname(f: { sysname: string; nodename: string; release: string; version: string; machine: string; domainname: string }): Uint8Array {
  const b = new Uint8Array(6 * 65);
  [f.sysname, f.nodename, f.release, f.version, f.machine, f.domainname].forEach((s, i) => {
    b.set(new TextEncoder().encode(s).subarray(0, 64), i * 65);
  });
  return b;
}

export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;
/** struct rlimit64 { u64 cur; u64 max; }, with RLIM_INFINITY as all ones. */
export function encodeRlimit(cur: bigint, max: bigint): Uint8Array {
  const [b, d] = view(16);
  d.setBigUint64(0, cur, true);
  d.setBigUint64(8, max, true);
  return b;
}

export function decodeRlimit(b: Uint8Array): { cur: bigint; max: bigint } {
  const d = dv(b);
  return { cur: d.getBigUint64(0, true), max: d.getBigUint64(8, true) };
}

/** struct iovec { void *base; size_t len; } array. */
export function decodeIovecs(b: Uint8Array): Array<{ base: number; len: number }> {
  const d = dv(b);
  const out: Array<{ base: number; len: number }> = [];
  for (let off = 0; off + 16 <= b.length; off += 16) {
    out.push({ base: Number(d.getBigUint64(off, true)), len: Number(d.getBigUint64(off + 8, true)) });
  }
  return out;
}

/** struct pollfd { int fd; short events; short revents; } (8 bytes). */
export function decodePollfds(b: Uint8Array): Array<{ fd: number; events: number }> {
  const d = dv(b);
  const out: Array<{ fd: number; events: number }> = [];
  for (let off = 0; off + 8 <= b.length; off += 8) out.push({ fd: d.getInt32(off, true), events: d.getUint16(off + 4, true) });
  return out;
}

export function encodePollfd(fd: number, events: number, revents: number): Uint8Array {
  const [b, d] = view(8);
  d.setInt32(0, fd, true);
  d.setUint16(4, events, true);
  d.setUint16(6, revents, true);
  return b;
}

/** struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; } padded to 8. */
export function encodeDirent64(ino: number, off: number, type: number, name: string): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const reclen = (19 + nameBytes.length + 1 + 7) & ~7;
  const [b, d] = view(reclen);
  u64(d, 0, ino);
  i64(d, 8, off);
  d.setUint16(16, reclen, true);
  b[18] = type;
  b.set(nameBytes, 19);
  return b;
}

export function decodeDirents64(b: Uint8Array): Array<{ ino: number; off: number; type: number; name: string }> {
  const d = dv(b);
  const out: Array<{ ino: number; off: number; type: number; name: string }> = [];
  for (let pos = 0; pos + 19 <= b.length; ) {
    const reclen = d.getUint16(pos + 16, true);
    if (reclen < 20 || pos + reclen > b.length) break;
    const nameBytes = b.subarray(pos + 19, pos + reclen);
    const nul = nameBytes.indexOf(0);
    out.push({
      ino: Number(d.getBigUint64(pos, true)), off: Number(d.getBigInt64(pos + 8, true)), type: b[pos + 18],
      name: Buffer.from(nameBytes.subarray(0, nul < 0 ? nameBytes.length : nul)).toString('utf8'),
    });
    pos += reclen;
  }
  return out;
}

/** The kernel's struct sigaction on arm64 and x86_64: handler, flags, restorer, mask (32 bytes). */
export interface KSigaction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

export const SIGACTION_SIZE = 32;
export function encodeSigaction(a: KSigaction): Uint8Array {
  const [b, d] = view(SIGACTION_SIZE);
  u64(d, 0, a.handler);
  u64(d, 8, a.flags);
  u64(d, 16, a.restorer);
  d.setBigUint64(24, BigInt.asUintN(64, a.mask), true);
  return b;
}

export function decodeSigaction(b: Uint8Array): KSigaction {
  const d = dv(b);
  return {
    handler: Number(d.getBigUint64(0, true)), flags: Number(d.getBigUint64(8, true)),
    restorer: Number(d.getBigUint64(16, true)), mask: d.getBigUint64(24, true),
  };
}

export interface SysinfoValues {
  uptimeS: number;
  loads: [number, number, number];
  totalram: number;
  freeram: number;
  sharedram: number;
  bufferram: number;
  procs: number;
}

/** struct sysinfo (112 bytes on LP64). */
export function encodeSysinfo(s: SysinfoValues): Uint8Array {
  const [b, d] = view(112);
  i64(d, 0, s.uptimeS);
  s.loads.forEach((l, i) => u64(d, 8 + 8 * i, l));
  u64(d, 32, s.totalram); u64(d, 40, s.freeram); u64(d, 48, s.sharedram); u64(d, 56, s.bufferram);
  d.setUint16(80, s.procs, true);
  d.setUint32(104, 1, true);
  return b;
}

/** struct rusage (144 bytes). */
export function encodeRusage(r: { utimeNs: number; stimeNs: number; minflt: number; nvcsw: number; nivcsw: number }): Uint8Array {
  const [b, d] = view(144);
  b.set(encodeTimeval(r.utimeNs), 0);
  b.set(encodeTimeval(r.stimeNs), 16);
  i64(d, 32 + 4 * 8, r.minflt);
  i64(d, 32 + 12 * 8, r.nvcsw);
  i64(d, 32 + 13 * 8, r.nivcsw);
  return b;
}

/** struct tms: four clock_t in USER_HZ (100) ticks. */
export function encodeTms(utimeNs: number, stimeNs: number, cutimeNs: number, cstimeNs: number): Uint8Array {
  const [b, d] = view(32);
  [utimeNs, stimeNs, cutimeNs, cstimeNs].forEach((ns, i) => i64(d, 8 * i, Math.floor(ns / 10_000_000)));
  return b;
}

/** siginfo_t for SIGCHLD as waitid fills it (128 bytes). */
export function encodeChildSiginfo(signo: number, code: number, pid: number, uid: number, status: number): Uint8Array {
  const [b, d] = view(128);
  d.setInt32(0, signo, true);
  d.setInt32(8, code, true);
  d.setInt32(16, pid, true);
  d.setUint32(20, uid, true);
  d.setInt32(24, status, true);
  return b;
}
