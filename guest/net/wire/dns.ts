// DNS messages (RFC 1035 §4): header, questions and resource records, with A, AAAA (RFC 3596),
// CNAME and PTR data decoded and other types kept raw. Names are dotted text without the final
// dot. Compression pointers are followed on parse (bounded, backwards only) and used on emit for
// every name suffix already written, as resolvers and servers do.

import { be16, be32, fail, ok, type Ipv4Addr, type Parsed } from './bytes';

export const DNS = { id: 0, flags: 2, qdcount: 4, ancount: 6, nscount: 8, arcount: 10, headerBytes: 12 } as const;
export const DNS_PORT = 53;
export const DNS_TYPE_A = 1;
export const DNS_TYPE_CNAME = 5;
export const DNS_TYPE_PTR = 12;
export const DNS_TYPE_AAAA = 28;
export const DNS_CLASS_IN = 1;
export const DNS_RCODE_NOERROR = 0;
export const DNS_RCODE_FORMERR = 1;
export const DNS_RCODE_SERVFAIL = 2;
export const DNS_RCODE_NXDOMAIN = 3;
export const DNS_RCODE_NOTIMP = 4;
const MAX_NAME_BYTES = 255;
const MAX_LABEL_BYTES = 63;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export type DnsRecordData =
  | { type: typeof DNS_TYPE_A; address: Ipv4Addr }
  | { type: typeof DNS_TYPE_AAAA; address: Uint8Array }
  | { type: typeof DNS_TYPE_CNAME | typeof DNS_TYPE_PTR; target: string }
  | { type: number; raw: Uint8Array };

export interface DnsRecord {
  name: string;
  class: number;
  ttlS: number;
  data: DnsRecordData;
}

export interface DnsRepr {
  id: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

interface Cursor {
  pos: number;
}

/** Reads a possibly compressed name at c.pos, advancing past its in-place part. */
function readName(b: Uint8Array, c: Cursor): Parsed<string> {
  const labels: string[] = [];
  let pos = c.pos;
  let jumped = false;
  let nameBytes = 1;
  for (;;) {
    if (pos >= b.length) return fail('dns: name runs past the message');
    const len = b[pos];
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= b.length) return fail('dns: truncated compression pointer');
      const target = ((len & 0x3f) << 8) | b[pos + 1];
      // Pointers must go backwards; that alone rules out loops.
      if (target >= pos) return fail('dns: compression pointer does not point backwards');
      if (!jumped) c.pos = pos + 2;
      jumped = true;
      pos = target;
      continue;
    }
    if (len & 0xc0) return fail(`dns: label type 0x${(len & 0xc0).toString(16)} unsupported`);
    if (len === 0) break;
    if (pos + 1 + len > b.length) return fail('dns: label runs past the message');
    nameBytes += len + 1;
    if (nameBytes > MAX_NAME_BYTES) return fail('dns: name longer than 255 bytes');
    const label = b.subarray(pos + 1, pos + 1 + len);
    // Names travel as dotted text here, so a label holding a dot cannot be represented.
    if (label.includes(0x2e)) return fail('dns: label contains a dot');
    labels.push(String.fromCharCode(...label));
    pos += 1 + len;
  }
  if (!jumped) c.pos = pos + 1;
  return ok(labels.join('.'));
}

function readQuestion(b: Uint8Array, c: Cursor): Parsed<DnsQuestion> {
  const name = readName(b, c);
  if (!name.ok) return name;
  if (c.pos + 4 > b.length) return fail('dns: question runs past the message');
  const q = { name: name.value, type: be16(b, c.pos), class: be16(b, c.pos + 2) };
  c.pos += 4;
  return ok(q);
}

function readRecord(b: Uint8Array, c: Cursor): Parsed<DnsRecord> {
  const name = readName(b, c);
  if (!name.ok) return name;
  if (c.pos + 10 > b.length) return fail('dns: record header runs past the message');
  const type = be16(b, c.pos);
  const cls = be16(b, c.pos + 2);
  const ttlS = be32(b, c.pos + 4);
  const rdlength = be16(b, c.pos + 8);
  const start = c.pos + 10;
  if (start + rdlength > b.length) return fail('dns: record data runs past the message');
  c.pos = start + rdlength;
  const rdata = b.subarray(start, start + rdlength);
  let data: DnsRecordData;
  if (type === DNS_TYPE_A) {
    if (rdlength !== 4) return fail(`dns: A record with ${rdlength} bytes`);
    data = { type, address: be32(rdata, 0) };
  } else if (type === DNS_TYPE_AAAA) {
    if (rdlength !== 16) return fail(`dns: AAAA record with ${rdlength} bytes`);
    data = { type, address: rdata.slice() };
  } else if (type === DNS_TYPE_CNAME || type === DNS_TYPE_PTR) {
    const inner: Cursor = { pos: start };
    const target = readName(b, inner);
    if (!target.ok) return target;
    if (inner.pos !== start + rdlength) return fail('dns: name in record data does not fill it');
    data = { type, target: target.value };
  } else {
    data = { type, raw: rdata.slice() };
  }
  return ok({ name: name.value, class: cls, ttlS, data });
}

