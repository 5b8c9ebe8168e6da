// alias and unalias. Listing follows ash's hash-table order (39 buckets, hash = first
// byte << 4 plus every byte; appended within a bucket) so `alias` prints what ash prints.

import type { Sc } from '../libc/sys';
import type { Shell } from './shell';

const BUCKETS = 39;

function bucket(name: string): number {
  const bytes = new TextEncoder().encode(name);
  let h = (bytes[0] ?? 0) << 4;
  for (const b of bytes) h += b;
  return h % BUCKETS;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** Names in ash's listing order: by bucket, then definition order. */
export function aliasOrder(names: readonly string[]): string[] {
  return names.map((n, i) => ({ n, i, b: bucket(n) })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.n);
}

function* plain(sh: Shell, message: string): Sc<void> {
  yield* sh.out.flush();
  sh.err.put(`${message}\n`);
  yield* sh.err.flush();
}

export function* alias(sh: Shell, argv: string[]): Sc<number> {
  const aliases = sh.state.aliases;
  if (argv.length === 1) {
    for (const n of aliasOrder([...aliases.keys()])) sh.out.put(`${n}=${quote(aliases.get(n)!)}\n`);
    return 0;
  }
  let status = 0;
  for (const a of argv.slice(1)) {
    const eq = a.indexOf('=');
    if (eq > 0) {
      const name = a.slice(0, eq);
      // Redefinition keeps the entry's place, as ash updates it in its bucket.
      aliases.set(name, a.slice(eq + 1));
      continue;
    }
    const v = aliases.get(a);
    if (v === undefined) {
      yield* plain(sh, `alias: ${a} not found`);
      status = 1;
    } else sh.out.put(`${a}=${quote(v)}\n`);
  }
  return status;
}

export function* unalias(sh: Shell, argv: string[]): Sc<number> {
  if (argv[1] === '-a') {
    sh.state.aliases.clear();
    return 0;
  }
  let status = 0;
  for (const a of argv.slice(1)) {
    if (!sh.state.aliases.delete(a)) {
      yield* plain(sh, `unalias: ${a} not found`);
      status = 1;
    }
  }
  return status;
}
