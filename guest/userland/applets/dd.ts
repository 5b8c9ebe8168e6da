// dd if= of= bs= ibs= obs= count= skip= seek= conv=notrunc; "N+M records in/out" on
// stderr as Debian's BusyBox prints them (without the timing line).

import { strerror } from '../libc/errno';
import { O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY, SEEK_CUR } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { IO_CHUNK_BYTES, type Sc, type Sys } from '../libc/sys';

const SUFFIX: Readonly<Record<string, number>> = { '': 1, c: 1, w: 2, b: 512, k: 1024, K: 1024, M: 1 << 20, G: 1 << 30 };

export function parseSize(s: string): number | undefined {
  const m = /^([0-9]+)([cwbkKMG]?)$/.exec(s);
  return m ? Number(m[1]) * SUFFIX[m[2]!]! : undefined;
}

export function* dd(rt: Runtime): Sc<number> {
  const opts = new Map<string, string>();
  for (const a of rt.argv.slice(1)) {
    const eq = a.indexOf('=');
    if (eq < 0) {
      yield* rt.error(`invalid argument '${a}'`);
      return 1;
    }
    opts.set(a.slice(0, eq), a.slice(eq + 1));
  }
  const num = (k: string, d: number): number | undefined => (opts.has(k) ? parseSize(opts.get(k)!) : d);
  const bs = num('bs', 512);
  const count = num('count', Infinity);
  const skip = num('skip', 0);
  const seek = num('seek', 0);
  if (bs === undefined || bs === 0 || count === undefined || skip === undefined || seek === undefined) {
    yield* rt.error('invalid number');
    return 1;
  }
  const inFd = opts.has('if') ? yield* rt.sys.open(opts.get('if')!, O_RDONLY) : 0;
  if (inFd < 0) {
    yield* rt.error(`can't open '${opts.get('if')}': ${strerror(inFd)}`);
    return 1;
  }
  const trunc = (opts.get('conv') ?? '').includes('notrunc') ? 0 : O_TRUNC;
  const outFd = opts.has('of') ? yield* rt.sys.open(opts.get('of')!, O_WRONLY | O_CREAT | (seek > 0 ? 0 : trunc)) : 1;
  if (outFd < 0) {
    yield* rt.error(`can't open '${opts.get('of')}': ${strerror(outFd)}`);
    return 1;
  }
  if (skip > 0 && (yield* rt.sys.lseek(inFd, skip * bs, SEEK_CUR)) < 0) {
    for (let i = 0; i < skip; i++) yield* rt.sys.read(inFd, bs);
  }
  if (seek > 0) yield* rt.sys.lseek(outFd, seek * bs, SEEK_CUR);
  let full = 0;
  let partial = 0;
  let outFull = 0;
  let outPartial = 0;
  for (let n = 0; n < count; n++) {
    const r: Uint8Array | number = yield* readBlock(rt.sys, inFd, bs);
    if (typeof r === 'number' || r.length === 0) break;
    if (r.length === bs) full++;
    else partial++;
    const w: number = yield* rt.sys.write(outFd, r);
    if (w < 0) {
      yield* rt.error(`write error: ${strerror(w)}`);
      break;
    }
    if (w === bs) outFull++;
    else outPartial++;
  }
  yield* rt.flush();
  rt.err.put(`${full}+${partial} records in\n${outFull}+${outPartial} records out\n`);
  return 0;
}

/**
 * One read(2) of up to `bs` bytes. The native libc moves at most IO_CHUNK_BYTES per call, so a
 * block larger than that is gathered while each piece comes back whole — what the single
 * syscall would return from a file or /dev/zero — and ends at the first short piece.
 */
function* readBlock(sys: Sys, fd: number, bs: number): Sc<Uint8Array | number> {
  const first: Uint8Array | number = yield* sys.read(fd, bs);
  if (typeof first === 'number' || first.length < IO_CHUNK_BYTES || first.length >= bs) return first;
  const parts = [first];
  let total = first.length;
  while (total < bs) {
    const r: Uint8Array | number = yield* sys.read(fd, bs - total);
    if (typeof r === 'number' || r.length === 0) break;
    parts.push(r);
    total += r.length;
    if (r.length < Math.min(IO_CHUNK_BYTES, bs - total + r.length)) break;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
