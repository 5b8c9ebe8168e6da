// The DNS server at 10.0.2.3: answers class-IN queries from a table of names (A records, and PTR
// for their reverse names); unknown names get NXDOMAIN, other opcodes NOTIMP. Pure: query in,
// response out (or null when the message must be ignored, e.g. it is itself a response).

import { formatIpv4, ipv4, type Ipv4Addr } from '../../../guest/net/wire/bytes';
import {
  DNS_CLASS_IN,
  DNS_RCODE_FORMERR,
  DNS_RCODE_NOERROR,
  DNS_RCODE_NOTIMP,
  DNS_RCODE_NXDOMAIN,
  DNS_TYPE_A,
  DNS_TYPE_PTR,
  type DnsRecord,
  type DnsRepr,
} from '../../../guest/net/wire/dns';

export const DNS_TTL_S = 300;

export class DnsTable {
  private readonly byName = new Map<string, Ipv4Addr[]>();
  private readonly byReverse = new Map<string, string>();

  /** Entries "name" → "a.b.c.d"; throws on a malformed address (this is configuration). */
  constructor(entries: Record<string, string | string[]> = {}) {
    for (const name of Object.keys(entries).sort()) {
      const v = entries[name];
      for (const text of Array.isArray(v) ? v : [v]) this.add(name, ipv4(text));
    }
  }

  add(name: string, ip: Ipv4Addr): void {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (key.split('.').some((l) => l.length === 0 || l.length > 63) || key.length > 253) throw new Error(`dns table: bad name "${name}"`);
    this.byName.set(key, [...(this.byName.get(key) ?? []), ip]);
    const rev = `${formatIpv4(ip).split('.').reverse().join('.')}.in-addr.arpa`;
    if (!this.byReverse.has(rev)) this.byReverse.set(rev, key);
  }

  lookup(name: string): Ipv4Addr[] | undefined {
    return this.byName.get(name.toLowerCase());
  }

  reverse(name: string): string | undefined {
    return this.byReverse.get(name.toLowerCase());
  }
}

export function answerDns(q: DnsRepr, table: DnsTable): DnsRepr | null {
  if (q.response) return null;
  const base: DnsRepr = { ...q, response: true, authoritative: false, truncated: false, recursionAvailable: true, rcode: DNS_RCODE_NOERROR, answers: [], authorities: [], additionals: [] };
  if (q.opcode !== 0) return { ...base, rcode: DNS_RCODE_NOTIMP };
  if (q.questions.length !== 1) return { ...base, rcode: DNS_RCODE_FORMERR };
  const question = q.questions[0];
  if (question.class !== DNS_CLASS_IN) return { ...base, rcode: DNS_RCODE_NOTIMP };
  const answers: DnsRecord[] = [];
  const addrs = table.lookup(question.name);
  const ptr = table.reverse(question.name);
  if (addrs === undefined && ptr === undefined) return { ...base, rcode: DNS_RCODE_NXDOMAIN };
  if (addrs && question.type === DNS_TYPE_A) {
    for (const address of addrs) answers.push({ name: question.name, class: DNS_CLASS_IN, ttlS: DNS_TTL_S, data: { type: DNS_TYPE_A, address } });
  }
  if (ptr !== undefined && question.type === DNS_TYPE_PTR) {
    answers.push({ name: question.name, class: DNS_CLASS_IN, ttlS: DNS_TTL_S, data: { type: DNS_TYPE_PTR, target: ptr } });
  }
  // A known name asked for another type: NOERROR with no data (RFC 2308 "NODATA").
  return { ...base, answers };
}
