// Helpers shared by the applets: reading whole inputs ("-" is stdin), line iteration,
// BusyBox's standard messages, and option parsing with its error format.

import { strerror } from '../libc/errno';
import { getopt } from '../libc/getopt';
import type { Options } from '../libc/getopt';
import { O_RDONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { InStream } from '../libc/stdio';
import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';

/** Options per `spec`, or undefined after printing BusyBox's "invalid option" message (exit 1). */
export function* options(rt: Runtime, spec: string, permute = true, args = rt.argv.slice(1)): Sc<Options | undefined> {
  const r = getopt(args, spec, permute);
  if ('error' in r) {
    yield* rt.error(r.error);
    return undefined;
  }
  return r;
}

/** Opens a named input ("-" = stdin) or prints "can't open 'F': ..." and returns undefined. */
export function* openInput(rt: Runtime, path: string): Sc<number | undefined> {
  if (path === '-') return 0;
  const fd = yield* rt.sys.open(path, O_RDONLY);
  if (fd < 0) {
    yield* rt.error(`can't open '${path}': ${strerror(fd)}`);
    return undefined;
  }
  return fd;
}

/** The whole content of a named input, or undefined (message printed). */
export function* readInput(rt: Runtime, path: string): Sc<Uint8Array | undefined> {
  const fd = yield* openInput(rt, path);
  if (fd === undefined) return undefined;
  const s = new InStream(rt.sys, fd);
  const data = yield* s.all();
  if (fd !== 0) yield* rt.sys.close(fd);
  if (s.error !== 0) {
    yield* rt.error(`read error: ${strerror(s.error)}`);
    return undefined;
  }
  return data;
}

export function* readInputText(rt: Runtime, path: string): Sc<string | undefined> {
  const b = yield* readInput(rt, path);
  return b === undefined ? undefined : fromUtf8(b);
}

/** Splits text into lines keeping whether the last one ended with a newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Applies `each` to every named file (or stdin when none); returns 1 if any failed. */
export function* forEachInput(rt: Runtime, files: readonly string[], each: (data: Uint8Array, name: string) => Sc<void>): Sc<number> {
  let status = 0;
  for (const f of files.length === 0 ? ['-'] : files) {
    const data = yield* readInput(rt, f);
    if (data === undefined) {
      status = 1;
      continue;
    }
    yield* each(data, f);
  }
  return status;
}

export function basename(p: string): string {
  const t = p.replace(/\/+$/, '');
  if (t === '') return p === '' ? '' : '/';
  return t.slice(t.lastIndexOf('/') + 1);
}

export function dirname(p: string): string {
  const t = p.replace(/\/+$/, '');
  if (t === '') return p === '' ? '.' : '/';
  const i = t.lastIndexOf('/');
  if (i < 0) return '.';
  const d = t.slice(0, i).replace(/\/+$/, '');
  return d === '' ? '/' : d;
}
