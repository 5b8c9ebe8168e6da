// UDP (RFC 768) with the IPv4 pseudo-header checksum. A zero checksum means "none" and is
// accepted; a computed checksum of zero is sent as 0xffff.

import { be16, fail, finishChecksum, ok, onesSum, pseudoHeaderSum, put16, type Ipv4Addr, type Parsed } from './bytes';
import { IP_PROTO_UDP } from './ipv4';

export const UDP = { srcPort: 0, dstPort: 2, length: 4, checksum: 6, headerBytes: 8 } as const;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

export function parseUdp(b: Uint8Array, src: Ipv4Addr, dst: Ipv4Addr, opts: { ignoreChecksum?: boolean } = {}): Parsed<UdpRepr> {
  if (b.length < UDP.headerBytes) return fail(`udp: ${b.length} bytes, shorter than a header`);
  const length = be16(b, UDP.length);
  if (length < UDP.headerBytes || length > b.length) return fail(`udp: length field ${length} outside [8, ${b.length}]`);
  const checksum = be16(b, UDP.checksum);
  if (checksum !== 0 && !opts.ignoreChecksum && onesSum(b, 0, length, pseudoHeaderSum(src, dst, IP_PROTO_UDP, length)) !== 0xffff) {
    return fail('udp: checksum mismatch');
  }
  return ok({ srcPort: be16(b, UDP.srcPort), dstPort: be16(b, UDP.dstPort), payload: b.subarray(UDP.headerBytes, length) });
}

export function emitUdp(r: UdpRepr, src: Ipv4Addr, dst: Ipv4Addr): Uint8Array {
  const length = UDP.headerBytes + r.payload.length;
  if (length > 0xffff) throw new Error(`udp: datagram of ${length} bytes`);
  const out = new Uint8Array(length);
  put16(out, UDP.srcPort, r.srcPort);
  put16(out, UDP.dstPort, r.dstPort);
  put16(out, UDP.length, length);
  out.set(r.payload, UDP.headerBytes);
  const sum = finishChecksum(onesSum(out, 0, length, pseudoHeaderSum(src, dst, IP_PROTO_UDP, length)));
  put16(out, UDP.checksum, sum === 0 ? 0xffff : sum);
  return out;
}
