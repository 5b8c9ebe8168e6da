// libpcap capture files (the classic format read by tcpdump, tshark and Wireshark): a 24-byte
// global header, then one 16-byte record header per frame. Timestamps are virtual time; the
// nanosecond-resolution magic (0xa1b23c4d) keeps them exact. LINKTYPE_ETHERNET frames, no FCS.

import { fail, ok, type Parsed } from '../../guest/net/wire/bytes';

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const LINKTYPE_ETHERNET = 1;
export const PCAP_GLOBAL_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;
/** Frames are captured whole; 262144 is what tcpdump uses by default. */
export const PCAP_SNAPLEN = 262144;

export interface PcapRecord {
  timeNs: number;
  /** Length on the wire; equals data.length unless the frame was cut at the snap length. */
  origLenBytes: number;
  data: Uint8Array;
}

export interface PcapFile {
  nanos: boolean;
  snaplen: number;
  linktype: number;
  records: PcapRecord[];
}

export function emitPcapGlobalHeader(nanos: boolean, snaplen = PCAP_SNAPLEN, linktype = LINKTYPE_ETHERNET): Uint8Array {
  const out = new Uint8Array(PCAP_GLOBAL_HEADER_BYTES);
  const v = new DataView(out.buffer);
  v.setUint32(0, nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  // thiszone and sigfigs stay 0 (UTC, as every writer does).
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linktype, true);
  return out;
}

export function emitPcapRecord(rec: { timeNs: number; data: Uint8Array }, nanos: boolean, snaplen = PCAP_SNAPLEN): Uint8Array {
  const capLen = Math.min(rec.data.length, snaplen);
  const out = new Uint8Array(PCAP_RECORD_HEADER_BYTES + capLen);
  const v = new DataView(out.buffer);
  const t = Math.max(0, Math.floor(rec.timeNs));
  const sec = Math.floor(t / 1e9);
  const subNs = t - sec * 1e9;
  v.setUint32(0, sec >>> 0, true);
  v.setUint32(4, nanos ? subNs : Math.floor(subNs / 1000), true);
  v.setUint32(8, capLen, true);
  v.setUint32(12, rec.data.length, true);
  out.set(rec.data.subarray(0, capLen), PCAP_RECORD_HEADER_BYTES);
  return out;
}

/** Reads a little-endian classic pcap file (what this writer produces; tests use it). */
export function parsePcap(b: Uint8Array): Parsed<PcapFile> {
  if (b.length < PCAP_GLOBAL_HEADER_BYTES) return fail('pcap: shorter than the global header');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = v.getUint32(0, true);
  if (magic !== PCAP_MAGIC_MICROS && magic !== PCAP_MAGIC_NANOS) return fail(`pcap: magic 0x${magic.toString(16)}`);
  const nanos = magic === PCAP_MAGIC_NANOS;
  const records: PcapRecord[] = [];
  let pos = PCAP_GLOBAL_HEADER_BYTES;
  while (pos < b.length) {
    if (pos + PCAP_RECORD_HEADER_BYTES > b.length) return fail(`pcap: truncated record header at ${pos}`);
    const capLen = v.getUint32(pos + 8, true);
    const start = pos + PCAP_RECORD_HEADER_BYTES;
    if (start + capLen > b.length) return fail(`pcap: record at ${pos} runs past the file`);
    const timeNs = v.getUint32(pos, true) * 1e9 + v.getUint32(pos + 4, true) * (nanos ? 1 : 1000);
    records.push({ timeNs, origLenBytes: v.getUint32(pos + 12, true), data: b.slice(start, start + capLen) });
    pos = start + capLen;
  }
  return ok({ nanos, snaplen: v.getUint32(16, true), linktype: v.getUint32(20, true), records });
}

/** Collects frames in memory; `bytes()` is the whole file. The caller decides where it goes. */
export class PcapWriter {
  private readonly chunks: Uint8Array[] = [];
  private sizeBytes: number;
  frames = 0;

  constructor(readonly nanos = true) {
    this.chunks.push(emitPcapGlobalHeader(nanos));
    this.sizeBytes = PCAP_GLOBAL_HEADER_BYTES;
  }

  add(timeNs: number, frame: Uint8Array): void {
    const rec = emitPcapRecord({ timeNs, data: frame }, this.nanos);
    this.chunks.push(rec);
    this.sizeBytes += rec.length;
    this.frames++;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.sizeBytes);
    let pos = 0;
    for (const c of this.chunks) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  }
}
