// TCP segment header (RFC 9293 §3.1) with the options a Linux peer sends: MSS (RFC 9293),
// window scale and timestamps (RFC 7323), SACK-permitted and SACK blocks (RFC 2018). Unknown
// options are skipped on parse; emit writes the known ones in Linux's order, NOP-padded.

import { be16, be32, fail, finishChecksum, ok, onesSum, pseudoHeaderSum, put16, put32, type Ipv4Addr, type Parsed } from './bytes';
import { IP_PROTO_TCP } from './ipv4';

export const TCP = { srcPort: 0, dstPort: 2, seq: 4, ack: 8, offsetFlags: 12, window: 14, checksum: 16, urgent: 18, minHeaderBytes: 20 } as const;
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

const OPT_END = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERM = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMP = 8;

export interface TcpOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  timestamp?: { value: number; echo: number };
  sackBlocks?: Array<{ left: number; right: number }>;
}

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP_FIN | TCP_SYN | ... (the low 8 flag bits). */
  flags: number;
  window: number;
  urgent: number;
  options: TcpOptions;
  payload: Uint8Array;
}

export function parseTcp(b: Uint8Array, src: Ipv4Addr, dst: Ipv4Addr, opts: { ignoreChecksum?: boolean } = {}): Parsed<TcpRepr> {
  if (b.length < TCP.minHeaderBytes) return fail(`tcp: ${b.length} bytes, shorter than a header`);
  const headerBytes = (b[TCP.offsetFlags] >> 4) * 4;
  if (headerBytes < TCP.minHeaderBytes || headerBytes > b.length) return fail(`tcp: data offset ${headerBytes} outside [20, ${b.length}]`);
  if (!opts.ignoreChecksum && onesSum(b, 0, b.length, pseudoHeaderSum(src, dst, IP_PROTO_TCP, b.length)) !== 0xffff) {
    return fail('tcp: checksum mismatch');
  }
  const options = parseTcpOptions(b.subarray(TCP.minHeaderBytes, headerBytes));
  if (!options.ok) return options;
  return ok({
    srcPort: be16(b, TCP.srcPort),
    dstPort: be16(b, TCP.dstPort),
    seq: be32(b, TCP.seq),
    ack: be32(b, TCP.ack),
    flags: b[TCP.offsetFlags + 1],
    window: be16(b, TCP.window),
    urgent: be16(b, TCP.urgent),
    options: options.value,
    payload: b.subarray(headerBytes),
  });
}

function parseTcpOptions(b: Uint8Array): Parsed<TcpOptions> {
  const o: TcpOptions = {};
  let i = 0;
  while (i < b.length) {
    const kind = b[i];
    if (kind === OPT_END) break;
    if (kind === OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= b.length) return fail('tcp: option runs past the header');
    const len = b[i + 1];
    if (len < 2 || i + len > b.length) return fail(`tcp: option ${kind} with length ${len}`);
    const err = applyOption(o, kind, b.subarray(i + 2, i + len));
    if (err) return fail(err);
    i += len;
  }
  return ok(o);
}

function applyOption(o: TcpOptions, kind: number, v: Uint8Array): string | null {
  const want = (n: number): string | null => (v.length === n ? null : `tcp: option ${kind} with ${v.length} data bytes, expected ${n}`);
  switch (kind) {
    case OPT_MSS:
      if (v.length === 2) o.mss = be16(v, 0);
      return want(2);
    case OPT_WSCALE:
      if (v.length === 1) o.windowScale = v[0];
      return want(1);
    case OPT_SACK_PERM:
      o.sackPermitted = true;
      return want(0);
    case OPT_TIMESTAMP:
      if (v.length === 8) o.timestamp = { value: be32(v, 0), echo: be32(v, 4) };
      return want(8);
    case OPT_SACK:
      if (v.length === 0 || v.length % 8 !== 0) return `tcp: SACK option with ${v.length} data bytes`;
      o.sackBlocks = [];
      for (let j = 0; j < v.length; j += 8) o.sackBlocks.push({ left: be32(v, j), right: be32(v, j + 4) });
      return null;
    default:
      return null;
  }
}

function emitTcpOptions(o: TcpOptions): number[] {
  const out: number[] = [];
  const u16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
  const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  if (o.mss !== undefined) out.push(OPT_MSS, 4, ...u16(o.mss));
  if (o.sackPermitted && o.timestamp) out.push(OPT_SACK_PERM, 2, OPT_TIMESTAMP, 10, ...u32(o.timestamp.value), ...u32(o.timestamp.echo));
  else if (o.timestamp) out.push(OPT_NOP, OPT_NOP, OPT_TIMESTAMP, 10, ...u32(o.timestamp.value), ...u32(o.timestamp.echo));
  else if (o.sackPermitted) out.push(OPT_NOP, OPT_NOP, OPT_SACK_PERM, 2);
  if (o.windowScale !== undefined) out.push(OPT_NOP, OPT_WSCALE, 3, o.windowScale);
  if (o.sackBlocks && o.sackBlocks.length > 0) {
    out.push(OPT_NOP, OPT_NOP, OPT_SACK, 2 + 8 * o.sackBlocks.length);
    for (const s of o.sackBlocks) out.push(...u32(s.left), ...u32(s.right));
  }
  while (out.length % 4 !== 0) out.push(OPT_NOP);
  if (out.length > 40) throw new Error(`tcp: ${out.length} bytes of options exceed 40`);
  return out;
}

export function emitTcp(r: TcpRepr, src: Ipv4Addr, dst: Ipv4Addr): Uint8Array {
  const options = emitTcpOptions(r.options);
  const headerBytes = TCP.minHeaderBytes + options.length;
  const out = new Uint8Array(headerBytes + r.payload.length);
  put16(out, TCP.srcPort, r.srcPort);
  put16(out, TCP.dstPort, r.dstPort);
  put32(out, TCP.seq, r.seq);
  put32(out, TCP.ack, r.ack);
  out[TCP.offsetFlags] = (headerBytes / 4) << 4;
  out[TCP.offsetFlags + 1] = r.flags & 0xff;
  put16(out, TCP.window, r.window);
  put16(out, TCP.urgent, r.urgent);
  out.set(options, TCP.minHeaderBytes);
  out.set(r.payload, headerBytes);
  put16(out, TCP.checksum, finishChecksum(onesSum(out, 0, out.length, pseudoHeaderSum(src, dst, IP_PROTO_TCP, out.length))));
  return out;
}
