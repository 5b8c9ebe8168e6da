// Applets that copy or count their input: cat, head, tail, tee, wc.

import { strerror } from '../libc/errno';
import { O_APPEND, O_CREAT, O_TRUNC, O_WRONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { InStream } from '../libc/stdio';
import type { Sc } from '../libc/sys';
import { forEachInput, openInput, options } from './common';

export function* cat(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'nbuve');
  if (!o) return 1;
  const number = o.flags.has('n') || o.flags.has('b');
  let lineNo = 0;
  let status = 0;
  for (const f of o.operands.length === 0 ? ['-'] : o.operands) {
    const fd = yield* openInput(rt, f);
    if (fd === undefined) {
      status = 1;
      continue;
    }
    const input = new InStream(rt.sys, fd);
    for (;;) {
      const chunk = number ? yield* input.lineBytes() : yield* input.chunk();
      if (chunk === undefined || chunk.length === 0) break;
      if (number && !(o.flags.has('b') && chunk.length === 1 && chunk[0] === 10)) rt.out.put(`${String(++lineNo).padStart(6)}\t`);
      yield* rt.out.write(chunk);
      if (rt.out.error !== 0) return 1;
    }
    if (fd !== 0) yield* rt.sys.close(fd);
  }
  return status;
}

/** "-N" (old style) becomes "-n N". */
function modernize(argv: readonly string[]): string[] {
  return argv.map((a, i) => (i > 0 && /^-[0-9]+$/.test(a) && argv[i - 1] !== '-n' && argv[i - 1] !== '-c' ? `-n${a.slice(1)}` : a));
}

function* headTail(rt: Runtime, tail: boolean): Sc<number> {
  const o = yield* options(rt, 'n:c:qvf', true, modernize(rt.argv).slice(1));
  if (!o) return 1;
  const spec = o.values.get('c') ?? o.values.get('n') ?? '10';
  const bytes = o.values.has('c');
  const fromStart = spec.startsWith('+');
  const negative = spec.startsWith('-');
  const count = Number(spec.replace(/^[-+]/, ''));
  if (!Number.isInteger(count)) {
    yield* rt.error(`invalid number '${spec}'`);
    return 1;
  }
  const files = o.operands;
  const headers = files.length > 1 && !o.flags.has('q') || o.flags.has('v');
  let first = true;
  const header = (name: string): void => {
    if (headers) rt.out.put(`${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
    first = false;
  };
  if (!tail && !negative) return yield* headStreaming(rt, files, count, bytes, header);
  return yield* forEachInput(rt, files, function* (data, name) {
    header(name);
    rt.out.put(select(data, { tail, bytes, count, fromStart, negative }));
    yield* rt.out.flush();
  });
}

/** head -n N / -c N reads only what it prints, so `yes | head` ends. */
function* headStreaming(rt: Runtime, files: readonly string[], count: number, bytes: boolean, header: (name: string) => void): Sc<number> {
  let status = 0;
  for (const f of files.length === 0 ? ['-'] : files) {
    const fd = yield* openInput(rt, f);
    if (fd === undefined) {
      status = 1;
      continue;
    }
    header(f);
    const input = new InStream(rt.sys, fd);
    let left = count;
    while (left > 0) {
      const piece = bytes ? yield* input.chunk() : yield* input.lineBytes();
      if (piece === undefined || piece.length === 0) break;
      const take = bytes ? piece.subarray(0, left) : piece;
      left -= bytes ? take.length : 1;
      yield* rt.out.write(take);
    }
    yield* rt.out.flush();
    if (fd !== 0) yield* rt.sys.close(fd);
  }
  return status;
}

function select(data: Uint8Array, s: { tail: boolean; bytes: boolean; count: number; fromStart: boolean; negative: boolean }): Uint8Array {
  if (s.bytes) {
    if (!s.tail) return s.negative ? data.subarray(0, Math.max(0, data.length - s.count)) : data.subarray(0, s.count);
    return s.fromStart ? data.subarray(Math.max(0, s.count - 1)) : data.subarray(Math.max(0, data.length - s.count));
  }
  const ends: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] === 10) ends.push(i + 1);
  if (data.length > 0 && data[data.length - 1] !== 10) ends.push(data.length);
  const lineStart = (k: number): number => (k <= 0 ? 0 : ends[Math.min(k, ends.length) - 1]!);
  if (!s.tail) {
    const n = s.negative ? Math.max(0, ends.length - s.count) : s.count;
    return data.subarray(0, lineStart(n));
  }
  if (s.fromStart) return data.subarray(lineStart(s.count - 1));
  return data.subarray(lineStart(ends.length - s.count));
}

export function* head(rt: Runtime): Sc<number> {
  return yield* headTail(rt, false);
}

export function* tail(rt: Runtime): Sc<number> {
  return yield* headTail(rt, true);
}

export function* tee(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'ai');
  if (!o) return 1;
  const fds: number[] = [];
  let status = 0;
  for (const f of o.operands) {
    const fd = yield* rt.sys.open(f, O_WRONLY | O_CREAT | (o.flags.has('a') ? O_APPEND : O_TRUNC));
    if (fd < 0) {
      yield* rt.error(`can't open '${f}': ${strerror(fd)}`);
      status = 1;
    } else fds.push(fd);
  }
  const input = new InStream(rt.sys, 0);
  for (;;) {
    const c = yield* input.chunk();
    if (c.length === 0) break;
    for (const fd of fds) yield* rt.sys.write(fd, c);
    rt.out.put(c);
    yield* rt.out.flush();
  }
  return status;
}

interface Counts {
  lines: number;
  words: number;
  bytes: number;
  maxLine: number;
}

export function countText(data: Uint8Array): Counts {
  let lines = 0;
  let words = 0;
  let inWord = false;
  let cur = 0;
  let maxLine = 0;
  for (const b of data) {
    if (b === 10) {
      lines++;
      maxLine = Math.max(maxLine, cur);
      cur = 0;
    } else cur++;
    const space = b === 32 || (b >= 9 && b <= 13);
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return { lines, words, bytes: data.length, maxLine: Math.max(maxLine, cur) };
}

export function* wc(rt: Runtime): Sc<number> {
  const o = yield* options(rt, 'lwcmL');
  if (!o) return 1;
  let fields = (['l', 'w', 'c', 'L'] as const).filter((f) => o.flags.has(f) || (f === 'c' && o.flags.has('m')));
  if (fields.length === 0) fields = ['l', 'w', 'c'];
  const pick = (c: Counts, f: 'l' | 'w' | 'c' | 'L'): number => ({ l: c.lines, w: c.words, c: c.bytes, L: c.maxLine })[f];
  const line = (c: Counts, name: string | undefined): string => {
    const nums = fields.map((f) => (fields.length === 1 ? String(pick(c, f)) : String(pick(c, f)).padStart(9)));
    return `${nums.join(' ')}${name === undefined ? '' : ` ${name}`}\n`;
  };
  const total: Counts = { lines: 0, words: 0, bytes: 0, maxLine: 0 };
  const status = yield* forEachInput(rt, o.operands, function* (data, name) {
    const c = countText(data);
    total.lines += c.lines;
    total.words += c.words;
    total.bytes += c.bytes;
    total.maxLine = Math.max(total.maxLine, c.maxLine);
    rt.out.put(line(c, name === '-' && o.operands.length === 0 ? undefined : name));
  });
  if (o.operands.length > 1) rt.out.put(line(total, 'total'));
  return status;
}
