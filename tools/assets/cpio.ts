// cpio "newc" archives (the initramfs format Linux unpacks: Documentation/driver-api/
// early-userspace/buffer-format.rst): a 110-byte ASCII header per entry ("070701", thirteen
// 8-digit hex fields), the NUL-terminated name, padding to 4 bytes, the data, padding to 4
// bytes, and a final "TRAILER!!!" entry. Pure emit; entries are written in the order given.

export interface CpioEntry {
  /** Path inside the archive, without a leading slash (`bin/busybox`). */
  name: string;
  /** Full st_mode: file type bits | permissions (0o100755 for an executable file). */
  mode: number;
  /** File contents, or the link target for a symlink. */
  data?: Uint8Array;
  uid?: number;
  gid?: number;
  mtimeSec?: number;
  nlink?: number;
  rdevMajor?: number;
  rdevMinor?: number;
}

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

const MAGIC = '070701';
const TRAILER = 'TRAILER!!!';

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function header(e: CpioEntry, ino: number, fileSize: number, nameSize: number): string {
  const fields = [
    ino, e.mode, e.uid ?? 0, e.gid ?? 0, e.nlink ?? ((e.mode & 0o170000) === S_IFDIR ? 2 : 1), e.mtimeSec ?? 0,
    fileSize, 0, 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, nameSize, 0,
  ];
  return MAGIC + fields.map(hex8).join('');
}

export function emitCpio(entries: readonly CpioEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const push = (b: Uint8Array) => {
    chunks.push(b);
    offset += b.length;
  };
  const enc = new TextEncoder();
  const all: CpioEntry[] = [...entries, { name: TRAILER, mode: 0, nlink: 1 }];
  all.forEach((e, i) => {
    const name = enc.encode(e.name + '\0');
    const data = e.data ?? new Uint8Array(0);
    push(enc.encode(header(e, e.name === TRAILER ? 0 : i + 1, data.length, name.length)));
    push(name);
    push(new Uint8Array(pad4(offset)));
    push(data);
    push(new Uint8Array(pad4(offset)));
  });
  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
