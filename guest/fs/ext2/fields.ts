// Little-endian field tables: an on-disk structure is described once as [name, offset, size]
// and parsed into / emitted from a plain record, keeping the raw bytes for fields we do not model.

export type FieldTable<K extends string> = ReadonlyArray<readonly [K, number, 1 | 2 | 4]>;

export function getLe(b: Uint8Array, off: number, size: 1 | 2 | 4): number {
  if (size === 1) return b[off];
  if (size === 2) return b[off] | (b[off + 1] << 8);
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}

export function setLe(b: Uint8Array, off: number, size: 1 | 2 | 4, v: number): void {
  b[off] = v & 0xff;
  if (size >= 2) b[off + 1] = (v >>> 8) & 0xff;
  if (size === 4) {
    b[off + 2] = (v >>> 16) & 0xff;
    b[off + 3] = (v >>> 24) & 0xff;
  }
}

export function parseFields<K extends string>(table: FieldTable<K>, b: Uint8Array): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const [name, off, size] of table) out[name] = getLe(b, off, size);
  return out;
}

export function emitFields<K extends string>(table: FieldTable<K>, values: Record<K, number>, into: Uint8Array): Uint8Array {
  for (const [name, off, size] of table) setLe(into, off, size, values[name]);
  return into;
}