function readSection<T>(b: Uint8Array, c: Cursor, count: number, read: (b: Uint8Array, c: Cursor) => Parsed<T>): Parsed<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    const r = read(b, c);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

export function parseDns(b: Uint8Array): Parsed<DnsRepr> {
  if (b.length < DNS.headerBytes) return fail(`dns: ${b.length} bytes, shorter than a header`);
  const flags = be16(b, DNS.flags);
  const c: Cursor = { pos: DNS.headerBytes };
  const questions = readSection(b, c, be16(b, DNS.qdcount), readQuestion);
  if (!questions.ok) return questions;
  const answers = readSection(b, c, be16(b, DNS.ancount), readRecord);
  if (!answers.ok) return answers;
  const authorities = readSection(b, c, be16(b, DNS.nscount), readRecord);
  if (!authorities.ok) return authorities;
  const additionals = readSection(b, c, be16(b, DNS.arcount), readRecord);
  if (!additionals.ok) return additionals;
  return ok({
    id: be16(b, DNS.id),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    authoritative: (flags & 0x0400) !== 0,
    truncated: (flags & 0x0200) !== 0,
    recursionDesired: (flags & 0x0100) !== 0,
    recursionAvailable: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    questions: questions.value,
    answers: answers.value,
    authorities: authorities.value,
    additionals: additionals.value,
  });
}

/** Grows as the message is written; remembers where each name suffix starts for compression. */
class DnsWriter {
  bytes: number[] = [];
  private readonly suffixes = new Map<string, number>();

  u16(v: number): void {
    this.bytes.push((v >>> 8) & 0xff, v & 0xff);
  }

  u32(v: number): void {
    this.u16(v >>> 16);
    this.u16(v & 0xffff);
  }

  name(name: string): void {
    const labels = name === '' ? [] : name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const at = this.suffixes.get(suffix);
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.bytes.length < 0x4000) this.suffixes.set(suffix, this.bytes.length);
      const label = labels[i];
      if (label.length === 0 || label.length > MAX_LABEL_BYTES) throw new Error(`dns: label "${label}" in "${name}" has a bad length`);
      this.bytes.push(label.length, ...[...label].map((ch) => ch.charCodeAt(0) & 0xff));
    }
    this.bytes.push(0);
  }

  record(r: DnsRecord): void {
    this.name(r.name);
    this.u16(r.data.type);
    this.u16(r.class);
    this.u32(r.ttlS);
    const lenAt = this.bytes.length;
    this.u16(0);
    const d = r.data;
    if ('raw' in d) this.bytes.push(...d.raw);
    else if ('target' in d) this.name(d.target);
    else if (typeof d.address === 'number') this.u32(d.address);
    else this.bytes.push(...d.address);
    const rdlength = this.bytes.length - lenAt - 2;
    this.bytes[lenAt] = rdlength >>> 8;
    this.bytes[lenAt + 1] = rdlength & 0xff;
  }
}

export function emitDns(r: DnsRepr): Uint8Array {
  const w = new DnsWriter();
  w.u16(r.id);
  const flags =
    (r.response ? 0x8000 : 0) | ((r.opcode & 0xf) << 11) | (r.authoritative ? 0x0400 : 0) | (r.truncated ? 0x0200 : 0) |
    (r.recursionDesired ? 0x0100 : 0) | (r.recursionAvailable ? 0x0080 : 0) | (r.rcode & 0xf);
  w.u16(flags);
  for (const n of [r.questions.length, r.answers.length, r.authorities.length, r.additionals.length]) w.u16(n);
  for (const q of r.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rec of [...r.answers, ...r.authorities, ...r.additionals]) w.record(rec);
  return Uint8Array.from(w.bytes);
}
