// ICMPv4 (RFC 792): echo request/reply, destination unreachable (with the RFC 1191 next-hop MTU),
// time exceeded; other types are kept raw so nothing is lost. The checksum covers the whole message.

import { be16, fail, finishChecksum, ok, onesSum, put16, type Parsed } from './bytes';

export const ICMP = { type: 0, code: 1, checksum: 2, rest: 4, headerBytes: 8 } as const;
export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACHABLE = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_UNREACH_PORT = 3;
export const ICMP_UNREACH_FRAG_NEEDED = 4;

export type Icmpv4Repr =
  | { kind: 'echoRequest' | 'echoReply'; ident: number; seq: number; data: Uint8Array }
  | { kind: 'destUnreachable'; code: number; nextHopMtu: number; original: Uint8Array }
  | { kind: 'timeExceeded'; code: number; original: Uint8Array }
  | { kind: 'other'; type: number; code: number; rest: number; data: Uint8Array };

export function parseIcmpv4(b: Uint8Array, opts: { ignoreChecksum?: boolean } = {}): Parsed<Icmpv4Repr> {
  if (b.length < ICMP.headerBytes) return fail(`icmp: ${b.length} bytes, shorter than a header`);
  if (!opts.ignoreChecksum && onesSum(b, 0, b.length) !== 0xffff) return fail('icmp: checksum mismatch');
  const type = b[ICMP.type];
  const code = b[ICMP.code];
  const body = b.subarray(ICMP.headerBytes);
  switch (type) {
    case ICMP_ECHO_REQUEST:
    case ICMP_ECHO_REPLY:
      if (code !== 0) break;
      return ok({ kind: type === ICMP_ECHO_REQUEST ? 'echoRequest' : 'echoReply', ident: be16(b, 4), seq: be16(b, 6), data: body });
    case ICMP_DEST_UNREACHABLE:
      if (code > 15) break;
      return ok({ kind: 'destUnreachable', code, nextHopMtu: be16(b, 6), original: body });
    case ICMP_TIME_EXCEEDED:
      if (code > 1) break;
      return ok({ kind: 'timeExceeded', code, original: body });
  }
  return ok({ kind: 'other', type, code, rest: ((be16(b, 4) << 16) | be16(b, 6)) >>> 0, data: body });
}

export function emitIcmpv4(r: Icmpv4Repr): Uint8Array {
  const body = 'data' in r ? r.data : r.original;
  const out = new Uint8Array(ICMP.headerBytes + body.length);
  switch (r.kind) {
    case 'echoRequest':
    case 'echoReply':
      out[ICMP.type] = r.kind === 'echoRequest' ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY;
      put16(out, 4, r.ident);
      put16(out, 6, r.seq);
      break;
    case 'destUnreachable':
      out[ICMP.type] = ICMP_DEST_UNREACHABLE;
      out[ICMP.code] = r.code;
      put16(out, 6, r.nextHopMtu);
      break;
    case 'timeExceeded':
      out[ICMP.type] = ICMP_TIME_EXCEEDED;
      out[ICMP.code] = r.code;
      break;
    case 'other':
      out[ICMP.type] = r.type;
      out[ICMP.code] = r.code;
      put16(out, 4, r.rest >>> 16);
      put16(out, 6, r.rest & 0xffff);
  }
  out.set(body, ICMP.headerBytes);
  put16(out, ICMP.checksum, finishChecksum(onesSum(out, 0, out.length)));
  return out;
}

/** The part of an offending datagram an ICMP error quotes: its IP header plus 8 bytes (RFC 792). */
export function icmpQuote(ipDatagram: Uint8Array): Uint8Array {
  const headerBytes = (ipDatagram[0] & 0xf) * 4;
  return ipDatagram.slice(0, Math.min(ipDatagram.length, headerBytes + 8));
}
