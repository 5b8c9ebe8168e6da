// Ethernet II framing (IEEE 802.3 with a type field): destination, source, EtherType, payload.
// The frame check sequence is not carried (virtio-net, pcap LINKTYPE_ETHERNET and QEMU's
// netdevs all pass frames without it).

import { be16, fail, ok, put16, readMac, writeMac, type Mac, type Parsed } from './bytes';

export const ETH = { dst: 0, src: 6, ethertype: 12, headerBytes: 14 } as const;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** The smallest frame on the wire without FCS; shorter frames are padded by senders. */
export const ETH_MIN_FRAME_BYTES = 60;
/** 1500-byte payload plus header (no VLAN tag). */
export const ETH_MAX_FRAME_BYTES = 1514;

export interface EthernetRepr {
  dst: Mac;
  src: Mac;
  ethertype: number;
  payload: Uint8Array;
}

export function parseEthernet(b: Uint8Array): Parsed<EthernetRepr> {
  if (b.length < ETH.headerBytes) return fail(`ethernet: frame of ${b.length} bytes is shorter than its 14-byte header`);
  const ethertype = be16(b, ETH.ethertype);
  if (ethertype < 0x0600) return fail(`ethernet: 802.3 length field ${ethertype}, not an Ethernet II type`);
  return ok({ dst: readMac(b, ETH.dst), src: readMac(b, ETH.src), ethertype, payload: b.subarray(ETH.headerBytes) });
}

/** Emits a frame; `padToMin` adds the zero padding a NIC adds to reach 60 bytes. */
export function emitEthernet(r: EthernetRepr, padToMin = false): Uint8Array {
  const len = ETH.headerBytes + r.payload.length;
  const out = new Uint8Array(padToMin ? Math.max(len, ETH_MIN_FRAME_BYTES) : len);
  writeMac(out, ETH.dst, r.dst);
  writeMac(out, ETH.src, r.src);
  put16(out, ETH.ethertype, r.ethertype);
  out.set(r.payload, ETH.headerBytes);
  return out;
}
