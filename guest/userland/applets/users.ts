// uid/gid to names through /etc/passwd and /etc/group, as BusyBox's bb_getpwuid does
// (falling back to the number when there is no entry).

import { O_RDONLY } from '../libc/numbers';
import type { Runtime } from '../libc/runtime';
import { InStream } from '../libc/stdio';
import type { Sc } from '../libc/sys';
import { fromUtf8 } from '../libc/text';

export interface NameTable {
  byId: Map<number, string>;
  byName: Map<string, number>;
}

export function parseColonTable(text: string): NameTable {
  const byId = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3) continue;
    const id = Number(f[2]);
    if (!Number.isInteger(id)) continue;
    if (!byId.has(id)) byId.set(id, f[0]!);
    byName.set(f[0]!, id);
  }
  return { byId, byName };
}

export function* loadTable(rt: Runtime, path: string): Sc<NameTable> {
  const fd = yield* rt.sys.open(path, O_RDONLY);
  if (fd < 0) return { byId: new Map(), byName: new Map() };
  const data = yield* new InStream(rt.sys, fd).all();
  yield* rt.sys.close(fd);
  return parseColonTable(fromUtf8(data));
}

/** With no /etc/passwd, uid 0 still prints as root (the initramfs usually has one; the kernel's default user is root). */
export function nameOf(table: NameTable, id: number): string {
  return table.byId.get(id) ?? (id === 0 && table.byId.size === 0 ? 'root' : String(id));
}
