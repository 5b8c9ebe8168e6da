// Small file helpers of the AI programs: the key=value metrics files other programs (the
// dashboard, scenarios) read, written whole and renamed into place so a reader never sees half
// a file; directories created with their parents.

import { strerror } from '../libc/errno';
import { O_CREAT, O_TRUNC, O_WRONLY } from '../libc/numbers';
import type { Sc, Sys } from '../libc/sys';

const EEXIST = 17;

/** mkdir -p: 0 or -errno. */
export function* mkdirs(sys: Sys, path: string): Sc<number> {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const r = yield* sys.mkdir(`/${parts.slice(0, i).join('/')}`, 0o755);
    if (r < 0 && r !== -EEXIST) return r;
  }
  return 0;
}

/** Writes `data` to `path` through a temporary file and rename(2); null or an error message. */
export function* writeFileAtomic(sys: Sys, path: string, data: string | Uint8Array): Sc<string | null> {
  const tmp = `${path}.tmp`;
  const fd = yield* sys.open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  if (fd < 0) return `${tmp}: ${strerror(fd)}`;
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const n = yield* sys.write(fd, bytes);
  yield* sys.close(fd);
  if (n !== bytes.length) return `${tmp}: ${n < 0 ? strerror(n) : 'short write'}`;
  const r = yield* sys.rename(tmp, path);
  return r < 0 ? `${path}: ${strerror(r)}` : null;
}

/** `key=value` lines, in the order given. */
export function formatKeyValues(entries: ReadonlyArray<readonly [string, string | number]>): string {
  return entries.map(([k, v]) => `${k}=${v}\n`).join('');
}

export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

/** A fixed-point figure for metrics files (two decimals, no exponent). */
export function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '0.00';
}
