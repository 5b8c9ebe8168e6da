// virtio-blk feature bits and configuration space layout (virtio 1.1 §5.2.3-5.2.4).
// The config is a 60-byte little-endian structure; emitBlkConfig is the pure encoder.

export const VIRTIO_BLK_F_SIZE_MAX = 1n << 1n;
export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n;
export const VIRTIO_BLK_F_GEOMETRY = 1n << 4n;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;
export const VIRTIO_BLK_F_TOPOLOGY = 1n << 10n;
export const VIRTIO_BLK_F_DISCARD = 1n << 13n;
export const VIRTIO_BLK_F_WRITE_ZEROES = 1n << 14n;

export const BLK_CONFIG_BYTES = 60;

export interface BlkConfig {
  capacitySectors: bigint;
  sizeMax: number;
  segMax: number;
  blkSizeBytes: number;
  physicalBlockExp: number;
  alignmentOffset: number;
  minIoSize: number;
  optIoSize: number;
  maxDiscardSectors: number;
  maxDiscardSeg: number;
  discardSectorAlignment: number;
  maxWriteZeroesSectors: number;
  maxWriteZeroesSeg: number;
  writeZeroesMayUnmap: boolean;
}

export function emitBlkConfig(c: BlkConfig): Uint8Array {
  const b = new Uint8Array(BLK_CONFIG_BYTES);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, c.capacitySectors, true);
  v.setUint32(8, c.sizeMax, true);
  v.setUint32(12, c.segMax, true);
  // 16..19: geometry, not offered (QEMU leaves it out too unless asked).
  v.setUint32(20, c.blkSizeBytes, true);
  v.setUint8(24, c.physicalBlockExp);
  v.setUint8(25, c.alignmentOffset);
  v.setUint16(26, c.minIoSize, true);
  v.setUint32(28, c.optIoSize, true);
  // 32: writeback, 33: unused, 34: num_queues (MQ not offered).
  v.setUint32(36, c.maxDiscardSectors, true);
  v.setUint32(40, c.maxDiscardSeg, true);
  v.setUint32(44, c.discardSectorAlignment, true);
  v.setUint32(48, c.maxWriteZeroesSectors, true);
  v.setUint32(52, c.maxWriteZeroesSeg, true);
  v.setUint8(56, c.writeZeroesMayUnmap ? 1 : 0);
  return b;
}
