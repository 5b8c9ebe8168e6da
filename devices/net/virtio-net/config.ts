// virtio-net numbers and layouts (virtio 1.1 §5.1): feature bits, the device configuration
// space, and struct virtio_net_hdr, which with VIRTIO_F_VERSION_1 is always 12 bytes.

import { macBytes, readMac, type Mac } from '../../../guest/net/wire/bytes';

export const VIRTIO_NET_F_CSUM = 1n << 0n;
export const VIRTIO_NET_F_GUEST_CSUM = 1n << 1n;
export const VIRTIO_NET_F_MTU = 1n << 3n;
export const VIRTIO_NET_F_MAC = 1n << 5n;
export const VIRTIO_NET_F_MRG_RXBUF = 1n << 15n;
export const VIRTIO_NET_F_STATUS = 1n << 16n;
export const VIRTIO_NET_F_MQ = 1n << 22n;

export const VIRTIO_NET_S_LINK_UP = 1;
export const NET_CONFIG = { mac: 0, status: 6, maxVirtqueuePairs: 8, mtu: 10, sizeBytes: 12 } as const;

export const NET_HDR = { flags: 0, gsoType: 1, hdrLen: 2, gsoSize: 4, csumStart: 6, csumOffset: 8, numBuffers: 10, sizeBytes: 12 } as const;
export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
export const VIRTIO_NET_HDR_GSO_NONE = 0;

export const RX_QUEUE = 0;
export const TX_QUEUE = 1;

export interface NetConfig {
  mac: Mac;
  status: number;
  maxVirtqueuePairs: number;
  mtu: number;
}

export function emitNetConfig(c: NetConfig): Uint8Array {
  const out = new Uint8Array(NET_CONFIG.sizeBytes);
  const v = new DataView(out.buffer);
  out.set(macBytes(c.mac), NET_CONFIG.mac);
  v.setUint16(NET_CONFIG.status, c.status, true);
  v.setUint16(NET_CONFIG.maxVirtqueuePairs, c.maxVirtqueuePairs, true);
  v.setUint16(NET_CONFIG.mtu, c.mtu, true);
  return out;
}

export function parseNetConfig(b: Uint8Array): NetConfig {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { mac: readMac(b, NET_CONFIG.mac), status: v.getUint16(NET_CONFIG.status, true), maxVirtqueuePairs: v.getUint16(NET_CONFIG.maxVirtqueuePairs, true), mtu: v.getUint16(NET_CONFIG.mtu, true) };
}

export interface NetHdr {
  flags: number;
  gsoType: number;
  hdrLenBytes: number;
  gsoSizeBytes: number;
  csumStart: number;
  csumOffset: number;
  numBuffers: number;
}

export const PLAIN_HDR: Readonly<NetHdr> = { flags: 0, gsoType: VIRTIO_NET_HDR_GSO_NONE, hdrLenBytes: 0, gsoSizeBytes: 0, csumStart: 0, csumOffset: 0, numBuffers: 1 };

export function parseNetHdr(b: Uint8Array): NetHdr | null {
  if (b.length < NET_HDR.sizeBytes) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    flags: b[NET_HDR.flags],
    gsoType: b[NET_HDR.gsoType],
    hdrLenBytes: v.getUint16(NET_HDR.hdrLen, true),
    gsoSizeBytes: v.getUint16(NET_HDR.gsoSize, true),
    csumStart: v.getUint16(NET_HDR.csumStart, true),
    csumOffset: v.getUint16(NET_HDR.csumOffset, true),
    numBuffers: v.getUint16(NET_HDR.numBuffers, true),
  };
}

export function emitNetHdr(h: NetHdr): Uint8Array {
  const out = new Uint8Array(NET_HDR.sizeBytes);
  const v = new DataView(out.buffer);
  out[NET_HDR.flags] = h.flags;
  out[NET_HDR.gsoType] = h.gsoType;
  v.setUint16(NET_HDR.hdrLen, h.hdrLenBytes, true);
  v.setUint16(NET_HDR.gsoSize, h.gsoSizeBytes, true);
  v.setUint16(NET_HDR.csumStart, h.csumStart, true);
  v.setUint16(NET_HDR.csumOffset, h.csumOffset, true);
  v.setUint16(NET_HDR.numBuffers, h.numBuffers, true);
  return out;
}
