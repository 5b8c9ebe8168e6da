// Allocation bitmaps: bit i of byte i>>3, least significant first.

export function testBit(b: Uint8Array, i: number): boolean {
  return (b[i >> 3] & (1 << (i & 7))) !== 0;
}

export function setBit(b: Uint8Array, i: number): void {
  b[i >> 3] |= 1 << (i & 7);
}

export function clearBit(b: Uint8Array, i: number): void {
  b[i >> 3] &= ~(1 << (i & 7));
}

/** First clear bit in [from, limit), skipping full bytes; -1 if none. */
export function findClear(b: Uint8Array, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    if ((i & 7) === 0 && b[i >> 3] === 0xff && i + 8 <= limit) {
      i += 8;
      continue;
    }
    if (!testBit(b, i)) return i;
    i++;
  }
  return -1;
}

/** Sets every bit in [from, to): the padding past the last block or inode of a group. */
export function setRange(b: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) setBit(b, i);
}
