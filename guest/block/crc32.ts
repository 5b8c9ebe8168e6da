// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as GPT uses for its header and entries:
// Node's zlib computes it, so there is one implementation for GPT and PNG alike.

import { crc32 as zlibCrc32 } from 'node:zlib';

export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}
