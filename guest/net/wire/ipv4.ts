// IPv4 header (RFC 791). Options are carried as opaque bytes (the stack neither sets nor honours
// any); the header checksum is verified on parse and computed on emit. Fragment fields are kept
// as they are so a reassembler above can use them.

import { be16, be32, fail, finishChecksum, ok, onesSum, put16, put32, type Ipv4Addr, type Parsed } from './bytes';

export const IPV4 = { verIhl: 0, tos: 1, totalLength: 2, ident: 4, flagsFrag: 6, ttl: 8, protocol: 9, checksum: 10, src: 12, dst: 16, minHeaderBytes: 20 } as const;
export const IP_PROTO_ICMP = 1;
export const IP_PROTO_TCP = 6;
export const IP_PROTO_UDP = 17;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;

export interface Ipv4Repr {
  tos: number;
  ident: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** Offset of this fragment's data in the original datagram, in bytes (a multiple of 8). */
  fragmentOffsetBytes: number;
  ttl: number;
  protocol: number;
  src: Ipv4Addr;
  dst: Ipv4Addr;
  /** Raw option bytes, a multiple of 4 long (at most 40). */
  options: Uint8Array;
  payload: Uint8Array;
}

export interface Ipv4ParseOptions {
  /** Skip the header checksum check (for captures of offloaded traffic). */
  ignoreChecksum?: boolean;
}

export function parseIpv4(b: Uint8Array, opts: Ipv4ParseOptions = {}): Parsed<Ipv4Repr> {
  if (b.length < IPV4.minHeaderBytes) return fail(`ipv4: ${b.length} bytes, shorter than a header`);
  if (b[IPV4.verIhl] >> 4 !== 4) return fail(`ipv4: version ${b[IPV4.verIhl] >> 4}`);
  const headerBytes = (b[IPV4.verIhl] & 0xf) * 4;
  if (headerBytes < IPV4.minHeaderBytes) return fail(`ipv4: header length ${headerBytes} below 20`);
  const totalLength = be16(b, IPV4.totalLength);
  if (totalLength < headerBytes || totalLength > b.length) return fail(`ipv4: total length ${totalLength} outside [${headerBytes}, ${b.length}]`);
  if (!opts.ignoreChecksum && onesSum(b, 0, headerBytes) !== 0xffff) return fail('ipv4: header checksum mismatch');
  const ff = be16(b, IPV4.flagsFrag);
  if (ff & 0x8000) return fail('ipv4: reserved flag set');
  return ok({
    tos: b[IPV4.tos],
    ident: be16(b, IPV4.ident),
    dontFragment: (ff & FLAG_DF) !== 0,
    moreFragments: (ff & FLAG_MF) !== 0,
    fragmentOffsetBytes: (ff & 0x1fff) * 8,
    ttl: b[IPV4.ttl],
    protocol: b[IPV4.protocol],
    src: be32(b, IPV4.src),
    dst: be32(b, IPV4.dst),
    options: b.slice(IPV4.minHeaderBytes, headerBytes),
    payload: b.subarray(headerBytes, totalLength),
  });
}

export function emitIpv4(r: Ipv4Repr): Uint8Array {
  if (r.options.length % 4 !== 0 || r.options.length > 40) throw new Error(`ipv4: options of ${r.options.length} bytes`);
  if (r.fragmentOffsetBytes % 8 !== 0) throw new Error(`ipv4: fragment offset ${r.fragmentOffsetBytes} not a multiple of 8`);
  const headerBytes = IPV4.minHeaderBytes + r.options.length;
  if (headerBytes + r.payload.length > 0xffff) throw new Error(`ipv4: datagram of ${headerBytes + r.payload.length} bytes`);
  const out = new Uint8Array(headerBytes + r.payload.length);
  out[IPV4.verIhl] = 0x40 | (headerBytes / 4);
  out[IPV4.tos] = r.tos;
  put16(out, IPV4.totalLength, out.length);
  put16(out, IPV4.ident, r.ident);
  put16(out, IPV4.flagsFrag, (r.dontFragment ? FLAG_DF : 0) | (r.moreFragments ? FLAG_MF : 0) | (r.fragmentOffsetBytes / 8));
  out[IPV4.ttl] = r.ttl;
  out[IPV4.protocol] = r.protocol;
  put32(out, IPV4.src, r.src);
  put32(out, IPV4.dst, r.dst);
  out.set(r.options, IPV4.minHeaderBytes);
  put16(out, IPV4.checksum, finishChecksum(onesSum(out, 0, headerBytes)));
  out.set(r.payload, headerBytes);
  return out;
}

/** A plain unfragmented datagram with Linux's defaults (TTL 64, DF set). */
export function simpleIpv4(src: Ipv4Addr, dst: Ipv4Addr, protocol: number, payload: Uint8Array, ident = 0): Ipv4Repr {
  return { tos: 0, ident, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0, ttl: 64, protocol, src, dst, options: new Uint8Array(0), payload };
}
