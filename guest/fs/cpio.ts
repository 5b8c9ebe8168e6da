// The cpio "newc" format (and its "crc" twin) that initramfs images use: a 110-byte ASCII
// header of thirteen 8-digit hex fields, the NUL-terminated name padded to 4 bytes, then
// the data padded to 4 bytes, ending at an entry named TRAILER!!!. Several archives may
// be concatenated, each optionally gzip-compressed, as Linux's init/initramfs.c accepts.

import { gunzipSync } from 'node:zlib';

export const CPIO_HEADER_SIZE = 110;
const MAGIC_NEWC = '070701';
const MAGIC_CRC = '070702';
export const CPIO_TRAILER = 'TRAILER!!!';
/** Bound on the unpacked size, so a gzip bomb cannot eat the host. */
export const MAX_UNPACKED_BYTES = 1 << 30;

export interface CpioEntry {
  name: string;
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  devMajor: number;
  devMinor: number;
  rdevMajor: number;
  rdevMinor: number;
  data: Uint8Array;
}

export type CpioResult = { ok: true; entries: CpioEntry[] } | { ok: false; entries: CpioEntry[]; error: string };

const FIELDS = ['ino', 'mode', 'uid', 'gid', 'nlink', 'mtime', 'filesize', 'devMajor', 'devMinor', 'rdevMajor', 'rdevMinor', 'namesize', 'check'] as const;

function align4(n: number): number {
  return (n + 3) & ~3;
}

function parseHeader(bytes: Uint8Array, off: number): Record<(typeof FIELDS)[number], number> | string {
  if (off + CPIO_HEADER_SIZE > bytes.length) return `truncated header at offset ${off}`;
  const text = Buffer.from(bytes.subarray(off, off + CPIO_HEADER_SIZE)).toString('latin1');
  const magic = text.slice(0, 6);
  if (magic !== MAGIC_NEWC && magic !== MAGIC_CRC) return `bad magic ${JSON.stringify(magic)} at offset ${off}`;
  const out = {} as Record<(typeof FIELDS)[number], number>;
  for (let i = 0; i < FIELDS.length; i++) {
    const field = text.slice(6 + 8 * i, 14 + 8 * i);
    if (!/^[0-9a-fA-F]{8}$/.test(field)) return `bad ${FIELDS[i]} field ${JSON.stringify(field)} at offset ${off}`;
    out[FIELDS[i]] = parseInt(field, 16);
  }
  return out;
}

/** Parses one or more concatenated (optionally gzipped) newc archives. Never throws. */
export function parseCpio(input: Uint8Array): CpioResult {
  const entries: CpioEntry[] = [];
  let bytes = input;
  let off = 0;
  while (off < bytes.length) {
    if (bytes[off] === 0) {
      off++;
      continue;
    }
    if (bytes[off] === 0x1f && bytes[off + 1] === 0x8b) {
      let inflated: Uint8Array;
      try {
        inflated = gunzipSync(bytes.subarray(off), { maxOutputLength: MAX_UNPACKED_BYTES });
      } catch (e) {
        return { ok: false, entries, error: `gzip: ${(e as Error).message}` };
      }
      // Whatever follows a gzip member is not recoverable by gunzipSync; treat the rest as that member.
      bytes = inflated;
      off = 0;
      continue;
    }
    const h = parseHeader(bytes, off);
    if (typeof h === 'string') return { ok: false, entries, error: h };
    const nameStart = off + CPIO_HEADER_SIZE;
    const dataStart = align4(nameStart + h.namesize);
    const dataEnd = dataStart + h.filesize;
    if (h.namesize === 0 || nameStart + h.namesize > bytes.length || dataEnd > bytes.length) {
      return { ok: false, entries, error: `truncated entry at offset ${off}` };
    }
    const name = Buffer.from(bytes.subarray(nameStart, nameStart + h.namesize - 1)).toString('utf8');
    off = align4(dataEnd);
    if (name === CPIO_TRAILER) continue;
    entries.push({
      name, ino: h.ino, mode: h.mode, uid: h.uid, gid: h.gid, nlink: h.nlink, mtime: h.mtime,
      devMajor: h.devMajor, devMinor: h.devMinor, rdevMajor: h.rdevMajor, rdevMinor: h.rdevMinor,
      data: bytes.slice(dataStart, dataEnd),
    });
  }
  return { ok: true, entries };
}

/** Builds a newc archive (for tests and for packing a root filesystem). */
export function emitCpio(entries: ReadonlyArray<Pick<CpioEntry, 'name' | 'mode' | 'data'> & Partial<CpioEntry>>): Uint8Array {
  const chunks: Buffer[] = [];
  let ino = 1;
  const push = (e: Pick<CpioEntry, 'name' | 'mode' | 'data'> & Partial<CpioEntry>): void => {
    const name = Buffer.from(e.name + '\0', 'utf8');
    const vals = [e.ino ?? ino++, e.mode, e.uid ?? 0, e.gid ?? 0, e.nlink ?? 1, e.mtime ?? 0, e.data.length,
      e.devMajor ?? 0, e.devMinor ?? 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, name.length, 0];
    const header = MAGIC_NEWC + vals.map((v) => (v >>> 0).toString(16).padStart(8, '0')).join('');
    const head = Buffer.concat([Buffer.from(header, 'latin1'), name]);
    chunks.push(head, Buffer.alloc(align4(head.length) - head.length));
    chunks.push(Buffer.from(e.data), Buffer.alloc(align4(e.data.length) - e.data.length));
  };
  for (const e of entries) push(e);
  push({ name: CPIO_TRAILER, mode: 0, data: new Uint8Array(0), ino: 0, nlink: 1 });
  return new Uint8Array(Buffer.concat(chunks));
}
