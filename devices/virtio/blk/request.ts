// virtio-blk wire formats (virtio 1.1 §5.2.6): the 16-byte request header, the 16-byte
// discard / write-zeroes segment, request types and status bytes. Pure parse functions.

export const SECTOR_BYTES = 512;

export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;
export const VIRTIO_BLK_T_DISCARD = 11;
export const VIRTIO_BLK_T_WRITE_ZEROES = 13;

export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

export const VIRTIO_BLK_ID_BYTES = 20;
export const REQ_HEADER_BYTES = 16;
export const SEGMENT_BYTES = 16;

export interface BlkRequestHeader {
  type: number;
  sector: bigint;
}

export interface DiscardSegment {
  sector: bigint;
  numSectors: number;
  /** Bit 0: unmap (write-zeroes may deallocate). */
  flags: number;
}

export function parseRequestHeader(b: Uint8Array): BlkRequestHeader | null {
  if (b.length < REQ_HEADER_BYTES) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  return { type: v.getUint32(0, true), sector: v.getBigUint64(8, true) };
}

export function emitRequestHeader(h: BlkRequestHeader): Uint8Array {
  const b = new Uint8Array(REQ_HEADER_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, h.type, true);
  v.setBigUint64(8, h.sector, true);
  return b;
}

export function parseSegments(b: Uint8Array): DiscardSegment[] | null {
  if (b.length === 0 || b.length % SEGMENT_BYTES !== 0) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const out: DiscardSegment[] = [];
  for (let o = 0; o < b.length; o += SEGMENT_BYTES) {
    out.push({ sector: v.getBigUint64(o, true), numSectors: v.getUint32(o + 8, true), flags: v.getUint32(o + 12, true) });
  }
  return out;
}

export function emitSegments(segs: DiscardSegment[]): Uint8Array {
  const b = new Uint8Array(SEGMENT_BYTES * segs.length);
  const v = new DataView(b.buffer);
  segs.forEach((s, i) => {
    v.setBigUint64(i * SEGMENT_BYTES, s.sector, true);
    v.setUint32(i * SEGMENT_BYTES + 8, s.numSectors, true);
    v.setUint32(i * SEGMENT_BYTES + 12, s.flags, true);
  });
  return b;
}
