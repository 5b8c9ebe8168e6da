// QEMU's size syntax (qemu_strtosz in util/cutils.c) as `-m` reads it: a decimal number, possibly
// with a fraction (`1.5G`), or a hex integer; an optional suffix B/K/M/G/T/P/E in either case; no
// suffix means MiB for `-m`. QEMU then rounds guest RAM up to 8 KiB and treats 0 as "the default".

import { err, ok, type Result } from './result';

const SUFFIX_SHIFT: Record<string, number> = { b: 0, k: 10, m: 20, g: 30, t: 40, p: 50, e: 60 };

export const DEFAULT_RAM_BYTES = 128 * 1024 * 1024;
const RAM_ALIGN_BYTES = 8192;

const SIZE_HINT = 'expected a size such as 512M, 1G or 1.5G (suffix K, M, G, T; no suffix means MiB)';

/** Parses a size to bytes; `defaultShift` applies when there is no suffix (20 for MiB). */
export function parseSize(text: string, defaultShift: number): Result<number> {
  const match = /^(0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)([bBkKmMgGtTpPeE]?)$/.exec(text.trim());
  if (match === null) return err(`invalid size '${text}': ${SIZE_HINT}`);
  const [, digits = '', suffix = ''] = match;
  const shift = suffix === '' ? defaultShift : (SUFFIX_SHIFT[suffix.toLowerCase()] ?? 0);
  const isHex = digits.startsWith('0x') || digits.startsWith('0X');
  const amount = isHex ? Number.parseInt(digits.slice(2), 16) : Number.parseFloat(digits);
  const bytes = amount * 2 ** shift;
  if (!Number.isFinite(bytes) || bytes > Number.MAX_SAFE_INTEGER) {
    return err(`size '${text}' is too large`);
  }
  return ok(Math.floor(bytes));
}

/** `-m` semantics on top of parseSize: MiB by default, 0 means 128 MiB, rounded up to 8 KiB. */
export function parseRamSize(text: string): Result<number> {
  const parsed = parseSize(text, 20);
  if (!parsed.ok) return parsed;
  if (parsed.value === 0) return ok(DEFAULT_RAM_BYTES);
  return ok(Math.ceil(parsed.value / RAM_ALIGN_BYTES) * RAM_ALIGN_BYTES);
}

/** The shortest exact spelling: `1G`, `1536M`, `104K`, `123B`. */
export function formatSize(bytes: number): string {
  for (const [suffix, shift] of [['T', 40], ['G', 30], ['M', 20], ['K', 10]] as const) {
    const unit = 2 ** shift;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return `${bytes}B`;
}
